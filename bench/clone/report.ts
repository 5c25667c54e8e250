// The clone benchmark's printed figures: one table per dataset, pgrepl's ratios to each peer, the servers'
// activity profile, and a PASS/MISS line per target of issue 4.
import { median, seconds, spreadPct } from '../lib/stats.js';
import { formatProfile, meanProfile, type ActivityProfile } from './activity-sampler.js';
import type { DatasetName } from './datasets.js';
import type { Method } from './methods.js';

export interface RoundResult {
  readonly wallMs: number;
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly targetCpuS: number;
  readonly sourceCpuS: number;
  readonly toolsCpuS: number;
  readonly peakRssBytes?: number;
  readonly profile?: ActivityProfile;
}

export interface MethodResults {
  readonly method: Method;
  readonly rounds: RoundResult[];
  readonly failures: string[];
  skipped?: string;
}

export interface DatasetResults {
  readonly dataset: DatasetName;
  readonly header: string;
  readonly methods: readonly MethodResults[];
}

const MB = 1e6;
/** Issue 4: peak RSS under 150 MB whatever the table size. */
export const RSS_LIMIT_BYTES = 150 * MB;

function col(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

const med = (m: MethodResults): number => median(m.rounds.map((r) => r.wallMs));

/** The pgrepl method the targets are judged on: the real CLI when it ran, otherwise the engine stand-in. */
export function judgedPgrepl(results: DatasetResults): MethodResults | undefined {
  const ran = results.methods.filter((m) => m.method.pgrepl && m.rounds.length > 0 && m.failures.length === 0);
  return ran.find((m) => m.method.key === 'apply') ?? ran[0];
}

function peers(results: DatasetResults): MethodResults[] {
  return results.methods.filter((m) => !m.method.pgrepl && m.rounds.length > 0);
}

export function formatDataset(results: DatasetResults): string {
  const lines = [results.header];
  lines.push(`  ${col('method', 34, true)} ${col('median s', 9)} ${col('min', 7)} ${col('max', 7)} ${col('spread', 7)} ` +
    `${col('tgt CPU s', 10)} ${col('src CPU s', 10)} ${col('tools CPU s', 12)} ${col('peak RSS', 9)}  rounds / phases`);
  for (const m of results.methods) {
    if (m.skipped !== undefined) {
      lines.push(`  ${col(m.method.name, 34, true)} skipped: ${m.skipped}`);
      continue;
    }
    if (m.rounds.length === 0) {
      lines.push(`  ${col(m.method.name, 34, true)} FAILED every round: ${m.failures[0] ?? '?'}`);
      continue;
    }
    const walls = m.rounds.map((r) => r.wallMs);
    const cpu = (pick: (r: RoundResult) => number): string => median(m.rounds.map(pick)).toFixed(1);
    const rss = m.rounds.some((r) => r.peakRssBytes !== undefined) ? `${(Math.max(...m.rounds.map((r) => r.peakRssBytes ?? 0)) / MB).toFixed(0)} MB` : '';
    const phaseNames = Object.keys(m.rounds[0]?.phasesMs ?? {});
    const phases = phaseNames.map((p) => `${p} ${seconds(median(m.rounds.map((r) => r.phasesMs[p] ?? 0)))}`).join(', ');
    lines.push(`  ${col(m.method.name, 34, true)} ${col(seconds(med(m)), 9)} ${col(seconds(Math.min(...walls)), 7)} ` +
      `${col(seconds(Math.max(...walls)), 7)} ${col(`${spreadPct(walls).toFixed(0)}%`, 7)} ${col(cpu((r) => r.targetCpuS), 10)} ` +
      `${col(cpu((r) => r.sourceCpuS), 10)} ${col(cpu((r) => r.toolsCpuS), 12)} ${col(rss, 9)}  ` +
      `${walls.map(seconds).join(' / ')}${phases ? ` [${phases}]` : ''}`);
    if (m.failures.length > 0) lines.push(`    ${String(m.failures.length)} FAILED round(s), not in the figures: ${m.failures.join(' | ')}`);
  }
  for (const p of results.methods.filter((m) => m.method.pgrepl && m.rounds.length > 0)) {
    for (const peer of peers(results)) {
      const ratio = med(peer) / med(p);
      lines.push(ratio >= 1
        ? `  ${p.method.name} is ${ratio.toFixed(2)}x faster than ${peer.method.name}`
        : `  ${p.method.name} is ${(1 / ratio).toFixed(2)}x SLOWER than ${peer.method.name}`);
    }
  }
  lines.push('  server activity, mean seconds per round of session time by statement kind (sampled every 200 ms):');
  for (const m of results.methods.filter((x) => x.rounds.length > 0)) {
    const profiles = m.rounds.map((r) => r.profile).filter((p): p is ActivityProfile => p !== undefined);
    if (profiles.length === 0) continue;
    const mean = meanProfile(profiles);
    lines.push(`    ${m.method.name}: target: ${formatProfile(mean, 'target')}`);
    lines.push(`    ${' '.repeat(m.method.name.length)}  source: ${formatProfile(mean, 'source')}`);
  }
  return lines.join('\n');
}

export interface TargetLine { readonly pass: boolean | null; readonly text: string }

function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a ' : pass ? 'PASS' : 'MISS';
}

