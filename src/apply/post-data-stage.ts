// The post-data stage of one database on up to `workers` sessions. The clone benchmark (bench/README.md, 8 tables)
// spent 8.1 s in post-data on one session against 4.5 s for pg_restore -j2 / pgcopydb, which build indexes in
// parallel. Plan (splitPostData, pure):
//   - parallel: per table, the leading index builds and non-FK `ADD` constraints (the statements that scan or sort
//     the table's rows); one table's statements stay in order on one session; tables largest first (the copy's
//     estimated bytes), else in schedule order;
//   - then serially, on the main session, in schedule order: everything else — foreign keys (they read the
//     referenced table's unique index, built in parallel above), triggers, policies, grants, comments, ATTACH
//     PARTITION, statements of views, sequences, the database… A statement that is not an index or key build cuts its
//     table's parallel part: the rest of that table goes serial too, so one object's statements never change order.
//   - tables below PARALLEL_MIN_BYTES: the same leading builds (those that lock their own table only), many tables a
//     chunk, one transaction a chunk, queued after the large tables on the same sessions (chunkStatementsFor).
// Large tables' builds run without parallel workers while another large table is built or waits (largeTableAlone): two
// sessions that each start workers oversubscribe the cores. A large table built alone keeps the server's setting.
// Triggers, attaches and the like stay serial because they may depend on another table's statements (a partition's
// cloned trigger state follows the parent's trigger; an index attach needs the parent's index), which DdlStatement
// does not record. A step is finished when its last statement ran, whichever session ran it.
import { keyKind, objectKey } from '../model/object-key.js';
import type { ApplySession } from '../pg/apply/apply-session.js';
import { type Entry, type SqlStageInput, STATEMENTS_PER_BATCH } from './run-sql-stage.js';
import type { CopyItem, SqlItem } from './schedule.js';
import { stageRunner } from './stage-runner.js';
import { onSessions } from './with-session.js';

export interface PostDataSplit {
  /** Per table, its parallel statements in order; tables largest first. */
  readonly parallel: readonly { readonly object: string; readonly entries: readonly Entry[] }[];
  /**
   * Small tables' leading index and key builds, many tables a chunk (one transaction each), each table whole in one
   * chunk, in schedule order; run beside `parallel`, after it in the queue.
   */
  readonly chunks: readonly (readonly Entry[])[];
  /** Run after every parallel group, on one session, in schedule order. */
  readonly serial: readonly Entry[];
}

const FOREIGN_KEY = /\bFOREIGN\s+KEY\b/i;
const INDEX_BUILD = /^\s*CREATE\s+(UNIQUE\s+)?INDEX\b/i;
const KEY_BUILD = /^\s*ALTER\s+TABLE\b[\s\S]*?\bADD\s+(CONSTRAINT|PRIMARY\s+KEY|UNIQUE|CHECK|EXCLUDE|NOT\s+NULL)\b/i;
const ALTER_ONLY = /^\s*ALTER\s+TABLE\s+ONLY\b/i;

/** Whether a statement may run beside other tables' statements: a table's own index or non-FK key build. */
export function isParallelStatement(entry: Entry): boolean {
  const { sql, object } = entry.statement;
  if (!object.startsWith('table:') || keyKind(object) !== 'table') return false;
  if (FOREIGN_KEY.test(sql)) return false;
  return INDEX_BUILD.test(sql) || KEY_BUILD.test(sql);
}

/**
 * Whether a parallel statement may also share a transaction with other tables' statements: it locks its own table
 * only. An ALTER TABLE without ONLY (a NOT VALID check or NOT NULL) reaches the table's children, which another
 * chunk may hold: two chunks could deadlock. An index build never recurses here (pg_get_indexdef writes `ON ONLY`
 * for a partitioned table).
 */
export function isChunkStatement(entry: Entry): boolean {
  return isParallelStatement(entry) && (INDEX_BUILD.test(entry.statement.sql) || ALTER_ONLY.test(entry.statement.sql));
}

/**
 * A table goes to the parallel part only when its copy moved at least this much: a small table's index builds take
 * milliseconds, and running each on its own (a transaction per table) cost more than it saved (measured on 1,000
 * tables of 10 rows: post-data 3.0 s serial in batches, 11.2 s per table on two sessions). Small tables go to chunks
 * instead (chunkStatements). Measured on 1,000 tables of 10 rows (2,000 statements: four chunks of 500 on two
 * sessions, each chunk one multi-statement string, see executeDdl), on a shared 2-core machine: the bench's post-data
 * 3.5 and 5.0 s chunked against 5.5 and 5.9 s serial in the same batches; driven by hand, the servers' CPU time the
 * same as serial and the wall time lower where a core was free (median 3.2 s against 4.5 s, equal at half load).
 */
export const PARALLEL_MIN_BYTES = 16 * 1_048_576;

/**
 * `chunkStatements`: about how many statements a chunk of small tables holds (a table is never split); 0 keeps
 * small tables in the serial part.
 */
