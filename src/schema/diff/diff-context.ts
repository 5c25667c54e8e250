// What every per-object comparison needs to know besides the two objects.
import type { ObjectKey, SchemaObjectAny } from '../../model/schema.js';

export interface DiffContext {
  readonly desiredMajor: number;
  readonly actualMajor: number;
  readonly targetMajor: number;
  /** Desired objects by key (FK targets, partition parents). */
  readonly desired: ReadonlyMap<ObjectKey, SchemaObjectAny>;
  readonly actual: ReadonlyMap<ObjectKey, SchemaObjectAny>;
}
