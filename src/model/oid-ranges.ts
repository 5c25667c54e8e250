// Sets of large object oids as sorted, disjoint, non-adjacent inclusive ranges `[first, last]`. Large objects are
// usually made one after another, so a database's oids fold into a few ranges: the plan, the state and the copy
// carry them this way instead of one number per object. Pure; every function returns canonical ranges.

/** `[first, last]`, both inclusive, first <= last, within 0 … 4294967295 (oid is unsigned 32-bit). */
export type OidRange = readonly [number, number];

const MAX_OID = 4_294_967_295;

function checkRange(r: OidRange): void {
  const [a, b] = r;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > MAX_OID || a > b) {
    throw new RangeError(`not an oid range: ${JSON.stringify(r)}`);
  }
}

/** Sorts, merges overlapping and adjacent ranges. Throws RangeError for a malformed range. */
export function normaliseRanges(ranges: readonly OidRange[]): OidRange[] {
  for (const r of ranges) checkRange(r);
  const sorted = [...ranges].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Ranges of a list of oids (any order, duplicates allowed). */
export function rangesOf(oids: readonly number[]): OidRange[] {
  return normaliseRanges(oids.map((o): OidRange => [o, o]));
}

/** How many oids the ranges hold. */
export function countOids(ranges: readonly OidRange[]): number {
  return ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
}

export function unionRanges(a: readonly OidRange[], b: readonly OidRange[]): OidRange[] {
  return normaliseRanges([...a, ...b]);
}

/** Oids in both. Linear in the two lists (both canonical). */
export function intersectRanges(a: readonly OidRange[], b: readonly OidRange[]): OidRange[] {
  const x = normaliseRanges(a);
  const y = normaliseRanges(b);
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const [a1, a2] = x[i] as OidRange;
    const [b1, b2] = y[j] as OidRange;
    const lo = Math.max(a1, b1);
    const hi = Math.min(a2, b2);
    if (lo <= hi) out.push([lo, hi]);
    if (a2 < b2) i += 1;
    else j += 1;
  }
  return out;
}

/** Oids in `a` and not in `b`. */
export function subtractRanges(a: readonly OidRange[], b: readonly OidRange[]): OidRange[] {
  const y = normaliseRanges(b);
  const out: [number, number][] = [];
  for (const [a1, a2] of normaliseRanges(a)) {
    let start = a1;
    for (const [b1, b2] of y) {
      if (b2 < start) continue;
      if (b1 > a2) break;
      if (b1 > start) out.push([start, b1 - 1]);
      start = Math.max(start, b2 + 1);
      if (start > a2) break;
    }
    if (start <= a2) out.push([start, a2]);
  }
  return out;
}

/** Up to `n` oids from the start of the ranges, for messages ("e.g. 16401, 16402"). */
export function firstOids(ranges: readonly OidRange[], n: number): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) {
    for (let o = a; o <= b && out.length < n; o += 1) out.push(o);
    if (out.length >= n) break;
  }
  return out;
}

/** Parses ranges from JSON data (state, plan files); null when the shape is wrong. */
export function parseRanges(v: unknown): OidRange[] | null {
  if (!Array.isArray(v)) return null;
  const out: OidRange[] = [];
  for (const r of v) {
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') return null;
    out.push([r[0], r[1]]);
  }
  try {
    return normaliseRanges(out);
  } catch {
    return null;
  }
}
