// Dependency order of object keys: a deterministic topological sort (ties and cycles broken by key order, so the
// same models always give the same plan).
import TinyQueue from 'tinyqueue';
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

/**
 * Keys in an order where each comes after the keys it depends on (among `keys`); cycles broken by key order: the
 * lowest key whose deps are all placed comes next, else (a cycle) the lowest key left. Kahn's algorithm with the
 * ready keys in a heap: a scan of every key for each one placed took 5.3 s of a plan on 8,000 tables.
 */
export function topologicalOrder(keys: readonly ObjectKey[], depsOf: (key: ObjectKey) => readonly ObjectKey[]): ObjectKey[] {
  const sorted = [...new Set(keys)].sort();
  const rank = new Map(sorted.map((k, i) => [k, i]));
  const waiting = new Map<ObjectKey, number>();
  const dependants = new Map<ObjectKey, ObjectKey[]>();
  for (const k of sorted) {
    const deps = new Set(depsOf(k).filter((d) => d !== k && rank.has(d)));
    waiting.set(k, deps.size);
    for (const d of deps) {
      const list = dependants.get(d);
      if (list === undefined) dependants.set(d, [k]);
      else list.push(k);
    }
  }
  const ready = new TinyQueue(sorted.filter((k) => waiting.get(k) === 0), (a, b) => (rank.get(a) as number) - (rank.get(b) as number));
  const placed = new Set<ObjectKey>();
  const out: ObjectKey[] = [];
  let lowest = 0;
  while (out.length < sorted.length) {
    let next = ready.pop();
    // A key placed to break a cycle may turn ready later: it is not placed twice.
    while (next !== undefined && placed.has(next)) next = ready.pop();
    if (next === undefined) {
      while (placed.has(sorted[lowest] as ObjectKey)) lowest += 1;
      next = sorted[lowest] as ObjectKey;
    }
    placed.add(next);
    out.push(next);
    for (const d of dependants.get(next) ?? []) {
      const left = (waiting.get(d) as number) - 1;
      waiting.set(d, left);
      if (left === 0 && !placed.has(d)) ready.push(d);
    }
  }
  return out;
}
