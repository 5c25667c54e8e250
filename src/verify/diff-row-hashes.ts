// The last drill-down step: (key, row hash) lists of one small range from both sides -> changed, missing and extra
// keys. Keys are compared by their text values (both servers print them under the same session settings). Pure.
import type { RowHash } from '../pg/verify/verify-session.js';
import type { KeyValues } from './types.js';

/** Each list in the report stops here (`truncated` says more differ). */
export const KEY_LIST_CAP = 100;

export interface KeyDiff {
  readonly changed: KeyValues[];
  readonly missing: KeyValues[];
  readonly extra: KeyValues[];
}

const id = (key: readonly string[]): string => JSON.stringify(key);

/** Sums of the same key on one side (a duplicated key cannot happen under a PK, but a unique index over FULL could). */
function byKey(rows: readonly RowHash[]): Map<string, { key: KeyValues; hashes: string[] }> {
  const out = new Map<string, { key: KeyValues; hashes: string[] }>();
  for (const r of rows) {
    const e = out.get(id(r.key));
    if (e === undefined) out.set(id(r.key), { key: r.key, hashes: [r.hash] });
    else e.hashes.push(r.hash);
  }
  return out;
}

export function diffRowHashes(source: readonly RowHash[], target: readonly RowHash[]): KeyDiff {
  const s = byKey(source);
  const t = byKey(target);
  const changed: KeyValues[] = [];
  const missing: KeyValues[] = [];
  const extra: KeyValues[] = [];
  for (const [k, e] of s) {
    const other = t.get(k);
    if (other === undefined) missing.push(e.key);
    else if ([...e.hashes].sort().join(',') !== [...other.hashes].sort().join(',')) changed.push(e.key);
  }
  for (const [k, e] of t) if (!s.has(k)) extra.push(e.key);
  return { changed, missing, extra };
}

/** Collects drill-down results of a table: every key counted, the first KEY_LIST_CAP of each kind kept. */
export class DifferenceCollector {
  private readonly lists = { changed: [] as KeyValues[], missing: [] as KeyValues[], extra: [] as KeyValues[] };
  private readonly counts = { changed: 0, missing: 0, extra: 0 };

  add(d: KeyDiff): void {
    for (const kind of ['changed', 'missing', 'extra'] as const) {
      this.counts[kind] += d[kind].length;
      for (const k of d[kind]) if (this.lists[kind].length < KEY_LIST_CAP) this.lists[kind].push(k);
    }
  }

  /** Takes another collector's keys and counts (one chunk's drill-down joining its table's). */
  absorb(other: DifferenceCollector): void {
    for (const kind of ['changed', 'missing', 'extra'] as const) {
      this.counts[kind] += other.counts[kind];
      for (const k of other.lists[kind]) if (this.lists[kind].length < KEY_LIST_CAP) this.lists[kind].push(k);
    }
  }

  get total(): number {
    return this.counts.changed + this.counts.missing + this.counts.extra;
  }

  result(): { changed: KeyValues[]; missing: KeyValues[]; extra: KeyValues[]; truncated: boolean; counts: { changed: number; missing: number; extra: number } } {
    const sortKeys = (l: KeyValues[]): KeyValues[] => [...l].sort(compareKeys);
    return {
      changed: sortKeys(this.lists.changed), missing: sortKeys(this.lists.missing), extra: sortKeys(this.lists.extra),
      truncated: this.counts.changed > this.lists.changed.length || this.counts.missing > this.lists.missing.length || this.counts.extra > this.lists.extra.length,
      counts: { ...this.counts },
    };
  }
}

/** Numbers by value, anything else by code point (the "C" order the ranges use), column by column. */
export function compareKeys(a: KeyValues, b: KeyValues): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) && nx !== ny) return nx - ny;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
