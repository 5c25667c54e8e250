// One session of the apply engine (the target's maintenance database, one target database, or the source read of
// sequence values), so src/apply never touches the driver. A cancel cuts the socket: the server rolls back the
// open transaction at once, even in the middle of a long CREATE INDEX.
import type pg from 'pg';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient, killClient } from '../copy/close-client.js';
import { importSnapshotSql } from '../copy/copy-sql.js';
import { chunksForServer, readMaxLocks, releaseLocksSql } from '../lock-budget.js';
import { executeDdl, type ExecuteDdlOptions, type ExecuteDdlResult } from '../ddl/execute.js';
import type { DdlStatement } from '../ddl/types.js';
import { analyzeSql, INDEX_BUILD_MEMORY, maintenanceWorkersSql, RAISE_MAINTENANCE_WORK_MEM_SQL, type QualifiedName, readSequencesSql, regclassText, SET_SEQUENCES_SQL, TABLE_OIDS_SQL } from './apply-sql.js';

export interface SequenceValue {
  readonly sequence: QualifiedName;
  /** bigint as text: last_value may exceed 2^53. */
  readonly lastValue: string;
  readonly isCalled: boolean;
}

export interface ApplySession {
  runDdl(statements: readonly DdlStatement[], opts?: ExecuteDdlOptions): Promise<ExecuteDdlResult>;
  /** setval of every sequence, one round trip (one per lock budget's worth of sequences, lock-budget.ts). */
  setSequences(values: readonly SequenceValue[]): Promise<void>;
  /** The oid of each table (null when it does not exist), in the order given; one query. */
  tableOids(tables: readonly QualifiedName[]): Promise<readonly (number | null)[]>;
  /** ANALYZE of these tables in one statement. */
  analyze(tables: readonly QualifiedName[]): Promise<void>;
  /**
   * Whether the next index builds run alone on the server (parallel workers as the server allows) or beside other
   * sessions' builds (none); sends nothing when already so. A new session builds as if alone.
   */
  buildsAlone(alone: boolean): Promise<void>;
  /** Cuts the session now (cancel): the server rolls back what was open; pending queries reject. */
  kill(): void;
  /** Graceful close with a bounded wait; idempotent. */
  close(): Promise<void>;
}

function session(client: pg.Client): ApplySession {
  let closed = false;
  let alone = true;
  return {
    runDdl: (statements, opts) => executeDdl(client, statements, opts),
    async setSequences(values) {
      if (values.length === 0) return;
      // setval locks its sequence until the statement's transaction ends: a statement a chunk (autocommit).
      for (const chunk of await chunksForServer(values, () => readMaxLocks(client))) {
        await client.query(SET_SEQUENCES_SQL, [
          chunk.map((v) => regclassText(v.sequence)), chunk.map((v) => v.lastValue), chunk.map((v) => v.isCalled),
        ]);
      }
    },
    async tableOids(tables) {
      if (tables.length === 0) return [];
      const rows = (await client.query<{ i: number; oid: string | null }>(TABLE_OIDS_SQL, [tables.map(regclassText)])).rows;
      return rows.map((r) => (r.oid === null ? null : Number(r.oid)));
    },
    async analyze(tables) {
      await client.query(analyzeSql(tables));
    },
    async buildsAlone(next) {
      if (next === alone) return;
      await client.query(maintenanceWorkersSql(next));
      alone = next;
    },
    kill() {
      if (closed) return;
      killClient(client);
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeClient(client);
    },
  };
}

/**
 * A target session (side 'target'), on `database` or, without it, the ConnInfo's own (maintenance) database. A
 * database session builds the post-data indexes, so it gets INDEX_BUILD_MEMORY.
 */
export async function openApplySession(ci: ConnInfo, database?: string): Promise<ApplySession> {
  const client = await connect(ci, { side: 'target', ...(database === undefined ? {} : { database }) });
  if (database !== undefined) {
    try {
      await client.query(RAISE_MAINTENANCE_WORK_MEM_SQL, [INDEX_BUILD_MEMORY]);
    } catch (e) {
      await closeClient(client);
      throw e;
    }
  }
  return session(client);
}

/** The savepoint between chunks of sequence reads (lock-budget.ts). */
const SEQUENCES_SAVEPOINT = 'pgrepl_sequences';

/**
 * last_value/is_called of `sequences` read on a source session that imports `snapshotId` (the copy's snapshot),
 * in one query (one per lock budget's worth of sequences). `signal` cuts the session.
 */
export async function readSequenceValues(
  source: ConnInfo, database: string, snapshotId: string, sequences: readonly QualifiedName[], signal?: AbortSignal,
): Promise<readonly SequenceValue[]> {
  if (sequences.length === 0) return [];
  const client = await connect(source, { side: 'source', database });
  const onAbort = (): void => killClient(client);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted === true) throw signal.reason ?? new Error('aborted');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(importSnapshotSql(snapshotId));
    // Reading a sequence locks it until the transaction ends: chunks, each chunk's locks let go (lock-budget.ts).
    const chunks = await chunksForServer(sequences, () => readMaxLocks(client));
    const values: SequenceValue[] = [];
    if (chunks.length > 1) await client.query(releaseLocksSql.begin(SEQUENCES_SAVEPOINT));
    for (const chunk of chunks) {
      const rows = (await client.query<{ i: number; last_value: string; is_called: boolean }>(readSequencesSql(chunk))).rows;
      if (chunks.length > 1) await client.query(releaseLocksSql.release(SEQUENCES_SAVEPOINT));
      values.push(...rows.map((r) => ({ sequence: chunk[r.i] as QualifiedName, lastValue: r.last_value, isCalled: r.is_called })));
    }
    await client.query('ROLLBACK');
    return values;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await closeClient(client);
  }
}
