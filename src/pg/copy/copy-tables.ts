// The snapshot copy: every table read inside one exported snapshot, streamed source COPY TO -> target COPY FROM
// with backpressure (constant memory, no temp files), by a bounded number of workers, largest units first.
// Each worker imports the snapshot once on its own source session and keeps it for all its tables. A unit (one
// table, or a group: see CopyTable.group) loads in one target transaction with the optional TRUNCATE and the
// trigger guard; any failure or cancel aborts every worker and closes every session, so the server rolls back
// every open target transaction: the target keeps no half-copied unit.
// A source session's transaction would keep a lock on every table it read until the copy ends: one per table, all
// in the server's one lock table (lock-budget.ts), which a database of some 6,000 tables fills. Each unit's reads
// run after a savepoint instead, and the session rolls back to it once the unit is read: the locks go, the snapshot
// stays. Nothing needs them after the read: the schema was read at plan time, outside this snapshot, and a table
// already read cannot change what was copied.
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import { connect } from '../connect.js';
import { quoteQualified } from '../sql/quote.js';
import { assertSessionSettings } from './assert-session.js';
import { type BatchItemResult, copyBatch } from './batch-copy.js';
import { chooseFormats, type FormatChoice } from './choose-format.js';
import { releaseLocksSql } from '../lock-budget.js';
import { closeClient, killClient } from './close-client.js';
import { CopyCancelledError, CopyError, rowCountMismatch } from './copy-error.js';
import { framedCopyInStream } from './copy-in-stream.js';
import { copyOutStream } from './copy-out-stream.js';
import { copyInSql, copyOutSql, importSnapshotSql, tableAddress, truncateSql } from './copy-sql.js';
import { InjectedFaultError, killMidCopyFaultRows, killSelf, midCopyFaultRows } from './fault.js';
import { RowCounterStream } from './row-counter.js';
import { FREEZE_MIN_BYTES, prepareFreeze } from './prepare-freeze.js';
import { type GuardHandle, guardTriggers, trySessionReplicaRole } from './trigger-guard.js';
import { runQueue } from './work-queue.js';
import type { CopySummary, CopyTable, CopyTableResult, CopyTablesOptions } from './types.js';

const PROGRESS_INTERVAL_MS = 500;
/** The source session's savepoint before each unit's reads (see the top). */
const UNIT_SAVEPOINT = 'pgrepl_unit';

interface Worker {
  readonly source: pg.Client;
  readonly target: pg.Client;
  /** session_replication_role = replica is set on the target session (else each unit disables triggers by name). */
  readonly replicaRole: boolean;
}

interface Unit {
  readonly tables: readonly CopyTable[];
  readonly bytes: number;
}

/**
 * Units below this size (the source's estimate) are loaded together, up to BATCH_MAX_TABLES and BATCH_MAX_BYTES per
 * unit: one target transaction, one format query and one progress flush for many small tables instead of one each
 * (1,000 tables of 10 rows: ~5 ms of round trips per table otherwise, for ~1 kB of rows).
 */
export const BATCH_BELOW_BYTES = 1_048_576;
export const BATCH_MAX_TABLES = 50;
export const BATCH_MAX_BYTES = 8 * 1_048_576;

/** Groups as units, largest first (ties keep the caller's order); then small units batched in that order. */
export function planUnits(tables: readonly CopyTable[]): readonly Unit[] {
  const groups = new Map<string, CopyTable[]>();
  const units: CopyTable[][] = [];
  for (const t of tables) {
    if (t.group === undefined) {
      units.push([t]);
      continue;
    }
    const existing = groups.get(t.group);
    if (existing === undefined) {
      const fresh = [t];
      groups.set(t.group, fresh);
      units.push(fresh);
    } else {
      existing.push(t);
    }
  }
  const sorted = units
    .map((u) => ({ tables: u, bytes: u.reduce((sum, t) => sum + (t.estimatedBytes ?? 0), 0) }))
    .sort((a, b) => b.bytes - a.bytes);
  // Sorted largest first, so the small units are the tail: batch them in order.
  const batched: Unit[] = [];
  let batch: Unit | undefined;
  for (const unit of sorted) {
    if (unit.bytes >= BATCH_BELOW_BYTES) {
      batched.push(unit);
      continue;
    }
    if (batch !== undefined && batch.tables.length + unit.tables.length <= BATCH_MAX_TABLES && batch.bytes + unit.bytes <= BATCH_MAX_BYTES) {
      batch = { tables: [...batch.tables, ...unit.tables], bytes: batch.bytes + unit.bytes };
      batched[batched.length - 1] = batch;
    } else {
      batch = unit;
      batched.push(batch);
    }
  }
  return batched;
}

/**
 * Opens a unit's load transaction: the trigger guard before the TRUNCATE, so ON TRUNCATE triggers stay silent too;
 * in replica mode the guard is a no-op and BEGIN and TRUNCATE go in one round trip.
 */
