// The dependency orders with a heap (topologicalOrder, orderNodes) give exactly what the first, quadratic versions
// gave, on random graphs: the plan's SQL order must not change with the algorithm. The oracles below are the first
// topologicalOrder and, for orderNodes, its definition by brute force.
import { describe, expect, it } from 'vitest';
import type { ObjectKey } from '../../src/model/schema.js';
import { ddlNode, type DdlNode } from '../../src/pg/ddl/node.js';
import { compareNodes, orderNodes } from '../../src/pg/ddl/order-nodes.js';
import { topologicalOrder } from '../../src/schema/diff/order.js';
import { mulberry32 } from '../harness/prng.js';

function referenceTopological(keys: readonly ObjectKey[], depsOf: (key: ObjectKey) => readonly ObjectKey[]): ObjectKey[] {
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

/** The definition, by brute force (one phase, acyclic input): next is the least ready node by compareNodes. */
function referencePhase(nodes: readonly DdlNode[]): string[] {
  const ids = new Set(nodes.map((n) => n.id));
  const placed = new Set<string>();
  const out: string[] = [];
  while (out.length < nodes.length) {
    const next = nodes.filter((n) => !placed.has(n.id) && n.after.every((d) => d === n.id || !ids.has(d) || placed.has(d))).sort(compareNodes)[0];
    if (next === undefined) break;
    placed.add(next.id);
    out.push(next.statement.sql);
  }
  return out;
}

describe('topologicalOrder', () => {
  it('matches the reference on random graphs with cycles, self-dependencies, duplicates and outside keys', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const r = mulberry32(seed);
      const n = 1 + Math.floor(r() * 40);
      const keys = Array.from({ length: n }, (_, i) => `table:s.t${String(Math.floor(r() * n * 1.2))}_${String(i % 3)}`) as ObjectKey[];
      const deps = new Map<ObjectKey, ObjectKey[]>();
      for (const k of keys) {
        const list: ObjectKey[] = [];
        const count = Math.floor(r() * 4);
        for (let j = 0; j < count; j += 1) list.push(r() < 0.1 ? ('type:s.outside' as ObjectKey) : r() < 0.05 ? k : (keys[Math.floor(r() * n)] as ObjectKey));
        deps.set(k, [...(deps.get(k) ?? []), ...list]);
      }
      const depsOf = (k: ObjectKey): readonly ObjectKey[] => deps.get(k) ?? [];
      expect({ seed, order: topologicalOrder(keys, depsOf) }).toEqual({ seed, order: referenceTopological(keys, depsOf) });
    }
  });
});

describe('orderNodes', () => {
  it('matches the reference on random acyclic phases with ties of rank and object', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const r = mulberry32(seed);
      const n = 1 + Math.floor(r() * 60);
      const nodes: DdlNode[] = [];
      for (let i = 0; i < n; i += 1) {
        const object = `table:s.t${String(Math.floor(r() * 10))}`;
        // Only earlier nodes (acyclic), some twice, some outside the build.
        const after = Array.from({ length: Math.floor(r() * 3) }, () => (r() < 0.1 || i === 0 ? 'type:s.x#create' : (nodes[Math.floor(r() * i)] as DdlNode).id));
        nodes.push(ddlNode(object as ObjectKey, `s${String(i)}`, 'pre-data', 10 * Math.floor(r() * 4), `N${String(i)}`, after));
      }
      const shuffled = [...nodes].sort(() => r() - 0.5);
      expect({ seed, order: orderNodes(shuffled).map((s) => s.sql) }).toEqual({ seed, order: referencePhase(shuffled) });
    }
  });
});
