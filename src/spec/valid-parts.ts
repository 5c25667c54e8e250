// After a JSON Schema failure, resolution still runs on what passed, so one run reports the cross-field
// problems too (include + exclude, a filter on a schema_only table, not-implemented keys). A block keeps its
// keys that passed; a block that is itself of the wrong type is skipped. Every key inside a block is optional
// in the schema, so dropping one keeps the block well-typed.
import { toPointer, type SpecPath } from './spec-path.js';

export class ValidParts {
  constructor(private readonly invalid: readonly string[] = []) {}

  /** True when nothing at or below `path` failed. */
  whole(path: SpecPath): boolean {
    const pointer = toPointer(path);
    return !this.invalid.some((p) => p === pointer || p.startsWith(pointer + '/'));
  }

  /**
   * The block at `path` without its failing keys; undefined when absent, or when the block itself failed
   * (wrong type: then its keys cannot be trusted at all).
   */
  keys<T extends object>(block: T | undefined, path: SpecPath): T | undefined {
    if (block === undefined || this.whole(path)) return block;
    if (this.invalid.includes(toPointer(path)) || block === null || typeof block !== 'object' || Array.isArray(block)) return undefined;
    return Object.fromEntries(Object.entries(block).filter(([k]) => this.whole([...path, k]))) as T;
  }

  /** The entries of a map of blocks (like `databases:`), each to be passed through keys(); [] if the map failed. */
  entries<T>(map: Readonly<Record<string, T>> | undefined, path: SpecPath): [string, T][] {
    if (map === undefined || this.invalid.includes(toPointer(path)) || map === null || typeof map !== 'object' || Array.isArray(map)) return [];
    return Object.entries(map);
  }
}
