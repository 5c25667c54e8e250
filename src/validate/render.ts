// Validate's two outputs, from the same results: JSON Lines (one object per check, nothing else) and the human
// report (✓ ✗ ! - with the fix lines under each, then a summary line). Pure: the caller writes the strings.
import type { CheckResult, CheckStatus } from './result.js';

export interface Symbols {
  readonly ok: () => string;
  readonly fail: () => string;
  readonly warn: () => string;
  readonly skip: () => string;
}

export interface Paint {
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const PLAIN: Paint = { dim: (s) => s, bold: (s) => s };

export function renderJsonLines(results: readonly CheckResult[]): string {
  return results.map((r) => JSON.stringify(r)).join('\n') + (results.length > 0 ? '\n' : '');
}

export function summarize(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { ok: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

export function renderHuman(results: readonly CheckResult[], symbols: Symbols, paint: Paint = PLAIN): string {
  const lines: string[] = [];
  for (const r of results) {
    const head = r.subject ? `${r.subject}: ` : '';
    const text = r.status === 'skip' ? `skipped: ${r.message}` : r.message;
    lines.push(`${symbols[r.status]()} ${head}${text} ${paint.dim(`[${r.id}]`)}`);
    for (const f of r.fix ?? []) lines.push(`    ${f.startsWith('--') ? paint.dim(f) : f}`);
  }
  const c = summarize(results);
  const verdict = c.fail > 0 ? 'validation failed' : 'validation passed';
  lines.push('');
  lines.push(
    paint.bold(`${verdict}: ${c.ok} ok, ${c.fail} failed, ${c.warn} warning${c.warn === 1 ? '' : 's'}, ${c.skip} skipped`),
  );
  return lines.join('\n') + '\n';
}
