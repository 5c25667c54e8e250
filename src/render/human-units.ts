// Sizes and durations the way people read them in a plan: `1.2M rows, 340 MB, ~12 s`. Bytes use 1024 steps and
// pg_size_pretty's unit names, so the plan and PostgreSQL agree on what "340 MB" means.
import type { CopyEstimate } from '../plan/types.js';

/** One decimal below 10 (or below 100 for row counts, where 12.3k reads better than 12k), trailing `.0` dropped. */
function short(value: number, decimalsBelow: number): string {
  const text = value < decimalsBelow ? value.toFixed(1) : Math.round(value).toString();
  return text.replace(/\.0$/, '');
}

export function formatRows(rows: number): string {
  if (rows === 1) return '1 row';
  if (rows < 1_000) return `${Math.round(rows)} rows`;
  const steps: readonly [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  const [div, suffix] = steps.find(([d]) => rows >= d) ?? [1, ''];
  return `${short(rows / div, 100)}${suffix} rows`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : short(value, 10)} ${units[unit] ?? 'B'}`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return '<1 s';
  const s = Math.round(seconds);
  if (s < 60) return `~${s} s`;
  if (s < 3_600) return `~${Math.floor(s / 60)} min${s % 60 === 0 ? '' : ` ${s % 60} s`}`;
  const minutes = Math.round((s % 3_600) / 60);
  return `~${Math.floor(s / 3_600)} h${minutes === 0 ? '' : ` ${minutes} min`}`;
}

export function formatEstimate(e: CopyEstimate): string {
  return `${formatRows(e.rows)}, ${formatBytes(e.bytes)}, ${e.seconds === null ? 'time unknown (no copy rate measured yet)' : formatSeconds(e.seconds)}`;
}
