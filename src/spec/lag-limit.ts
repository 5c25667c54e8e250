// `max_lag: 30s` or `64MB` (CONTRACTS.md: durations and sizes take units). Sizes use PostgreSQL's units
// (kB, MB, GB, TB = powers of 1024) because lag is compared with pg_wal_lsn_diff() bytes.
import type { LagLimit } from './model.js';

const LAG = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|min|m|h|B|kB|KB|MB|GB|TB)\s*$/;

const MS_PER: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, m: 60_000, h: 3_600_000 };
const BYTES_PER: Readonly<Record<string, number>> = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Parses a lag limit; null when the text is neither a duration nor a size. */
export function parseLagLimit(text: string): LagLimit | null {
  const m = LAG.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const amount = Number(m[1]);
  const unit = m[2];
  const ms = MS_PER[unit];
  if (ms !== undefined) return { kind: 'time', milliseconds: Math.round(amount * ms), text: text.trim() };
  return { kind: 'bytes', bytes: Math.round(amount * (BYTES_PER[unit] ?? 1)), text: text.trim() };
}