/** Issue 4's targets for one dataset (null pass: not measurable in this run, with the reason). */
export function datasetTargets(results: DatasetResults): TargetLine[] {
  const p = judgedPgrepl(results);
  const ps = peers(results);
  const byKey = (key: string): MethodResults | undefined => ps.find((m) => m.method.key === key);
  if (!p) return [{ pass: null, text: `${results.dataset}: no pgrepl method completed` }];
  const fastest = ps.reduce<MethodResults | undefined>((best, m) => (best && med(best) <= med(m) ? best : m), undefined);
  const who = `${p.method.name} ${seconds(med(p))} s`;
  const ratioLine = (label: string, peer: MethodResults | undefined, need: number): TargetLine => {
    if (!peer) return { pass: null, text: `${results.dataset}: ${label}: peer did not run` };
    const ratio = med(peer) / med(p);
    return { pass: ratio >= need, text: `${results.dataset}: ${label} >= ${need.toFixed(1)}x: ${who} vs ${peer.method.name} ${seconds(med(peer))} s = ${ratio.toFixed(2)}x` };
  };
  switch (results.dataset) {
    case 'pgbench':
      return [
        ratioLine('at least as fast as the fastest peer', fastest, 1),
        ratioLine('pg_dump -Fd -j2 + pg_restore -j2', byKey('fd'), 1.3),
      ];
    case 'multi':
      return [ratioLine('the fastest peer', fastest, 1.2)];
    case 'small':
      return [ratioLine('pg_dump -Fc | pg_restore', byKey('fc'), 2)];
    case 'wide':
      return [ratioLine('(no target in the issue; for the record) the fastest peer', fastest, 1)];
    case 'blobs':
      return [ratioLine('(large objects; no target in the issue; for the record) the fastest peer', fastest, 1)];
  }
}

export function rssTarget(all: readonly DatasetResults[]): TargetLine {
  const rounds = all.flatMap((d) => {
    const p = judgedPgrepl(d);
    return (p?.rounds ?? []).map((r) => ({ dataset: d.dataset, name: p?.method.name ?? '', bytes: r.peakRssBytes }));
  }).filter((r): r is { dataset: DatasetName; name: string; bytes: number } => r.bytes !== undefined);
  if (rounds.length === 0) return { pass: null, text: 'peak RSS < 150 MB: not measured' };
  const worst = rounds.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { pass: worst.bytes < RSS_LIMIT_BYTES, text: `peak RSS < 150 MB: ${worst.name} peaked at ${(worst.bytes / MB).toFixed(0)} MB (${worst.dataset})` };
}

export function formatTargets(lines: readonly TargetLine[]): string {
  return lines.map((l) => `  ${verdict(l.pass)} ${l.text}`).join('\n');
}
