// Where each value of a spec was written. Built from the YAML tree (yaml-source.ts); a spec built from flags
// has none (NO_POSITIONS). Lookups fall back to the nearest written ancestor, so a value that came from a
// YAML merge key or a default still points somewhere useful.
import type { SourcePosition } from '../util/errors.js';
import { toPointer, type SpecPath } from './spec-path.js';

export interface NodePositions {
  /** Where the value starts. */
  readonly value?: SourcePosition;
  /** Where the key holding the value is written (map entries only). */
  readonly key?: SourcePosition;
}

export interface SpecLocator {
  /** The value at `path` (or its nearest ancestor that was written). */
  value(path: SpecPath): SourcePosition | undefined;
  /** The key that holds `path` (for unknown keys and missing required keys), else value(path). */
  key(path: SpecPath): SourcePosition | undefined;
}

export const NO_POSITIONS: SpecLocator = { value: () => undefined, key: () => undefined };

export function locatorFromMap(byPointer: ReadonlyMap<string, NodePositions>): SpecLocator {
  const nearest = (path: SpecPath, pick: (p: NodePositions) => SourcePosition | undefined) => {
    for (let n = path.length; n >= 0; n--) {
      const found = byPointer.get(toPointer(path.slice(0, n)));
      const pos = found ? (pick(found) ?? found.value ?? found.key) : undefined;
      if (pos) return pos;
    }
    return undefined;
  };
  return {
    value: (path) => nearest(path, (p) => p.value),
    key: (path) => nearest(path, (p) => p.key),
  };
}
