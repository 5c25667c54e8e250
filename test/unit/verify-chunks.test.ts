// Pure parts of verify's chunking: ranges from boundaries, --sample's choice, when to list or bisect (and on which
// side), and the bisection engine against an in-memory table (no servers): it finds exactly the differing keys,
// one side empty or much larger included, and a streaming re-check never hides a stable difference.
import { describe, expect, it } from 'vitest';
import { chunkCountEstimate, chunkRanges, drillStep, integerBoundaries, sampleChunks, splitRange } from '../../src/verify/chunk-plan.js';
import { compareRange, drillDown, RECHECKS, type SidePair, type TableSide } from '../../src/verify/compare-range.js';
import { DifferenceCollector } from '../../src/verify/diff-row-hashes.js';
import type { KeyRange } from '../../src/pg/verify/verify-sql.js';

describe('chunkRanges', () => {
  it('covers every key: open first and last ranges', () => {
    expect(chunkRanges([])).toEqual([{ lower: null, upper: null }]);
    expect(chunkRanges([['10'], ['20']])).toEqual([
      { lower: null, upper: ['10'] }, { lower: ['10'], upper: ['20'] }, { lower: ['20'], upper: null },
    ]);
  });
  it('splits a range at a middle key', () => {
    expect(splitRange({ lower: ['1'], upper: null }, ['5'])).toEqual([{ lower: ['1'], upper: ['5'] }, { lower: ['5'], upper: null }]);
  });
});

describe('integer keys: boundaries from min and max', () => {
  it('spreads chunk boundaries evenly by value over [min, max]', () => {
    expect(integerBoundaries(1n, 3000n, 8).map((b) => b[0])).toEqual(['376', '751', '1126', '1501', '1876', '2251', '2626']);
    expect(integerBoundaries(-5n, 4n, 2)).toEqual([['0']]);
    expect(integerBoundaries(7n, 7n, 4)).toEqual([]);
    expect(integerBoundaries(1n, 3n, 10)).toEqual([['2'], ['3']]);
    expect(integerBoundaries(-9223372036854775808n, 9223372036854775807n, 2)).toEqual([['0']]);
  });
  it('counts chunks from the catalog estimate; unknown estimates fall back to a pass over the keys', () => {
    expect(chunkCountEstimate(5_000_000, 100_000)).toBe(50);
    expect(chunkCountEstimate(3000, 400)).toBe(8);
    expect(chunkCountEstimate(10, 100_000)).toBe(1);
    expect(chunkCountEstimate(-1, 100_000)).toBeNull();
    expect(chunkCountEstimate(0, 100_000)).toBeNull();
    expect(chunkCountEstimate(null, 100_000)).toBeNull();
  });
});

describe('sampleChunks', () => {
  it('takes every chunk without a sample or at 100%', () => {
    expect(sampleChunks(3, null)).toEqual([0, 1, 2]);
    expect(sampleChunks(3, 100)).toEqual([0, 1, 2]);
  });
  it('spreads the chosen chunks evenly and deterministically', () => {
    expect(sampleChunks(8, 50)).toEqual([1, 3, 5, 7]);
    expect(sampleChunks(10, 10)).toEqual([9]);
    expect(sampleChunks(20, 25)).toHaveLength(5);
    expect(sampleChunks(8, 50)).toEqual(sampleChunks(8, 50));
  });
  it('checks at least one chunk', () => {
    expect(sampleChunks(1, 1)).toEqual([0]);
    expect(sampleChunks(3, 5)).toEqual([0]);
  });
});

describe('drillStep', () => {
  it('lists a range small on both sides', () => {
    expect(drillStep(1000, 3, 1000)).toEqual({ kind: 'list' });
    expect(drillStep(0, 0, 1000)).toEqual({ kind: 'list' });
  });
  it('bisects on the larger side (the source when equal)', () => {
    expect(drillStep(5000, 10, 1000)).toEqual({ kind: 'split', side: 'source', offset: 2500 });
    expect(drillStep(0, 3001, 1000)).toEqual({ kind: 'split', side: 'target', offset: 1500 });
    expect(drillStep(2000, 2000, 1000)).toEqual({ kind: 'split', side: 'source', offset: 1000 });
  });
});

/** An in-memory side: integer keys, a row value per key; hash = sum of a value-derived number. */
function memorySide(rows: Map<number, string>, onHash?: () => void, afterRows?: () => void): TableSide & { rows: Map<number, string> } {
  const inRange = (k: number, r: KeyRange | null): boolean =>
    r === null || ((r.lower === null || k >= Number(r.lower[0])) && (r.upper === null || k < Number(r.upper[0])));
  const sorted = (r: KeyRange | null): number[] => [...rows.keys()].filter((k) => inRange(k, r)).sort((a, b) => a - b);
  const h = (k: number, v: string): number => k * 31 + [...v].reduce((n, c) => n * 7 + c.charCodeAt(0), 0) % 1_000_003;
  return {
    rows,
    hash: (r) => {
      const keys = sorted(r);
      const out = { rows: keys.length, hash: String(keys.reduce((n, k) => n + h(k, rows.get(k) as string), 0)) };
      onHash?.();
      return Promise.resolve(out);
    },
    keyAt: (r, o) => {
      const k = sorted(r)[o];
      return Promise.resolve(k === undefined ? null : [String(k)]);
    },
    rowHashes: (r) => {
      const out = sorted(r).map((k) => ({ key: [String(k)], hash: String(h(k, rows.get(k) as string)) }));
      afterRows?.();
      return Promise.resolve(out);
    },
  };
}

