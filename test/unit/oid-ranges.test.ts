// Oid ranges (src/model/oid-ranges.ts): the plan, the state and the large object copy carry sets of oids as canonical
// ranges, and destroy / resume unlink exactly what they compute, so each set operation is checked against a plain
// Set<number> over many random small sets, plus the edges (malformed input, the unsigned 32-bit top).
import { describe, expect, it } from 'vitest';
import {
  countOids, firstOids, intersectRanges, normaliseRanges, parseRanges, rangesOf, subtractRanges, unionRanges, type OidRange,
} from '../../src/model/oid-ranges.js';
import { mulberry32 } from '../harness/prng.js';

const MAX_OID = 4_294_967_295;

const toSet = (ranges: readonly OidRange[]): Set<number> => {
  const s = new Set<number>();
  for (const [a, b] of ranges) for (let o = a; o <= b; o += 1) s.add(o);
  return s;
};
const sorted = (s: Iterable<number>): number[] => [...s].sort((x, y) => x - y);

/** Sorted, disjoint, non-adjacent, each first <= last: what every function promises to return. */
function expectCanonical(ranges: readonly OidRange[]): void {
  ranges.forEach(([a, b], i) => {
    expect(a).toBeLessThanOrEqual(b);
    const prev = ranges[i - 1];
    if (prev !== undefined) expect(a).toBeGreaterThan(prev[1] + 1);
  });
}

/** Random (possibly overlapping, unsorted, adjacent) ranges inside 0..60. */
function randomRanges(rnd: () => number): OidRange[] {
  const n = Math.floor(rnd() * 6);
  return Array.from({ length: n }, (): OidRange => {
    const a = Math.floor(rnd() * 61);
    const b = Math.min(60, a + Math.floor(rnd() * 8));
    return [a, b];
  });
}

describe('normaliseRanges / rangesOf', () => {
  it('sorts, merges overlapping and adjacent ranges, keeps gaps', () => {
    expect(normaliseRanges([[10, 12], [1, 3], [4, 4], [11, 20], [22, 22]])).toEqual([[1, 4], [10, 20], [22, 22]]);
    expect(normaliseRanges([])).toEqual([]);
    expect(normaliseRanges([[5, 5], [5, 5]])).toEqual([[5, 5]]);
  });

  it('rangesOf folds oids in any order with duplicates', () => {
    expect(rangesOf([16405, 16401, 16402, 16403, 16402, 16410])).toEqual([[16401, 16403], [16405, 16405], [16410, 16410]]);
    expect(rangesOf([])).toEqual([]);
  });

  it('accepts 0 and 4294967295 and merges up to the top', () => {
    expect(normaliseRanges([[MAX_OID, MAX_OID], [0, 0], [MAX_OID - 1, MAX_OID - 1]])).toEqual([[0, 0], [MAX_OID - 1, MAX_OID]]);
    expect(countOids([[0, MAX_OID]])).toBe(4_294_967_296);
    expect(rangesOf([MAX_OID])).toEqual([[MAX_OID, MAX_OID]]);
  });

  it.each([
    ['first > last', [[5, 4]]],
    ['negative', [[-1, 3]]],
    ['above the unsigned 32-bit top', [[1, MAX_OID + 1]]],
    ['not an integer', [[1.5, 3]]],
    ['NaN', [[Number.NaN, 3]]],
    ['Infinity', [[1, Number.POSITIVE_INFINITY]]],
  ] as const)('throws RangeError for a range that is %s', (_, ranges) => {
    expect(() => normaliseRanges(ranges as unknown as OidRange[])).toThrow(RangeError);
  });

  it('rangesOf throws RangeError for an oid out of bounds', () => {
    expect(() => rangesOf([1, MAX_OID + 1])).toThrow(RangeError);
    expect(() => rangesOf([-2])).toThrow(/not an oid range: \[-2,-2\]/);
  });

  it('does not change its input', () => {
    const input: OidRange[] = [[10, 12], [1, 3]];
    normaliseRanges(input);
    expect(input).toEqual([[10, 12], [1, 3]]);
  });
});

describe('countOids / firstOids', () => {
  it('counts inclusive ranges', () => {
    expect(countOids([])).toBe(0);
    expect(countOids([[1, 1], [10, 19]])).toBe(11);
  });

  it('firstOids walks the ranges in order and stops at n', () => {
    expect(firstOids([[1, 2], [10, 19]], 5)).toEqual([1, 2, 10, 11, 12]);
    expect(firstOids([[1, 2]], 5)).toEqual([1, 2]);
    expect(firstOids([[1, 2], [7, 7]], 2)).toEqual([1, 2]);
    expect(firstOids([[1, 2]], 0)).toEqual([]);
    expect(firstOids([], 3)).toEqual([]);
    expect(firstOids([[MAX_OID - 1, MAX_OID]], 5)).toEqual([MAX_OID - 1, MAX_OID]);
  });

  it('firstOids does not walk a huge range', () => {
    expect(firstOids([[0, MAX_OID]], 3)).toEqual([0, 1, 2]);
  });
});

