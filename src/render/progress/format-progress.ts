// Pure formatting for the apply progress views: the live terminal view (tty-progress.ts) and the plain log lines
// (log-progress.ts) say the same things in the same units, from the ProgressTracker's picture. ETAs come from the
// plan's estimates (catalog sizes): a table's from its rate so far, a database's from the share of its estimate done
// in the time so far (databaseTotals); an estimate already exceeded gives no ETA rather than a wrong one.
import type { Action } from '../../plan/types.js';
import { formatBytes, formatRows, formatSeconds } from '../human-units.js';
import type { DatabaseProgress, ProgressTracker, TableProgress } from './progress-tracker.js';

/** Elapsed time, exact enough to compare runs: `0.4s`, `8.1s`, `42s`, `3m 05s`, `1h 02m`. */
export function formatElapsed(seconds: number): string {
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h ${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, bytesPerSecond))}/s`;
}

/** Seconds left at `bytesPerSecond` for what the estimate still expects; null when unknown (no rate, or estimate passed). */
export function etaSeconds(estimatedBytes: number, copiedBytes: number, bytesPerSecond: number): number | null {
  if (bytesPerSecond <= 0 || !Number.isFinite(bytesPerSecond)) return null;
  const remaining = estimatedBytes - copiedBytes;
  return remaining > 0 ? remaining / bytesPerSecond : null;
}

function eta(seconds: number | null): string {
  return seconds === null ? '' : `ETA ${formatSeconds(seconds)}`;
}

export interface DatabaseTotals {
  readonly tables: number;
  readonly tablesDone: number;
  readonly rows: number;
  readonly bytes: number;
  readonly estimatedBytes: number;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
}

/**
 * The database's sums. Its ETA counts work in the estimate's units: a finished table did its whole estimate,
 * whatever it moved. A catalog size overstates what COPY moves for a small table (a page or more for a few rows),
 * and remaining bytes over the byte rate then gave 1,000 tables of 2 rows, 60% done after 5 s, an ETA of 8 minutes.
 */
export function databaseTotals(db: DatabaseProgress, elapsedMs: number): DatabaseTotals {
  let rows = 0;
  let bytes = 0;
  let estimatedBytes = 0;
  let tablesDone = 0;
  let work = 0;
  let workDone = 0;
  for (const t of db.tables) {
    rows += t.rows;
    bytes += t.bytes;
    // A table that moved more than estimated counts at what it moved, so the whole never reads "120 MB of ~100 MB".
    estimatedBytes += t.done ? t.bytes : Math.max(t.estimatedBytes, t.bytes);
    work += t.done ? t.estimatedBytes : Math.max(t.estimatedBytes, t.bytes);
    workDone += t.done ? t.estimatedBytes : t.bytes;
    if (t.done) tablesDone++;
  }
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? bytes / seconds : 0;
  const eta = seconds > 0 && workDone > 0 && work > workDone ? (seconds * (work - workDone)) / workDone : null;
  return { tables: db.tables.length, tablesDone, rows, bytes, estimatedBytes, bytesPerSecond: rate, etaSeconds: eta };
}

/** `shop: 3/8 tables, 1.2M rows, 120 MB of ~400 MB, 15 MB/s, ETA ~20 s`. */
export function formatDatabaseLine(database: string, t: DatabaseTotals): string {
  const parts = [
    `${t.tablesDone}/${t.tables} tables`,
    formatRows(t.rows),
    `${formatBytes(t.bytes)} of ~${formatBytes(t.estimatedBytes)}`,
    formatRate(t.bytesPerSecond),
    eta(t.etaSeconds),
  ].filter((p) => p !== '');
  return `${database}: ${parts.join(', ')}`;
}

/** One table of the live view: name padded to `nameWidth`, then rows, bytes (of the estimate), rate and ETA. */
export function formatTableRow(t: TableProgress, nameWidth: number): string {
  const name = t.address.padEnd(nameWidth);
  if (t.done) return `  ✓ ${name}  ${formatRows(t.rows)}, ${formatBytes(t.bytes)} in ${formatElapsed(t.seconds)}`;
  if (!t.started) return `  · ${name}  waiting (~${formatBytes(t.estimatedBytes)})`;
  const of = t.estimatedBytes > t.bytes ? ` of ~${formatBytes(t.estimatedBytes)}` : '';
  const parts = [formatRows(t.rows), `${formatBytes(t.bytes)}${of}`, formatRate(t.bytesPerSecond), eta(etaSeconds(t.estimatedBytes, t.bytes, t.bytesPerSecond))];
  return `  ▸ ${name}  ${parts.filter((p) => p !== '').join(', ')}`;
}

export interface LiveViewOptions {
  /** Terminal columns: longer lines are cut, so a wrapped line never breaks the redraw. */
  readonly width: number;
  /** Tables shown per database; the rest are counted in one line. */
  readonly maxTables: number;
}

function cut(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}

/** The live view's lines: steps done, then per database its line and its running tables first, then waiting ones. */
export function renderLiveView(tracker: ProgressTracker, opts: LiveViewOptions): string[] {
  const lines = [`Steps: ${tracker.stepsDone}/${tracker.totalSteps} done${tracker.running.size > 0 ? `, running ${[...tracker.running].join(', ')}` : ''}`];
  for (const db of tracker.databases) {
    if (db.finished !== null) {
      lines.push(`${db.database}: copied ${db.tables.length} tables, ${formatRows(db.finished.rows)}, ${formatBytes(db.finished.bytes)} in ${formatElapsed(db.finished.seconds)}`);
      continue;
    }
    lines.push(formatDatabaseLine(db.database, databaseTotals(db, tracker.elapsedMs(db))));
    const running = db.tables.filter((t) => t.started && !t.done);
    const waiting = db.tables.filter((t) => !t.started);
    const done = db.tables.length - running.length - waiting.length;
    const shown = [...running, ...waiting].slice(0, opts.maxTables);
    const nameWidth = Math.min(40, Math.max(0, ...shown.map((t) => t.address.length)));
    for (const t of shown) lines.push(formatTableRow(t, nameWidth));
    const hidden = running.length + waiting.length - shown.length;
    if (hidden > 0 || done > 0) lines.push(`  ${[hidden > 0 ? `${hidden} more to copy` : '', done > 0 ? `${done} done` : ''].filter((p) => p !== '').join(', ')}`);
  }
  return lines.map((l) => cut(l, opts.width));
}

/** How a finished step reads in the log: `target.role.app: created in 0.1s`. */
export const DONE_WORD: Readonly<Record<Action, string>> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'destroyed' };

export function formatStepDone(address: string, action: Action, seconds: number): string {
  return `${address}: ${DONE_WORD[action]} in ${formatElapsed(seconds)}`;
}

/** `shop: copying 8 tables (~1.2M rows, ~400 MB)`. */
export function formatCopyStart(database: string, tables: readonly { readonly bytes: number; readonly rows: number }[]): string {
  const rows = tables.reduce((n, t) => n + Math.max(0, t.rows), 0);
  const bytes = tables.reduce((n, t) => n + Math.max(0, t.bytes), 0);
  return `${database}: copying ${tables.length} table${tables.length === 1 ? '' : 's'} (~${formatRows(rows)}, ~${formatBytes(bytes)})`;
}

/** `shop: public.orders copied: 1.2M rows, 340 MB in 8.1s`. */
export function formatTableDone(database: string, address: string, rows: number, bytes: number, seconds: number): string {
  return `${database}: ${address} copied: ${formatRows(rows)}, ${formatBytes(bytes)} in ${formatElapsed(seconds)}`;
}

/** `shop: data copied: 1.2M rows, 400 MB in 30s (13 MB/s)`. */
export function formatCopyDone(database: string, rows: number, bytes: number, seconds: number): string {
  const rate = seconds > 0 ? ` (${formatRate(bytes / seconds)})` : '';
  return `${database}: data copied: ${formatRows(rows)}, ${formatBytes(bytes)} in ${formatElapsed(seconds)}${rate}`;
}
