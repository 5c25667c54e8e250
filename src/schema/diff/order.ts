// Dependency order of object keys: a deterministic topological sort (ties and cycles broken by key order, so the
// same models always give the same plan).
import type { ObjectKey, SchemaObjectAny } from '../../model/schema.js';

/** FK targets: an FK is made in post-data after its target's key, and dropped before its target. */
function references(obj: SchemaObjectAny): readonly ObjectKey[] {
  return obj.kind === 'table' ? obj.constraints.flatMap((c) => (c.references === null || c.references === obj.key ? [] : [c.references])) : [];
}

/**
 * What must exist before this object can be built: its deps, partition and inheritance parents, FK targets (a
 * cycle of FKs is broken by key order; FKs are post-data, after every table is there).
 */
export function buildDeps(obj: SchemaObjectAny): readonly ObjectKey[] {
  if (obj.kind !== 'table') return obj.deps;
  return [...obj.deps, ...(obj.partitionOf === null ? [] : [obj.partitionOf.parent]), ...obj.inherits, ...references(obj)];
}

/** What refers to another object on the server, so must let go of it before it is dropped. */
export function teardownDeps(obj: SchemaObjectAny): readonly ObjectKey[] {
  return buildDeps(obj);
}

/** Keys in an order where each comes after the keys it depends on (among `keys`); cycles broken by key order. */
export function topologicalOrder(keys: readonly ObjectKey[], depsOf: (key: ObjectKey) => readonly ObjectKey[]): ObjectKey[] {
  const remaining = new Set(keys);
  const placed = new Set<ObjectKey>();
  const sorted = [...keys].sort();
  const out: ObjectKey[] = [];
  while (remaining.size > 0) {
    const ready = sorted.find((k) => remaining.has(k) && depsOf(k).every((d) => d === k || placed.has(d) || !remaining.has(d)));
    const next = ready ?? sorted.find((k) => remaining.has(k));
    if (next === undefined) break;
    remaining.delete(next);
    placed.add(next);
    out.push(next);
  }
  return out;
}
