// Checks for replication tests, written against PostgreSQL's catalogs directly (never through src/): wait for a
// subscription's tables to be ready and for a slot to confirm an LSN, then compare a table's rows on both sides.
import { expect } from 'vitest';
import type { Cluster } from './cluster.js';
import { ident } from './sql.js';

const POLL_MS = 100;
const DIFF_ROWS_SHOWN = 5;
/** Row text must not depend on a database's own defaults (a hostile database sets DateStyle, TimeZone, …). */
const SESSION = "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The source's WAL insert position. Not pg_current_wal_lsn(): that is the *write* position, which under
 * `synchronous_commit = off` (every harness cluster) can still lie before commits that already returned, so a slot
 * past it would not prove those commits arrived.
 */
export async function currentLsn(cluster: Cluster): Promise<string> {
  const [row] = await cluster.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  if (!row) throw new Error('currentLsn: no row');
  return row.lsn;
}

/** Poll until the slot's confirmed_flush_lsn is at or past `lsn`; the error names where the slot stands. */
export async function waitForSlotPast(source: Cluster, slotName: string, lsn: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [slot] = await source.query<{ confirmed: string | null; past: boolean | null; active: boolean; wal_status: string | null }>(
      // wal_status exists from 13; to_jsonb reads it as NULL on 12.
      `SELECT confirmed_flush_lsn::text AS confirmed, confirmed_flush_lsn >= $2::pg_lsn AS past, active, to_jsonb(s) ->> 'wal_status' AS wal_status
         FROM pg_replication_slots s WHERE slot_name = $1`, [slotName, lsn]);
    if (slot?.past) return;
    if (Date.now() >= deadline) {
      const where = slot
        ? `confirmed_flush_lsn ${slot.confirmed ?? 'NULL'}, active ${String(slot.active)}, wal_status ${slot.wal_status ?? 'NULL'}`
        : 'the slot does not exist';
      throw new Error(`slot ${slotName} did not pass ${lsn} within ${timeoutMs} ms: ${where}`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * Poll until every table of the subscription is 'r' (ready) in pg_subscription_rel (at least one table, unless
 * `allowEmpty`). The error lists each table's state and, on 15+, the subscription's error counters.
 */
export async function waitForSubscriptionReady(
  target: Cluster, database: string, subName: string, timeoutMs: number, opts: { allowEmpty?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rels = await target.query<{ rel: string; state: string }>(
      `SELECT sr.srrelid::regclass::text AS rel, sr.srsubstate::text AS state
         FROM pg_subscription_rel sr JOIN pg_subscription s ON s.oid = sr.srsubid
        WHERE s.subname = $1 ORDER BY 1`, [subName], database);
    if (rels.every((r) => r.state === 'r') && (rels.length > 0 || opts.allowEmpty)) return;
    if (Date.now() >= deadline) {
      const states = rels.length === 0 ? 'no tables' : rels.map((r) => `${r.rel}=${r.state}`).join(', ');
      let counters = '';
      if (target.major >= 15) {
        const [stats] = await target.query<{ apply_error_count: string; sync_error_count: string }>(
          'SELECT apply_error_count::text, sync_error_count::text FROM pg_stat_subscription_stats WHERE subname = $1', [subName], database);
        if (stats) counters = `; apply errors ${stats.apply_error_count}, sync errors ${stats.sync_error_count} (see ${target.logFile})`;
      }
      throw new Error(`subscription ${subName} not ready within ${timeoutMs} ms: ${states}${counters}`);
    }
    await sleep(POLL_MS);
  }
}

export interface RowComparison {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly same: boolean;
  /** '' when the same; else the counts, the first differing position and the first rows found on one side only. */
  readonly diff: string;
}

/** `schema.table` or a bare name (schema public), quoted. */
function quoteTable(table: string): string {
  const dot = table.indexOf('.');
  return dot < 0 ? ident(table) : `${ident(table.slice(0, dot))}.${ident(table.slice(dot + 1))}`;
}

async function rowTexts(cluster: Cluster, database: string, table: string, where: string | null, orderBy: string): Promise<string[]> {
  // The whole row as text, under fixed settings, in the caller's order (then by the text: ties stay deterministic).
  const sql = `${SESSION}; SELECT r::text AS row FROM ${quoteTable(table)} r${where === null ? '' : ` WHERE (${where})`} ORDER BY ${orderBy}, r::text COLLATE "C"`;
  return (await cluster.query<{ row: string }>(sql, [], database)).map((r) => r.row);
}

/** Rows in `a` that `b` lacks, as a multiset difference; the first `limit`. */
function missing(a: readonly string[], b: readonly string[], limit: number): { rows: string[]; total: number } {
  const left = new Map<string, number>();
  for (const row of b) left.set(row, (left.get(row) ?? 0) + 1);
  const rows: string[] = [];
  let total = 0;
  for (const row of a) {
    const n = left.get(row) ?? 0;
    if (n > 0) { left.set(row, n - 1); continue; }
    total += 1;
    if (rows.length < limit) rows.push(row);
  }
  return { rows, total };
}

/**
 * Compare `table` in `sourceDb` (only the rows matching `where`, or all when null) with the whole table in
 * `targetDb`, row by row as text, both sorted by `orderBy` (a total order, e.g. the primary key).
 */
export async function compareRowsFiltered(
  source: Cluster, target: Cluster, sourceDb: string, targetDb: string, table: string, where: string | null, orderBy: string,
): Promise<RowComparison> {
  const [a, b] = await Promise.all([rowTexts(source, sourceDb, table, where, orderBy), rowTexts(target, targetDb, table, null, orderBy)]);
  const firstDiff = a.findIndex((row, i) => row !== b[i]);
  const at = firstDiff >= 0 ? firstDiff : a.length === b.length ? -1 : a.length;
  if (at < 0) return { table, sourceRows: a.length, targetRows: b.length, same: true, diff: '' };
  const onlySource = missing(a, b, DIFF_ROWS_SHOWN);
  const onlyTarget = missing(b, a, DIFF_ROWS_SHOWN);
  const list = (rows: readonly string[]): string => rows.map((r) => `\n    ${r}`).join('');
  const diff = [
    `${table}${where === null ? '' : ` (source WHERE ${where})`}: source ${a.length} rows, target ${b.length} rows`,
    `  first difference at row ${at + 1} (ORDER BY ${orderBy}): source ${a[at] ?? '(none)'} | target ${b[at] ?? '(none)'}`,
    `  ${onlySource.total} only on the source${list(onlySource.rows)}`,
    `  ${onlyTarget.total} only on the target${list(onlyTarget.rows)}`,
  ].join('\n');
  return { table, sourceRows: a.length, targetRows: b.length, same: false, diff };
}

/** compareRowsFiltered, asserted: a failure prints the diff. Returns the comparison (row counts). */
export async function expectSameRowsFiltered(
  source: Cluster, target: Cluster, sourceDb: string, targetDb: string, table: string, where: string | null, orderBy: string,
): Promise<RowComparison> {
  const result = await compareRowsFiltered(source, target, sourceDb, targetDb, table, where, orderBy);
  expect(result.diff, result.diff).toBe('');
  return result;
}
