// How status words sizes and durations in its reasons: bytes with pg_size_pretty's units (the same as plan), lag
// seconds with enough precision to tell 40 ms from 4 s.
import { formatBytes } from '../render/human-units.js';

export function formatByteCount(bytes: number): string {
  return formatBytes(bytes);
}

export function formatLagSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.round(seconds);
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3_600)} h ${Math.round((s % 3_600) / 60)} min`;
}
