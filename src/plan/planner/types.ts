// The planner's input and the attributes it gives the resources it plans (recorded in the state by the apply engine
// as `attributes`, so the next plan can compare them). Pure data.
import type { ActualState } from '../../introspect/types.js';
import type { Spec } from '../../spec/model.js';
import type { StateDocument } from '../../state/state-document.js';
import type { PlanBasis } from '../types.js';

export interface PlanOptions {
  /** `plan --destroy`: delete everything the state records (databases pgrepl created, tables it created, rows). */
  readonly destroy: boolean;
  /** `apply --refresh-windows`: re-anchor every time window at the source's now(). */
  readonly refreshWindows: boolean;
}

export interface PlanInput {
  readonly spec: Spec;
  readonly actual: ActualState;
  readonly state: StateDocument | null;
  readonly basedOn: PlanBasis;
  /** Injected clock (PGREPL_NOW in tests): the plan's createdAt. Window anchors use actual.source.now. */
  readonly now: Date;
  readonly options: PlanOptions;
}

/** `target.role.<name>`: a role pgrepl created (roles: copy). */
export interface RoleAttributes {
  readonly name: string;
  readonly created: true;
}

/** `target.database.<key>`. */
export interface DatabaseAttributes {
  /** The target database's name. */
  readonly name: string;
  /** pgrepl ran CREATE DATABASE (destroy drops it; its tables need no consent to be emptied). */
  readonly created: boolean;
  /** Added by the engine after a data stage: what the copy moved and how long it took (the next plan's throughput). */
  readonly throughput?: { readonly bytes: number; readonly seconds: number };
}

/** An anchored time window (CONTRACTS.md, Plans). */
export interface WindowRecord {
  readonly column: string;
  /** Canonical `last` text, e.g. `90 days`: the anchor moves only when this changes (or --refresh-windows). */
  readonly last: string;
  /** The source's now() at the first apply, as PostgreSQL printed it. */
  readonly anchor: string;
  /** windowLowerBound(anchor, last). */
  readonly bound: string;
}

/**
 * `target.rows.<key>.<schema>.<name>`: the rows of one table (with its leaf partitions) or the value of one sequence.
 * `after` of a rows step; the engine records these attributes plus RowsRuntime.
 */
export interface RowsAttributes {
  readonly kind: 'table' | 'sequence';
  readonly target_database: string;
  /** The spec's `where` as written, null for none. */
  readonly where: string | null;
  readonly window: WindowRecord | null;
  /** The predicate the copy runs: where and window joined with AND (null: every row). */
  readonly filter: string | null;
  /** pgrepl created the target table in the plan that first copied it (destroy drops it rather than emptying it). */
  readonly table_created: boolean;
}

/** What the engine adds when it records a rows resource. */
export interface RowsRuntime {
  /** `copying` is written before the database's copy starts and `copied` after it committed (the unit of resume). */
  readonly status: 'copying' | 'copied';
  /** The snapshot the rows were read in (null while copying). */
  readonly snapshot: string | null;
  /** The target table's oid after the copy: a table dropped and made again since is copied again. */
  readonly target_oid: number | null;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly seconds: number | null;
  /** ISO 8601 UTC. */
  readonly copied_at: string | null;
}

export type RowsRecord = RowsAttributes & RowsRuntime;
