// The verify benchmark's printed figures: per case (all rows equal / one changed row) a table of the methods,
// pgrepl's ratios to pgcopydb (the goal: below 1) and to the count(*) floor, and per table pgrepl's time against
// that table's count(*).
import { median, seconds, spreadPct } from '../lib/stats.js';
import type { Method, MethodRun } from './methods.js';

export interface RoundResult extends MethodRun {
  readonly sourceCpuS: number;
  readonly targetCpuS: number;
}

export interface MethodResults {
  readonly method: Method;
  readonly rounds: RoundResult[];
  readonly failures: string[];
  skipped?: string;
}

export interface CaseResults {
  readonly name: string;
  readonly methods: readonly MethodResults[];
}

const col = (text: string, width: number, left = false): string => (left ? text.padEnd(width) : text.padStart(width));
export const medianMs = (m: MethodResults): number => median(m.rounds.map((r) => r.wallMs));
const byKey = (c: CaseResults, key: string): MethodResults | undefined => c.methods.find((m) => m.method.key === key && m.rounds.length > 0);

export function formatCase(c: CaseResults): string {
  const lines = [`== ${c.name}; wall seconds`];
  lines.push(`  ${col('method', 44, true)} ${col('median s', 9)} ${col('min', 7)} ${col('max', 7)} ${col('spread', 7)} ` +
    `${col('src CPU s', 10)} ${col('tgt CPU s', 10)} ${col('peak RSS', 9)}  rounds`);
  for (const m of c.methods) {
    if (m.skipped !== undefined) {
      lines.push(`  ${col(m.method.name, 44, true)} skipped: ${m.skipped}`);
      continue;
    }
    if (m.rounds.length === 0 && m.failures.length === 0) {
      lines.push(`  ${col(m.method.name, 44, true)} no counted rounds`);
      continue;
    }
    if (m.rounds.length === 0) {
      lines.push(`  ${col(m.method.name, 44, true)} FAILED every round: ${m.failures[0] ?? '?'}`);
      continue;
    }
    const walls = m.rounds.map((r) => r.wallMs);
    const rss = m.rounds.some((r) => r.peakRssBytes !== undefined) ? `${(Math.max(...m.rounds.map((r) => r.peakRssBytes ?? 0)) / 1e6).toFixed(0)} MB` : '';
    const note = m.rounds[m.rounds.length - 1]?.note;
    lines.push(`  ${col(m.method.name, 44, true)} ${col(seconds(medianMs(m)), 9)} ${col(seconds(Math.min(...walls)), 7)} ` +
      `${col(seconds(Math.max(...walls)), 7)} ${col(`${spreadPct(walls).toFixed(0)}%`, 7)} ` +
      `${col(median(m.rounds.map((r) => r.sourceCpuS)).toFixed(1), 10)} ${col(median(m.rounds.map((r) => r.targetCpuS)).toFixed(1), 10)} ` +
      `${col(rss, 9)}  ${walls.map(seconds).join(' / ')}${note ? ` (${note})` : ''}`);
    if (m.failures.length > 0) lines.push(`    ${String(m.failures.length)} FAILED round(s), not in the figures: ${m.failures.join(' | ')}`);
  }
  const p = byKey(c, 'pgrepl');
  const peer = byKey(c, 'pgcopydb');
  const floor = byKey(c, 'count');
  if (p && peer) {
    const r = medianMs(p) / medianMs(peer);
    lines.push(`  pgrepl / ${peer.method.name}: ${r.toFixed(2)} (goal < 1: ${r < 1 ? 'PASS' : 'MISS'})`);
  }
  if (p && floor) {
    lines.push(`  pgrepl / count(*) on the source: ${(medianMs(p) / medianMs(floor)).toFixed(2)}` +
      (peer ? `; ${peer.method.name} / count(*): ${(medianMs(peer) / medianMs(floor)).toFixed(2)}` : ''));
  }
  if (floor && (p ?? peer)) {
    // Per table, from the rounds' own per-table figures (pgrepl's from its JSON report).
    const perTable = (m: MethodResults | undefined, t: string): number => (m ? median(m.rounds.map((r) => r.tableS?.[t] ?? 0)) : 0);
    for (const t of Object.keys(floor.rounds[0]?.tableS ?? {})) {
      const f = perTable(floor, t);
      const pt = perTable(p, t);
      const ct = perTable(peer, t);
      lines.push(`    ${col(t, 28, true)} count(*) ${f.toFixed(3)} s` +
        (p ? `, pgrepl ${pt.toFixed(3)} s${f > 0.01 ? ` (${(pt / f).toFixed(2)}x)` : ''}` : '') +
        (peer ? `, ${peer.method.key} ${ct.toFixed(3)} s${f > 0.01 ? ` (${(ct / f).toFixed(2)}x)` : ''}` : ''));
    }
  }
  return lines.join('\n');
}

/** Drill-down cost: pgrepl's median with one changed row minus its median with all rows equal. */
export function formatDrillDown(equal: CaseResults, changed: CaseResults): string {
  const a = byKey(equal, 'pgrepl');
  const b = byKey(changed, 'pgrepl');
  if (!a || !b) return '';
  const d = medianMs(b) - medianMs(a);
  // Per round (both cases ran back to back in each round), so the machine's drift between rounds cancels out.
  const perRound = b.rounds.map((r, i) => r.wallMs - (a.rounds[i]?.wallMs ?? r.wallMs));
  return `pgrepl drill-down to the changed key: ${seconds(d)} s over the equal case (medians ${seconds(medianMs(a))} -> ${seconds(medianMs(b))} s; ` +
    `per round ${perRound.map(seconds).join(' / ')} s)`;
}