function table(n: number): Map<number, string> {
  return new Map(Array.from({ length: n }, (_, i) => [i + 1, `v${i + 1}`] as [number, string]));
}

async function drill(pair: SidePair, leaf = 10): Promise<ReturnType<DifferenceCollector['result']> & { moved: boolean }> {
  const collector = new DifferenceCollector();
  const outcome = { changedDuringCheck: false };
  const range: KeyRange = { lower: null, upper: null };
  const first = await compareRange(pair, range);
  if (first.verdict === 'different') await drillDown(pair, range, first, collector, outcome, leaf);
  return { ...collector.result(), moved: outcome.changedDuringCheck };
}

describe('bisection', () => {
  it('finds exactly the changed, missing and extra keys', async () => {
    const target = table(5000);
    target.set(1041, 'x');
    target.set(2977, 'y');
    target.delete(4000);
    target.set(7000, 'extra');
    const r = await drill({ source: memorySide(table(5000)), target: memorySide(target), catchUp: null });
    expect(r).toMatchObject({ changed: [['1041'], ['2977']], missing: [['4000']], extra: [['7000']], truncated: false, counts: { changed: 2, missing: 1, extra: 1 } });
  });
  it('ends when one side is empty', async () => {
    const r = await drill({ source: memorySide(new Map()), target: memorySide(table(300)), catchUp: null });
    expect(r.counts).toEqual({ changed: 0, missing: 0, extra: 300 });
    expect(r.extra).toHaveLength(100);
    expect(r.truncated).toBe(true);
  });
  it('ends when the target holds many rows the source lacks', async () => {
    const target = table(100);
    for (let k = 1_000_000; k < 1_000_500; k++) target.set(k, 'x');
    const r = await drill({ source: memorySide(table(100)), target: memorySide(target), catchUp: null });
    expect(r.counts).toEqual({ changed: 0, missing: 0, extra: 500 });
  });
  it('equal sides: no drill-down', async () => {
    const r = await compareRange({ source: memorySide(table(50)), target: memorySide(table(50)), catchUp: null }, null);
    expect(r.verdict).toBe('equal');
  });
});

describe('streaming re-checks', () => {
  it('a difference that stays is reported after every re-check, never hidden', async () => {
    let catchUps = 0;
    const target = table(100);
    target.set(5, 'changed');
    const pair: SidePair = { source: memorySide(table(100)), target: memorySide(target), catchUp: () => Promise.resolve(void catchUps++) };
    const r = await compareRange(pair, null);
    expect(r.verdict).toBe('different');
    expect(catchUps).toBe(RECHECKS + 1);
    const d = await drill(pair);
    expect(d.changed).toEqual([['5']]);
  });
  it('a source that moves at every check and never matches: changed during check', async () => {
    const source = table(100);
    let n = 0;
    const pair: SidePair = {
      source: memorySide(source, () => source.set(1000 + n++, 'new')),
      target: memorySide(table(99)),
      catchUp: () => Promise.resolve(),
    };
    expect((await compareRange(pair, null)).verdict).toBe('changed-during-check');
  });
  it('a target that catches up ends the loop with a match', async () => {
    const source = table(100);
    const target = table(99);
    const pair: SidePair = { source: memorySide(source), target: memorySide(target), catchUp: () => Promise.resolve(void target.set(100, 'v100')) };
    expect((await compareRange(pair, null)).verdict).toBe('equal');
  });
  it('a difference inside a chunk that moves at every check is still found; a row written during the check is not reported', async () => {
    const source = table(100);
    const target = table(100);
    target.set(5, 'bad');
    let n = 0;
    // Row 50 is hot: written on the source after every read, the stream applies it before the target is read.
    const write = (): void => void source.set(50, `hot${n++}`);
    const pair: SidePair = {
      source: memorySide(source, write, write),
      target: memorySide(target),
      catchUp: () => Promise.resolve(void target.set(50, source.get(50) as string)),
    };
    const first = await compareRange(pair, null);
    expect(first.verdict).toBe('changed-during-check');
    const collector = new DifferenceCollector();
    const outcome = { changedDuringCheck: false };
    await drillDown(pair, { lower: null, upper: null }, first, collector, outcome, 10);
    expect(collector.result()).toMatchObject({ changed: [['5']], missing: [], extra: [] });
    expect(outcome.changedDuringCheck).toBe(true);
  });
});
