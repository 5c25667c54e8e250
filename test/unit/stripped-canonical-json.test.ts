// strippedCanonicalJson is canonicalJson(stripVolatile(plain(value))) in one walk: the same text byte for byte
// (saved plans carry the fingerprint, so a different byte would make every saved plan stale), and the same errors.
import { describe, expect, it } from 'vitest';
import { canonicalJson, plain, strippedCanonicalJson, strippedFingerprint, fingerprint, stripVolatile } from '../../src/plan/fingerprint.js';

const composed = (v: unknown): string => canonicalJson(stripVolatile(plain(v)));

describe('strippedCanonicalJson', () => {
  it('equals the composition on nested objects, arrays, Sets, Maps, volatile fields and undefined', () => {
    const values: unknown[] = [
      null, true, 0, -1.5, 'x"y\u2028', [], {}, [undefined, null, 1],
      { b: 1, a: [2, { d: undefined, c: 'z' }], lsn: '0/1', nested: { lag: 3, keep: { rowEstimate: 9, x: 1 } } },
      { set: new Set(['b', 'a', { z: 1, lsn: 2 }, { y: 2 }]), map: new Map<unknown, unknown>([[2, { lastValue: 1, v: new Set([3, 1]) }], ['a', undefined], ['lag', 1]]) },
      { '10': 1, '9': 2, b: 3, B: 4, é: 5, 'a b': 6 },
      [new Map([['x', [new Set([{ b: 1 }, { a: 2 }])]]])],
      { when: new Date(0), deep: [[[{ stats: { x: 1 }, ok: [1, 2, { estimate: 3 }] }]]] },
    ];
    for (const v of values) expect(strippedCanonicalJson(v)).toBe(composed(v));
    expect(strippedCanonicalJson({ a: 1, lsn: 2 }, new Set(['a']))).toBe(canonicalJson(stripVolatile(plain({ a: 1, lsn: 2 }), new Set(['a']))));
  });

  it('equals the composition on a large generated model', () => {
    let seed = 7;
    const rnd = (n: number): number => { seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; return seed % n; };
    const tables = Array.from({ length: 150 }, (_, i) => ({
      name: `t${String(rnd(1000))}`, schema: 's', oid: i, statistics: { n: rnd(9) },
      columns: Array.from({ length: 1 + rnd(6) }, (_, j) => ({ name: `c${String(j)}`, type: ['int', 'text', 'numeric'][rnd(3)], notNull: rnd(2) === 1, default: rnd(3) === 0 ? undefined : 'now()' })),
      tags: new Set([`x${String(rnd(5))}`, `y${String(rnd(5))}`]),
    }));
    const value = { actual: { databases: [{ model: { tables }, lookup: new Map([['f', new Set(['now', 'lower'])]]) }] }, stateSerial: 12 };
    expect(strippedCanonicalJson(value)).toBe(composed(value));
    expect(strippedFingerprint(value)).toBe(fingerprint(stripVolatile(plain(value))));
  });

  it('hashes in chunks to the hash of the whole text, multi-byte characters and surrogate pairs across chunk ends', () => {
    const value = { rows: Array.from({ length: 6000 }, (_, i) => ({ i, name: `é😀${'x'.repeat(i % 37)}\u{1F600}`, lag: i })) };
    expect(strippedCanonicalJson(value).length).toBeGreaterThan(3 * 65_536);
    expect(strippedFingerprint(value)).toBe(fingerprint(stripVolatile(plain(value))));
    expect(strippedFingerprint({ a: [1, { b: Number.NaN }] }.a[0])).toBe(fingerprint(1));
    expect(() => strippedFingerprint({ a: [1, { b: Number.NaN }] })).toThrow('fingerprint: $.a[1].b is NaN, which JSON cannot hold');
  });

  it('refuses what JSON cannot hold with the same message', () => {
    for (const bad of [{ a: [1, { b: Number.NaN }] }, { a: new Map([['k', Infinity]]) }, { f: () => 1 }, undefined, { n: 10n }]) {
      expect(() => strippedCanonicalJson(bad)).toThrow(((): string => { try { composed(bad); } catch (e) { return (e as Error).message; } return 'no error'; })());
    }
  });
});
