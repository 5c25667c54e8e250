// Small figures helpers shared by the benchmarks.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] ?? 0 : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** Milliseconds as seconds with two decimals. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** (max - min) / median, in percent: how much the rounds disagree. */
export function spreadPct(xs: readonly number[]): number {
  const med = median(xs);
  return med === 0 ? 0 : (Math.max(...xs) - Math.min(...xs)) / med * 100;
}