async function beginUnit(w: Worker, tables: readonly CopyTable[], truncate: string | null): Promise<GuardHandle> {
  if (w.replicaRole) {
    await w.target.query(truncate === null ? 'BEGIN' : `BEGIN; ${truncate}`);
    return guardTriggers(w.target, tables, true);
  }
  await w.target.query('BEGIN');
  const guard = await guardTriggers(w.target, tables, false);
  if (truncate !== null) await w.target.query(truncate);
  return guard;
}

function tableResult(t: CopyTable, choice: FormatChoice, rows: number, bytes: number, seconds: number, triggerGuard: CopyTableResult['triggerGuard']): CopyTableResult {
  return {
    address: tableAddress(t), format: choice.format, ...(choice.reason === undefined ? {} : { formatReason: choice.reason }),
    rows, bytes, seconds, triggerGuard,
  };
}

const QUERY_CANCELED = '57014';

/** The target's answer to the CopyFail pg-copy-streams sends when its stream is destroyed. */
function isCopyFailEcho(side: 'source' | 'target' | 'local', error: unknown): boolean {
  return side === 'target' && (asError(error) as { code?: unknown }).code === QUERY_CANCELED;
}

export async function copyTables(opts: CopyTablesOptions): Promise<CopySummary> {
  const started = performance.now();
  const faultRows = opts.faultAfterRows ?? midCopyFaultRows();
  // kill -9 tests: the process dies inside the stream, so the target's COPY is really in flight.
  const killRows = killMidCopyFaultRows();
  const units = planUnits(opts.tables);
  const results: CopyTableResult[] = [];
  const clients = new Set<pg.Client>();
  // One controller for the whole copy: the caller's signal and the first failure both stop every worker.
  const stop = new AbortController();
  let firstError: unknown;
  const fail = (e: unknown): void => {
    if (firstError === undefined) firstError = e;
    if (!stop.signal.aborted) stop.abort(e);
  };
  const onCallerAbort = (): void => fail(new CopyCancelledError(opts.signal?.reason));
  if (opts.signal?.aborted === true) throw new CopyCancelledError(opts.signal.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  // On abort, sessions busy in a query are cut at once: their backends roll back; nothing waits on them.
  stop.signal.addEventListener('abort', () => {
    for (const c of clients) killClient(c);
  }, { once: true });
  const checkStop = (): void => {
    if (stop.signal.aborted) throw firstError ?? new CopyCancelledError();
  };

  const open = async (): Promise<Worker> => {
    checkStop();
    const source = await connect(opts.source, { side: 'source', database: opts.sourceDatabase });
    clients.add(source);
    if (stop.signal.aborted) killClient(source);
    checkStop();
    const target = await connect(opts.target, { side: 'target', database: opts.targetDatabase }).catch(async (e: unknown) => {
      await closeClient(source);
      throw e;
    });
    clients.add(target);
    if (stop.signal.aborted) killClient(target);
    let replicaRole = false;
    try {
      checkStop();
      await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await source.query(importSnapshotSql(opts.snapshotId));
      await source.query(releaseLocksSql.begin(UNIT_SAVEPOINT));
      await assertSessionSettings(source, 'source');
      await assertSessionSettings(target, 'target');
      replicaRole = await trySessionReplicaRole(target);
    } catch (e) {
      await Promise.all([closeClient(source), closeClient(target)]);
      if (stop.signal.aborted) throw firstError ?? e;
      throw new PgreplError(`could not start a copy worker in snapshot ${opts.snapshotId}: ${asError(e).message}`, {
        hints: ['the session that exported the snapshot must stay open until the copy ends'],
        cause: e,
      });
    }
    return { source, target, replicaRole };
  };

  const close = async (w: Worker): Promise<void> => {
    await Promise.all([closeClient(w.source), closeClient(w.target)]);
  };

  /**
   * A unit of several unfiltered tables, all below FREEZE_MIN_BYTES, goes through copyBatch (one query per side)
   * unless a fault is armed: the `mid-copy` faults count rows in the streaming path. A filter is the spec's SQL, which
   * has no place in a query whose statements are counted.
   */
  const batchable = (unit: Unit): boolean => faultRows === undefined && killRows === undefined && unit.tables.length > 1
    && unit.tables.every((t) => (t.estimatedBytes ?? 0) < FREEZE_MIN_BYTES && t.filter === null);

  const work = async (w: Worker, unit: Unit): Promise<void> => {
    checkStop();
    const formats = await chooseFormats(w.source, unit.tables.map((t) => ({ qualifiedName: quoteQualified(t.schema, t.table), columns: t.columns })), opts.format)
      .catch((e: unknown) => {
        throw new CopyError(tableAddress(unit.tables[0] as CopyTable), 'source', e);
      });
    const unitResults: CopyTableResult[] = [];
    const truncated = unit.tables.filter((t) => t.truncateFirst);
    const truncate = truncateSql(truncated);
    const guard = await beginUnit(w, unit.tables, truncate);
    if (batchable(unit)) {
      checkStop();
      unitResults.push(...await copyUnitBatch(w, unit.tables, formats, guard.kind));
    } else for (const [i, t] of unit.tables.entries()) {
      checkStop();
      const freeze = await prepareFreeze(w.target, t, truncated.includes(t)).catch((e: unknown) => {
        throw new CopyError(tableAddress(t), 'target', e);
      });
      unitResults.push(await copyOne(w, t, guard.kind, formats[i] as FormatChoice, freeze));
    }
    const commit = async (): Promise<void> => {
      for (const sql of guard.beforeCommit) await w.target.query(sql);
      await w.target.query('COMMIT');
    };
    const [released, committed] = await Promise.allSettled([w.source.query(releaseLocksSql.release(UNIT_SAVEPOINT)), commit()]);
    if (committed.status === 'rejected') throw committed.reason;
    if (released.status === 'rejected') throw new CopyError(tableAddress(unit.tables[0] as CopyTable), 'source', released.reason);
    results.push(...unitResults);
  };

  /** A batchable unit through copyBatch; the batch's time is shared by bytes, so seconds summed over its tables stay the batch's (throughput estimates). */
  const copyUnitBatch = async (w: Worker, tables: readonly CopyTable[], formats: readonly FormatChoice[], triggerGuard: CopyTableResult['triggerGuard']): Promise<CopyTableResult[]> => {
    const started = performance.now();
    const copied = await copyBatch(w.source, w.target, tables.map((table, i) => ({ table, format: (formats[i] as FormatChoice).format })));
    const seconds = (performance.now() - started) / 1000;
    const bytes = copied.reduce((n, c) => n + c.bytes, 0);
    return tables.map((t, i) => {
      const { rows, bytes: own } = copied[i] as BatchItemResult;
      const share = bytes > 0 ? seconds * (own / bytes) : seconds / tables.length;
      const result = tableResult(t, formats[i] as FormatChoice, rows, own, share, triggerGuard);
      opts.onProgress?.({ address: result.address, format: result.format, rows, bytes: own, seconds: share, bytesPerSecond: share > 0 ? own / share : 0, done: true });
      return result;
    });
  };

  const copyOne = async (w: Worker, t: CopyTable, triggerGuard: CopyTableResult['triggerGuard'], choice: FormatChoice, freeze: boolean): Promise<CopyTableResult> => {
    const address = tableAddress(t);
    const tableStarted = performance.now();
    const { format } = choice;
    const report = (rows: number, bytes: number, done: boolean): void => {
      const seconds = (performance.now() - tableStarted) / 1000;
      opts.onProgress?.({ address, format, rows, bytes, seconds, bytesPerSecond: seconds > 0 ? bytes / seconds : 0, done });
    };
    let lastReport = 0;
    const counter = new RowCounterStream({
      format,
      onChunk: (rows, bytes) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = now;
        report(rows, bytes, false);
      },
      ...(faultRows !== undefined ? { fault: { rows: faultRows, error: () => new InjectedFaultError(faultRows) } }
        : killRows !== undefined ? { fault: { rows: killRows, error: killSelf } } : {}),
    });
    const out = w.source.query(copyOutStream(copyOutSql(t, format)));
    const into = w.target.query(framedCopyInStream(copyInSql(t, format, freeze)));
    // The side whose error is the cause names the failure: when one side fails, the pipeline cancels the other,
    // whose error (the target's "COPY from stdin failed", 57014) is only a consequence.
    const errors: { side: 'source' | 'target' | 'local'; error: unknown }[] = [];
    out.once('error', (error) => errors.push({ side: 'source', error }));
    into.once('error', (error) => errors.push({ side: 'target', error }));
    counter.once('error', (error) => errors.push({ side: 'local', error }));
    try {
      await pipeline(out, counter, into, { signal: stop.signal });
      await out.ended;
    } catch (e) {
      if (stop.signal.aborted && firstError !== undefined) throw firstError;
      const cause = errors.find((x) => !isCopyFailEcho(x.side, x.error)) ?? errors[0] ?? { side: 'local' as const, error: e };
      throw new CopyError(address, cause.side, cause.error);
    }
    if (out.rowCount !== into.rowCount) throw rowCountMismatch(address, out.rowCount, into.rowCount);
    const result = tableResult(t, choice, into.rowCount, counter.bytes, (performance.now() - tableStarted) / 1000, triggerGuard);
    report(result.rows, result.bytes, true);
    return result;
  };

  try {
    await runQueue(units, opts.workers, open, async (w, u) => {
      try {
        await work(w, u);
      } catch (e) {
        fail(e);
        throw e;
      }
    }, close);
  } catch (e) {
    fail(e);
  } finally {
    opts.signal?.removeEventListener('abort', onCallerAbort);
    // Every session is closed by its worker; a worker whose open() failed half-way closed its own.
    await Promise.all([...clients].map((c) => closeClient(c)));
  }
  if (firstError !== undefined) throw firstError;
  const rows = results.reduce((s, r) => s + r.rows, 0);
  const bytes = results.reduce((s, r) => s + r.bytes, 0);
  return { tables: results.length, rows, bytes, seconds: (performance.now() - started) / 1000, results };
}