export function splitPostData(items: readonly SqlItem[], copies: readonly CopyItem[], minBytes: number = PARALLEL_MIN_BYTES, chunkStatements = 0): PostDataSplit {
  const entries: Entry[] = items.flatMap((item) => item.op.statements.map((statement) => ({ step: item.step, statement })));
  const bytes = new Map<string, number>();
  for (const c of copies) {
    const key = objectKey('table', c.op.table.schema, c.op.table.name);
    bytes.set(key, (bytes.get(key) ?? 0) + c.op.estimate.bytes);
  }
  const groups = new Map<string, Entry[]>();
  const small = new Map<string, Entry[]>();
  const cut = new Set<string>();
  const serial: Entry[] = [];
  const add = (map: Map<string, Entry[]>, object: string, e: Entry): void => {
    const group = map.get(object);
    if (group === undefined) map.set(object, [e]);
    else group.push(e);
  };
  for (const e of entries) {
    const object = e.statement.object;
    if (!cut.has(object) && isParallelStatement(e) && (bytes.get(object) ?? 0) >= minBytes) add(groups, object, e);
    else if (!cut.has(object) && chunkStatements > 0 && isChunkStatement(e)) add(small, object, e);
    else {
      cut.add(object);
      serial.push(e);
    }
  }
  // Stable sort: equal (or unknown) sizes keep schedule order.
  const parallel = [...groups].map(([object, list], at) => ({ object, entries: list, size: bytes.get(object) ?? 0, at }))
    .sort((a, b) => b.size - a.size || a.at - b.at)
    .map(({ object, entries: list }) => ({ object, entries: list }));
  const chunks: Entry[][] = [];
  let chunk: Entry[] = [];
  for (const list of small.values()) {
    chunk.push(...list);
    if (chunk.length >= chunkStatements) {
      chunks.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return { parallel, chunks, serial };
}

export const SMALL_CHUNK_MIN_STATEMENTS = 50;
export const CHUNKED_STATEMENTS_ALL_SESSIONS = 2 * STATEMENTS_PER_BATCH;

/**
 * Statements of one chunk of small tables for `workers` sessions: about two chunks a session, so a session that
 * finishes early takes another; at least SMALL_CHUNK_MIN_STATEMENTS (fewer is not worth a transaction, or a session);
 * at most CHUNKED_STATEMENTS_ALL_SESSIONS over all sessions together, which bounds the locks held at once as
 * STATEMENTS_PER_BATCH does for one session (each chunk holds its tables' locks until it commits). One worker: 0 (no
 * chunks; the serial part runs them in schedule order, as before).
 */
export function chunkStatementsFor(total: number, workers: number): number {
  if (workers <= 1) return 0;
  const sessions = workers;
  const most = Math.max(SMALL_CHUNK_MIN_STATEMENTS, Math.floor(CHUNKED_STATEMENTS_ALL_SESSIONS / sessions));
  return Math.min(most, Math.max(SMALL_CHUNK_MIN_STATEMENTS, Math.ceil(total / (sessions * 2))));
}

export interface PostDataInput extends SqlStageInput {
  readonly session: ApplySession;
  readonly copies: readonly CopyItem[];
  readonly workers: number;
  /** A further session on the same database (for the parallel workers). */
  readonly open: () => Promise<ApplySession>;
  readonly signal: AbortSignal | undefined;
  /** Tests lower it to run small tables in parallel; default PARALLEL_MIN_BYTES. */
  readonly parallelMinBytes?: number;
}

/**
 * Whether the large table at `order` (0-based, of `large` taken in that order) is built alone: no other large table
 * is being built (`active`) or waits after it. Only then may its builds use parallel workers (maintenanceWorkersSql).
 */
export function largeTableAlone(order: number, large: number, active: number): boolean {
  return active === 0 && order === large - 1;
}

export async function runPostDataStage(input: PostDataInput): Promise<void> {
  const { book, label } = input;
  const total = input.items.reduce((n, item) => n + item.op.statements.length, 0);
  const split = splitPostData(input.items, input.copies, input.parallelMinBytes, chunkStatementsFor(total, input.workers));
  const large = split.parallel.length;
  const units = [
    ...split.parallel.map((g, order) => ({ entries: g.entries, order })),
    ...split.chunks.map((entries) => ({ entries, order: null })),
  ];
  const { run, record } = stageRunner(input, [...units.flatMap((u) => u.entries), ...split.serial]);
  let active = 0;
  const runUnit = async (session: ApplySession, unit: (typeof units)[number]): Promise<void> => {
    if (unit.order === null) {
      // Small tables: each build takes milliseconds; beside the other sessions, no workers.
      await session.buildsAlone(input.workers <= 1);
      await run(session, unit.entries);
      return;
    }
    await session.buildsAlone(input.workers <= 1 || largeTableAlone(unit.order, large, active));
    active += 1;
    try {
      await run(session, unit.entries);
    } finally {
      active -= 1;
    }
  };
  book.checkCancel(label);
  if (units.length > 0) {
    await onSessions(units, input.workers, input.session, input.open, input.signal, runUnit);
    book.checkCancel(label);
  }
  // The rest runs on the main session alone.
  await input.session.buildsAlone(true);
  await run(input.session, split.serial);
  await record();
}
