// Detects a transaction- or statement-mode connection pooler (PgBouncer, Neon/Supabase pooled URLs) in front of
// a server. Such a pooler hands each transaction to any server connection, which breaks exactly what pgrepl
// relies on: replication connections, a slot's exported snapshot imported from other sessions, session advisory
// locks and session settings. The evidence, cheapest first:
// 1. the pooler refuses or drops the `options` startup parameter (connect() fails or sees default settings);
// 2. a replication connection is refused the way a pooler refuses it;
// 3. one client session runs on different server backends (its backend pid changes while another client holds
//    a transaction), or another client is handed the backend it just used;
// 4. a snapshot exported in one session cannot be imported from a second one.
import type pg from 'pg';
import { PgreplError, asError } from '../util/errors.js';
import { connect, DIRECT_URL_HINT, POOLER_MESSAGE, PoolerError, type Side } from './connect.js';
import { displayName } from './conninfo/display.js';
import type { ConnInfo } from './conninfo/types.js';

export type PoolerDetection =
  | { readonly pooled: false; readonly notes: readonly string[] }
  | { readonly pooled: true; readonly evidence: string; readonly error: PgreplError };

export interface DetectPoolerOptions {
  readonly side?: Side;
  readonly env?: NodeJS.ProcessEnv;
}

/** Opens one session; the probes take it as a parameter so tests can drive them through a raw pooler too. */
export type OpenSession = () => Promise<pg.Client>;

/**
 * Probes `ci` for a pooler. Returns the evidence and a PgreplError asking for the direct URL, or `pooled: false`
 * with notes on probes that could not run (e.g. a role without REPLICATION). A server that cannot be reached
 * at all is not a pooler question: that connection error is thrown.
 */
export async function detectPooler(ci: ConnInfo, opts: DetectPoolerOptions = {}): Promise<PoolerDetection> {
  const side = opts.side ?? 'source';
  const base = { side, ...(opts.env ? { env: opts.env } : {}) };
  const found = (evidence: string): PoolerDetection => ({ pooled: true, evidence, error: poolerError(ci, side, evidence) });
  const open: OpenSession = () => connect(ci, base);
  const notes: string[] = [];

  let first: pg.Client;
  try {
    first = await open();
  } catch (e) {
    if (e instanceof PoolerError) return found(e.message);
    throw e;
  }
  await first.end().catch(() => undefined);

  const replication = await replicationRefusal(() => connect(ci, { ...base, replication: true }));
  if (replication.pooled) return found(replication.message);
  if (replication.message !== '') notes.push(`replication connection not checked: ${replication.message}`);

  const shared = await sharedBackendEvidence(open);
  if (shared !== null) return found(shared);
  const snapshot = await snapshotImportEvidence(open);
  if (snapshot !== null) return found(snapshot);
  return { pooled: false, notes };
}

/** detectPooler(), throwing its PgreplError when a pooler is found. */
export async function assertNoPooler(ci: ConnInfo, opts: DetectPoolerOptions = {}): Promise<void> {
  const detection = await detectPooler(ci, opts);
  if (detection.pooled) throw detection.error;
}

export function poolerError(ci: ConnInfo, side: Side, evidence: string): PgreplError {
  return new PgreplError(
    `the ${side} URL ${displayName(ci)} points at a connection pooler, not at PostgreSQL itself: ${evidence}`,
    {
      hints: [
        'pgrepl needs a direct connection: replication connections, exported snapshots and session locks do not ' +
          'survive transaction pooling (PgBouncer, Neon and Supabase pooled URLs)',
        DIRECT_URL_HINT,
      ],
    },
  );
}

/**
 * Opens a replication connection and runs IDENTIFY_SYSTEM. `pooled` when refused like a pooler refuses it;
 * otherwise `message` says why it could not be checked (privileges are validate's business, not evidence).
 */
export async function replicationRefusal(open: OpenSession): Promise<{ readonly pooled: boolean; readonly message: string }> {
  let client: pg.Client | undefined;
  try {
    client = await open();
    await client.query('IDENTIFY_SYSTEM');
    return { pooled: false, message: '' };
  } catch (e) {
    const message = e instanceof PgreplError && e.cause !== undefined ? asError(e.cause).message : asError(e).message;
    if (e instanceof PoolerError || POOLER_MESSAGE.test(message)) {
      return { pooled: true, message: `a replication connection was refused: ${message}` };
    }
    return { pooled: false, message };
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/**
 * Evidence that sessions share server backends: A runs a statement, B opens a transaction (holding a backend),
 * A runs another. Directly, A keeps its backend and B has its own; a transaction pooler gives B the backend A
 * just released, or moves A to another one.
 */
export async function sharedBackendEvidence(open: OpenSession): Promise<string | null> {
  const a = await open();
  let b: pg.Client | undefined;
  try {
    const pidA1 = await backendPid(a);
    b = await open();
    await b.query('BEGIN');
    const pidB = await backendPid(b);
    const pidA2 = await backendPid(a);
    await b.query('ROLLBACK');
    if (pidB === pidA1) return `a second session was handed the server backend (pid ${pidA1}) the first had just used`;
    if (pidA2 !== pidA1) return `one session ran on two server backends (pid ${pidA1}, then ${pidA2})`;
    return null;
  } finally {
    await b?.end().catch(() => undefined);
    await a.end().catch(() => undefined);
  }
}

/** Evidence that a snapshot exported by one session cannot be imported by another (what a slot's copy needs). */
export async function snapshotImportEvidence(open: OpenSession): Promise<string | null> {
  const a = await open();
  let b: pg.Client | undefined;
  try {
    let snapshot: string;
    try {
      await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const r = await a.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      snapshot = r.rows[0]?.snapshot ?? '';
    } catch (e) {
      const message = asError(e).message;
      // Not being able to export at all (a standby) says nothing about pooling, unless a pooler says so.
      return POOLER_MESSAGE.test(message) ? `a snapshot could not be exported: ${message}` : null;
    }
    b = await open();
    try {
      await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await b.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
      return null;
    } catch (e) {
      return `a snapshot exported by one session could not be imported by another: ${asError(e).message}`;
    } finally {
      await b.query('ROLLBACK').catch(() => undefined);
    }
  } finally {
    await a.query('ROLLBACK').catch(() => undefined);
    await b?.end().catch(() => undefined);
    await a.end().catch(() => undefined);
  }
}

async function backendPid(client: pg.Client): Promise<number> {
  const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return r.rows[0]?.pid ?? -1;
}
