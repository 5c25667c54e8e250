// Pure decisions of the chunked comparison: the key ranges the source's boundaries cut, which chunks a --sample run
// checks, when a differing range is small enough to list its rows, and which side a larger one is bisected on.
import type { KeyRange } from '../pg/verify/verify-sql.js';

/** Rows per chunk: big enough that per-query overhead vanishes, small enough for parallel work and short re-checks. */
export const CHUNK_ROWS = 100_000;
/** A differing range with at most this many rows on both sides is listed row by row (key, hash) and diffed. */
export const LEAF_ROWS = 1_000;

/** Boundaries b1 < … < bm (source keys, "C" order) -> [-∞, b1), [b1, b2), …, [bm, +∞): every key falls in one. */
export function chunkRanges(boundaries: readonly (readonly string[])[]): KeyRange[] {
  const out: KeyRange[] = [];
  let lower: readonly string[] | null = null;
  for (const b of boundaries) {
    out.push({ lower, upper: b });
    lower = b;
  }
  out.push({ lower, upper: null });
  return out;
}

/**
 * The chunk indexes a --sample PCT run checks: spread evenly and deterministic (chunk i is picked when
 * floor((i+1)·p/100) passes an integer), at least one. Never TABLESAMPLE: its blocks differ between servers.
 */
export function sampleChunks(total: number, percent: number | null): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  if (percent === null || percent >= 100) return all;
  const picked = all.filter((i) => Math.floor(((i + 1) * percent) / 100) > Math.floor((i * percent) / 100));
  return picked.length === 0 && total > 0 ? [0] : picked;
}

export type DrillStep = { readonly kind: 'list' } | { readonly kind: 'split'; readonly side: 'source' | 'target'; readonly offset: number };

/**
 * A differing range: list its rows when both sides are small, else bisect at the middle key of the side with more
 * rows (the source when equal), so each half holds at most about half of that side and the recursion ends even when
 * one side is empty or much larger.
 */
export function drillStep(sourceRows: number, targetRows: number, leafRows = LEAF_ROWS): DrillStep {
  if (Math.max(sourceRows, targetRows) <= leafRows) return { kind: 'list' };
  const side = sourceRows >= targetRows ? 'source' : 'target';
  const n = side === 'source' ? sourceRows : targetRows;
  return { kind: 'split', side, offset: Math.floor(n / 2) };
}

/** The two halves of `range` cut at `middle`. */
export function splitRange(range: KeyRange, middle: readonly string[]): [KeyRange, KeyRange] {
  return [{ lower: range.lower, upper: middle }, { lower: middle, upper: range.upper }];
}

/** Key types whose chunk boundaries can be computed from min and max instead of a pass over the keys. */
export const INTEGER_KEY_TYPES: ReadonlySet<string> = new Set(['smallint', 'integer', 'bigint']);

/** How many chunks a table of about `rowEstimate` rows gets (0 or less: unknown -> null). */
export function chunkCountEstimate(rowEstimate: number | null, chunkRows: number): number | null {
  if (rowEstimate === null || !(rowEstimate > 0)) return null;
  return Math.max(1, Math.ceil(rowEstimate / chunkRows));
}

/**
 * `chunks - 1` boundaries spread evenly over [min, max] of an integer key (by value: a skewed key makes uneven
 * chunks, never wrong ones, since the ranges still cover every key).
 */
export function integerBoundaries(min: bigint, max: bigint, chunks: number): string[][] {
  const span = max - min + 1n;
  const n = BigInt(Math.max(1, Math.min(chunks, Number(span > 1_000_000_000n ? 1_000_000_000n : span))));
  const out: string[][] = [];
  for (let i = 1n; i < n; i++) out.push([String(min + (span * i) / n)]);
  return out;
}
