// editResources: a run of puts and removes gives the document that withResource/withoutResource one after another
// give (same resources, same order, the input untouched), and the input itself when nothing was put or removed.
import { describe, expect, it } from 'vitest';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';
import { editResources, emptyState, withoutResource, withResource } from '../../src/state/state-edits.js';

type Op = { readonly put: StateResource } | { readonly remove: string };

function sequential(state: StateDocument, ops: readonly Op[]): StateDocument {
  let next = state;
  for (const op of ops) next = 'put' in op ? withResource(next, op.put) : withoutResource(next, op.remove);
  return next;
}

function batched(state: StateDocument, ops: readonly Op[]): StateDocument {
  return editResources(state, (draft) => {
    for (const op of ops) {
      if ('put' in op) draft.put(op.put);
      else draft.remove(op.remove);
    }
  });
}

const res = (address: string, n: number): StateResource => ({ address, kind: 'rows', attributes: { n }, updated_at: `2026-11-26T00:00:0${String(n % 10)}Z` });

describe('editResources', () => {
  it('equals withResource/withoutResource applied in turn, on random runs', () => {
    let seed = 11;
    const rnd = (n: number): number => { seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; return seed % n; };
    const addresses = ['target.rows.a.s.t1', 'target.rows.a.s.t10', 'target.rows.a.s.t2', 'target.database.a', 'target.role.x', 'target.rows["A"].s.t', 'source.slot.a'];
    for (let round = 0; round < 300; round++) {
      // Bases sorted (as written) and, now and then, unsorted (a hand-edited file): order must follow the same rules.
      const base0 = emptyState({ pgreplVersion: '0', lineage: 'l' });
      const start = addresses.filter(() => rnd(2) === 1).map((a, i) => res(a, i));
      const base: StateDocument = { ...base0, resources: rnd(4) === 0 ? start.reverse() : [...start].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)) };
      const ops: Op[] = Array.from({ length: rnd(6) }, (_, i) => {
        const address = addresses[rnd(addresses.length)] as string;
        return rnd(3) === 0 ? { remove: address } : { put: res(address, 100 + i) };
      });
      const snapshot = JSON.stringify(base);
      const want = sequential(base, ops);
      const got = batched(base, ops);
      expect(got).toEqual(want);
      expect(got === base).toBe(want === base);
      expect(JSON.stringify(base)).toBe(snapshot);
    }
  });

  it('find sees earlier puts and removes', () => {
    const base: StateDocument = { ...emptyState({ pgreplVersion: '0', lineage: 'l' }), resources: [res('a', 1)] };
    const seen: (number | undefined)[] = [];
    editResources(base, (d) => {
      seen.push(d.find('a')?.attributes['n'] as number | undefined);
      d.put(res('a', 2));
      seen.push(d.find('a')?.attributes['n'] as number | undefined);
      d.remove('a');
      seen.push(d.find('a')?.attributes['n'] as number | undefined);
    });
    expect(seen).toEqual([1, 2, undefined]);
  });
});
