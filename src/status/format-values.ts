// How status words sizes and durations in its reasons (which --json carries too, so they are made here, not in
// render/): bytes in pg_size_pretty's 1024-step units, like the plan's figures; lag seconds precise enough to tell
// 40 ms from 4 s.
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatByteCount(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 ? Math.round(value).toString() : value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
  return `${text} ${BYTE_UNITS[unit] ?? 'B'}`;
}

export function formatLagSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.round(seconds);
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3_600)} h ${Math.round((s % 3_600) / 60)} min`;
}
