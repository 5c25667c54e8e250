import { describe, expect, it } from 'vitest';
import { comparePlanBasis } from '../../src/plan/compare-basis.js';
import { canonicalJson, fingerprint, stripVolatile } from '../../src/plan/fingerprint.js';
import type { PlanBasis } from '../../src/plan/types.js';

describe('fingerprint', () => {
  it('ignores key order and undefined fields, not array order or values', () => {
    expect(fingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(fingerprint({ b: { d: 'x', c: [1, 2], e: undefined }, a: 1 }));
    expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: '1' }));
    expect(fingerprint({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('writes canonical JSON and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], 'ä': {} })).toBe('{"a":[true,null,"é"],"b":1,"ä":{}}');
    expect(() => fingerprint({ x: Number.NaN })).toThrow(/\$\.x is NaN/);
    expect(() => fingerprint({ x: [1n] })).toThrow(/\$\.x\[0\] is a bigint/);
  });

  it('stripVolatile keeps a busy source from changing the fingerprint', () => {
    const at = (lsn: string, lastValue: number, rows: number): unknown => ({
      serial: 4, slots: [{ name: 'pgrepl_shop_1', confirmedFlushLsn: lsn, lag: { bytes: 10 } }],
      sequences: [{ name: 'order_no', options: { increment: 1 }, lastValue }], tables: [{ name: 'orders', rowEstimate: rows, columns: ['id'] }],
    });
    expect(fingerprint(stripVolatile(at('0/1', 5, 100)))).toBe(fingerprint(stripVolatile(at('0/9', 900, 5000))));
    expect(fingerprint(at('0/1', 5, 100))).not.toBe(fingerprint(at('0/9', 5, 100)));
    expect(stripVolatile({ tables: [{ name: 'orders', rowEstimate: 1, columns: ['id'] }] })).toEqual({ tables: [{ name: 'orders', columns: ['id'] }] });
  });
});

describe('comparePlanBasis', () => {
  const basis: PlanBasis = { spec: { path: 'pgrepl.yaml', hash: 'h1' }, state: { lineage: 'L', serial: 4 }, actual: 'sha256:a' };

  it('finds nothing when nothing moved', () => {
    expect(comparePlanBasis(basis, { ...basis })).toEqual([]);
  });

  it('names each thing that moved', () => {
    expect(comparePlanBasis(basis, { ...basis, state: { lineage: 'L', serial: 5 } })).toEqual(['state serial 4 → 5']);
    expect(comparePlanBasis(basis, { ...basis, actual: 'sha256:b' })).toEqual([expect.stringMatching(/^live state changed/)]);
    expect(comparePlanBasis(basis, { ...basis, spec: { path: 'pgrepl.yaml', hash: 'h2' } })).toEqual(['spec file changed (pgrepl.yaml)']);
    expect(comparePlanBasis(basis, { ...basis, state: { lineage: 'M', serial: 4 } })).toEqual(['state lineage L → M (a different state file)']);
    expect(comparePlanBasis({ ...basis, state: null }, basis)).toEqual(['state created since the plan (lineage L, serial 4)']);
    expect(comparePlanBasis(basis, { spec: null, state: null, actual: 'sha256:c' })).toHaveLength(3);
  });
});