describe('union / intersect / subtract', () => {
  it('handle hand-picked cases', () => {
    const a: OidRange[] = [[1, 10], [20, 30]];
    const b: OidRange[] = [[5, 22], [30, 40]];
    expect(unionRanges(a, b)).toEqual([[1, 40]]);
    expect(intersectRanges(a, b)).toEqual([[5, 10], [20, 22], [30, 30]]);
    expect(subtractRanges(a, b)).toEqual([[1, 4], [23, 29]]);
    expect(subtractRanges(b, a)).toEqual([[11, 19], [31, 40]]);
    expect(subtractRanges(a, [])).toEqual(a);
    expect(subtractRanges([], a)).toEqual([]);
    expect(intersectRanges(a, [])).toEqual([]);
    expect(unionRanges([], [])).toEqual([]);
  });

  it('accept unsorted, overlapping input and return canonical ranges', () => {
    expect(intersectRanges([[20, 30], [1, 10], [5, 12]], [[11, 21]])).toEqual([[11, 12], [20, 21]]);
    expect(subtractRanges([[20, 30], [1, 10], [11, 11]], [[5, 5], [5, 6]])).toEqual([[1, 4], [7, 11], [20, 30]]);
  });

  it('work at the top of the oid space', () => {
    expect(subtractRanges([[MAX_OID - 3, MAX_OID]], [[MAX_OID, MAX_OID]])).toEqual([[MAX_OID - 3, MAX_OID - 1]]);
    expect(subtractRanges([[0, MAX_OID]], [[0, MAX_OID - 1]])).toEqual([[MAX_OID, MAX_OID]]);
    expect(intersectRanges([[0, MAX_OID]], [[MAX_OID, MAX_OID]])).toEqual([[MAX_OID, MAX_OID]]);
    expect(unionRanges([[0, 5]], [[6, MAX_OID]])).toEqual([[0, MAX_OID]]);
  });

  it('throw RangeError on malformed ranges', () => {
    expect(() => unionRanges([[3, 1]], [])).toThrow(RangeError);
    expect(() => intersectRanges([[1, 3]], [[-1, 2]])).toThrow(RangeError);
    expect(() => subtractRanges([[1, 3]], [[2, MAX_OID + 1]])).toThrow(RangeError);
  });

  it('agree with a Set<number> oracle on 300 random cases over oids 0..60', () => {
    const rnd = mulberry32(0x5eed_0042);
    for (let c = 0; c < 300; c += 1) {
      const a = randomRanges(rnd);
      const b = randomRanges(rnd);
      const sa = toSet(a);
      const sb = toSet(b);
      const ctx = `case ${c}: a=${JSON.stringify(a)} b=${JSON.stringify(b)}`;

      const norm = normaliseRanges(a);
      expectCanonical(norm);
      expect(sorted(toSet(norm)), ctx).toEqual(sorted(sa));
      expect(countOids(norm), ctx).toBe(sa.size);
      expect(rangesOf(sorted(sa)), ctx).toEqual(norm);
      expect(firstOids(norm, 4), ctx).toEqual(sorted(sa).slice(0, 4));

      const u = unionRanges(a, b);
      const i = intersectRanges(a, b);
      const d = subtractRanges(a, b);
      for (const r of [u, i, d]) expectCanonical(r);
      expect(sorted(toSet(u)), ctx).toEqual(sorted(new Set([...sa, ...sb])));
      expect(sorted(toSet(i)), ctx).toEqual(sorted([...sa].filter((o) => sb.has(o))));
      expect(sorted(toSet(d)), ctx).toEqual(sorted([...sa].filter((o) => !sb.has(o))));
      // Canonical form is unique: the same set gives the same ranges whichever way it was computed.
      expect(u, ctx).toEqual(rangesOf([...toSet(u)]));
      expect(i, ctx).toEqual(rangesOf([...toSet(i)]));
      expect(d, ctx).toEqual(rangesOf([...toSet(d)]));
    }
  });
});

describe('parseRanges', () => {
  it('parses JSON data into canonical ranges', () => {
    expect(parseRanges(JSON.parse('[[16410,16412],[16401,16405],[16406,16406]]'))).toEqual([[16401, 16406], [16410, 16412]]);
    expect(parseRanges([])).toEqual([]);
    expect(parseRanges([[MAX_OID, MAX_OID]])).toEqual([[MAX_OID, MAX_OID]]);
  });

  it.each([
    ['not an array', { 0: [1, 2] }],
    ['null', null],
    ['undefined', undefined],
    ['a string', '[[1,2]]'],
    ['a bare oid in the list', [[1, 2], 5]],
    ['a range of one number', [[1]]],
    ['a range of three numbers', [[1, 2, 3]]],
    ['a string oid', [['1', 2]]],
    ['a null oid', [[1, null]]],
    ['first > last', [[3, 2]]],
    ['a negative oid', [[-1, 2]]],
    ['an oid above 4294967295', [[1, MAX_OID + 1]]],
    ['a fraction', [[1, 2.5]]],
  ])('returns null for %s', (_, v) => {
    expect(parseRanges(v)).toBeNull();
  });
});
