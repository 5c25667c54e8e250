// The logical slot whose exported snapshot the copy reads (facts file, "A copy that meets the stream"). Creation
// waits for every transaction that holds an xid at that moment; while it waits, a second session reports those
// transactions, and after the timeout (or on abort) the creating backend is cancelled, no slot is left behind and
// the error names the blockers. The replication connection then stays open and idle until release(): the snapshot
// dies with it.
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient, killClient } from '../copy/close-client.js';
import { checkReplicationName } from './names.js';
import {
  BACKEND_PID_SQL, CANCEL_BACKEND_SQL, createSlotCommand, DROP_SLOT_SQL, FAILOVER_SLOT_MIN_VERSION_NUM, READ_WRITE_SQL, SLOT_BLOCKERS_SQL, SLOT_SESSION_TIMEOUTS_SQL,
  SLOT_STATE_SQL, TERMINATE_BACKEND_SQL, type SlotBlockerRow, type SlotSessionRow, type SlotStateRow,
} from './slot-sql.js';

export const DEFAULT_SLOT_TIMEOUT_MS = 300_000;
export const DEFAULT_DROP_WAIT_MS = 10_000;
const POLL_MS = 1_000;
const DROP_POLL_MS = 200;
/** After pg_cancel_backend, how long the creating command gets to fail before its socket is cut. */
const CANCEL_GRACE_MS = 5_000;
/** After pg_terminate_backend, how long a walsender gets to release its slot. */
const TERMINATE_GRACE_MS = 5_000;
const QUERY_SHOWN_CHARS = 80;

/** A transaction slot creation waits behind. */
export interface SlotBlocker {
  /** null for a prepared transaction (it has no session). */
  readonly pid: number | null;
  readonly user: string | null;
  readonly application: string | null;
  readonly database: string | null;
  /** pg_stat_activity.state, or `prepared`. */
  readonly state: string | null;
  /** How long its transaction has been open. */
  readonly xactAgeSeconds: number | null;
  /** The session's current or last statement, at most 80 characters; null when hidden or prepared. */
  readonly query: string | null;
  /** The prepared transaction's name. */
  readonly preparedGid: string | null;
  /** The source role may not see this session's state, age and statement (it lacks pg_read_all_stats). */
  readonly detailsHidden: boolean;
}

/** What pg_stat_activity shows a role without pg_read_all_stats instead of another role's statement. */
const HIDDEN_QUERY = '<insufficient privilege>';

export interface SlotHolder {
  readonly slot: string;
  /** The exported snapshot (for SET TRANSACTION SNAPSHOT); null without exportSnapshot. */
  readonly snapshotId: string | null;
  /** The LSN from which the slot decodes: changes committed after it are streamed, the rest is in the snapshot. */
  readonly consistentPoint: string;
  /** Closes the replication connection (the snapshot ends; the slot stays). Idempotent. */
  release(): Promise<void>;
}

export interface CreateSlotOptions {
  readonly exportSnapshot: boolean;
  /**
   * A failover slot (source 17+; the subscription's `failover` option). It must be set here: a subscription made
   * with create_slot = false does not change the slot's failover flag (seen on 17).
   */
  readonly failover?: boolean;
  readonly timeoutMs?: number;
  /** Called about every second while creation waits, with the transactions it waits behind. */
  readonly onWaiting?: (blockers: readonly SlotBlocker[]) => void;
  readonly signal?: AbortSignal;
}

interface CreateSlotRow {
  readonly slot_name: string;
  readonly consistent_point: string;
  readonly snapshot_name: string | null;
}

type Outcome = { readonly ok: true; readonly row: CreateSlotRow } | { readonly ok: false; readonly error: unknown };

export async function createReplicationSlot(source: ConnInfo, database: string, slot: string, opts: CreateSlotOptions): Promise<SlotHolder> {
  checkReplicationName('slot', slot);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SLOT_TIMEOUT_MS;
  throwIfAborted(opts.signal, slot);
  const repl = await connect(source, { side: 'source', database, replication: true });
  let monitor: pg.Client | undefined;
  let holding = false;
  let replClosed = false;
  try {
    const session = await checkSlotSession(repl);
    const replPid = session.pid;
    if (opts.failover === true && session.server_version_num < FAILOVER_SLOT_MIN_VERSION_NUM) {
      throw new PgreplError(`replication slot ${slot}: failover slots need a PostgreSQL 17+ source`);
    }
    monitor = await connect(source, { side: 'source', database });
    const monitorPid = (await monitor.query<{ pid: number }>(BACKEND_PID_SQL)).rows[0]?.pid ?? 0;
    throwIfAborted(opts.signal, slot);

    let outcome: Outcome | undefined;
    // Simple query protocol: a query without parameters. The promise never rejects (the outcome holds the error).
    const creating = repl.query<CreateSlotRow>(createSlotCommand(slot, opts.exportSnapshot, opts.failover === true)).then(
      (r): Outcome => (outcome = { ok: true, row: r.rows[0] as CreateSlotRow }),
      (e: unknown): Outcome => (outcome = { ok: false, error: e }),
    );
    const started = Date.now();
    let blockers: readonly SlotBlocker[] = [];
    let stop: 'timeout' | 'abort' | 'error' | undefined;
    let failure: unknown;
    try {
      while (outcome === undefined) {
        const left = timeoutMs - (Date.now() - started);
        await Promise.race([creating, sleep(Math.max(0, Math.min(POLL_MS, left)), opts.signal)]);
        if (outcome !== undefined) break;
        if (opts.signal?.aborted === true) {
          stop = 'abort';
          break;
        }
        blockers = await readBlockers(monitor, [replPid, monitorPid], replPid);
        if (outcome !== undefined) break;
        if (blockers.length > 0) opts.onWaiting?.(blockers);
        if (Date.now() - started >= timeoutMs) {
          stop = 'timeout';
          break;
        }
      }
    } catch (e) {
      // The monitor session failed, or onWaiting threw: never leave the command waiting, it would make the slot later.
      stop = 'error';
      failure = e;
    }

    const done = outcome;
    const unusable = done?.ok === true && opts.exportSnapshot && !done.row.snapshot_name;
    if (stop !== undefined || unusable) {
      const waitedMs = Date.now() - started;
      await stopCreation(monitor, repl, replPid, creating);
      await closeClient(repl);
      replClosed = true;
      // The slot is persisted only when creation completes, but creation may have won the race with the cancel.
      await dropSlotWith(monitor, slot, DEFAULT_DROP_WAIT_MS).catch(() => dropReplicationSlot(source, slot, { database }));
      if (unusable) throw new PgreplError(`CREATE_REPLICATION_SLOT ${slot} returned no snapshot name`);
      if (stop === 'abort') throw new PgreplError(`creating replication slot ${slot} was cancelled`, { cause: opts.signal?.reason });
      if (stop === 'error') throw failure;
      throw timeoutError(slot, waitedMs, blockers);
    }

    if (done === undefined || !done.ok) throw createError(slot, done?.error);
    const row = done.row;
    holding = true;
    let released = false;
    return {
      slot,
      snapshotId: opts.exportSnapshot ? row.snapshot_name : null,
      consistentPoint: row.consistent_point,
      async release() {
        if (released) return;
        released = true;
        await closeClient(repl);
      },
    };
  } finally {
    if (!holding && !replClosed) await closeClient(repl);
    if (monitor !== undefined) await closeClient(monitor);
  }
}

/** The connection's pid and server version; refuses a session whose timeouts would end the idle connection (and the snapshot). */
async function checkSlotSession(repl: pg.Client): Promise<SlotSessionRow> {
  const row = (await repl.query<SlotSessionRow>(SLOT_SESSION_TIMEOUTS_SQL)).rows[0];
  if (row === undefined) throw new PgreplError('the replication connection returned no session settings');
  const set = (['statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout'] as const)
    .filter((k) => row[k] !== null && row[k] !== '0');
  if (set.length > 0) {
    throw new PgreplError(
      `the replication connection runs with ${set.map((k) => `${k} = ${String(row[k])}`).join(', ')}, which would end the slot's snapshot mid-copy`,
      { hints: ['a connection pooler or a role setting may override the startup options: connect directly to PostgreSQL'] },
    );
  }
  return row;
}

async function readBlockers(monitor: pg.Client, ownPids: readonly number[], replPid: number): Promise<readonly SlotBlocker[]> {
  const rows = (await monitor.query<SlotBlockerRow>(SLOT_BLOCKERS_SQL, [ownPids, replPid])).rows;
  return rows.map((r) => ({
    pid: r.pid,
    user: r.usename,
    application: r.application_name,
    database: r.datname,
    state: r.state,
    xactAgeSeconds: r.xact_age_s,
    query: r.query === null || r.query === HIDDEN_QUERY ? null : shorten(r.query),
    preparedGid: r.gid,
    detailsHidden: r.query === HIDDEN_QUERY,
  }));
}

function shorten(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length <= QUERY_SHOWN_CHARS ? flat : `${flat.slice(0, QUERY_SHOWN_CHARS - 1)}…`;
}

/** Cancel the waiting command; if it does not fail soon, cut its socket and terminate the backend. */
async function stopCreation(monitor: pg.Client, repl: pg.Client, replPid: number, creating: Promise<Outcome>): Promise<void> {
  await monitor.query(CANCEL_BACKEND_SQL, [replPid]).catch(() => undefined);
  if (await settlesWithin(creating, CANCEL_GRACE_MS)) return;
  killClient(repl);
  await monitor.query(TERMINATE_BACKEND_SQL, [replPid]).catch(() => undefined);
  await settlesWithin(creating, CANCEL_GRACE_MS);
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([p.then(() => true, () => true), timedOut]);
  if (timer !== undefined) clearTimeout(timer);
  return settled;
}

function describeBlocker(b: SlotBlocker): string {
  const age = b.xactAgeSeconds === null ? '' : ` open ${Math.round(b.xactAgeSeconds)} s`;
  if (b.preparedGid !== null) {
    return `prepared transaction ${JSON.stringify(b.preparedGid)} (${b.user ?? '?'}, database ${b.database ?? '?'})${age}: COMMIT PREPARED or ROLLBACK PREPARED it`;
  }
  const who = [b.application || null, b.user].filter((x) => x !== null).join(', ');
  return `pid ${String(b.pid)} (${who})${age}${b.query === null ? '' : `: ${b.query}`}`;
}

function timeoutError(slot: string, waitedMs: number, blockers: readonly SlotBlocker[]): PgreplError {
  const waited = `${Math.round(waitedMs / 1000)} s`;
  if (blockers.length === 0) {
    return new PgreplError(`creating replication slot ${slot} did not finish within ${waited}; no transaction was seen holding it up`, {
      hints: ['raise --slot-timeout, or look at pg_stat_activity on the source'],
    });
  }
  const n = blockers.length === 1 ? '1 transaction' : `${blockers.length} transactions`;
  return new PgreplError(
    `slot creation waited ${waited} behind ${n}: ${blockers.map(describeBlocker).join('; ')}; end or commit it, or raise --slot-timeout`,
    {
      hints: [
        'a logical slot can only start once every transaction that was writing when it was requested has ended',
        ...(blockers.some((b) => b.detailsHidden) ? ['grant pg_read_all_stats to the source role to see what the other sessions run'] : []),
      ],
    },
  );
}

function createError(slot: string, e: unknown): PgreplError {
  const err = asError(e);
  const code = (err as { code?: unknown }).code;
  const hints: string[] = [];
  if (code === '42710') hints.push(`a slot named ${slot} already exists on the source: drop it if pgrepl left it (pg_drop_replication_slot), or choose another name`);
  if (code === '53400') hints.push('the source has no free replication slot or WAL sender: raise max_replication_slots / max_wal_senders, or drop unused slots');
  if (code === '55000' && /wal_level/.test(err.message)) hints.push('set wal_level = logical on the source and restart it');
  if (code === '42501') hints.push('the source role needs the REPLICATION attribute');
  return new PgreplError(`could not create replication slot ${slot}: ${err.message}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`, { hints, cause: e });
}

export interface DropSlotOptions {
  /** How long an active slot's walsender gets to go by itself before it is terminated. */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
  /** The database to connect to; default the ConnInfo's own (a logical slot can be dropped from any database). */
  readonly database?: string;
}

export async function dropReplicationSlot(source: ConnInfo, slot: string, opts: DropSlotOptions = {}): Promise<'dropped' | 'absent'> {
  checkReplicationName('slot', slot);
  throwIfAborted(opts.signal, slot);
  const client = await connect(source, { side: 'source', ...(opts.database === undefined ? {} : { database: opts.database }) });
  const onAbort = (): void => killClient(client);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await dropSlotWith(client, slot, opts.waitMs ?? DEFAULT_DROP_WAIT_MS, opts.signal);
  } catch (e) {
    if (opts.signal?.aborted === true) throw new PgreplError(`dropping replication slot ${slot} was cancelled`, { cause: e });
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await closeClient(client);
  }
}

/** Waits up to `waitMs` for an active slot to be let go, then terminates its walsender; 'absent' if there is none. */
async function dropSlotWith(client: pg.Client, slot: string, waitMs: number, signal?: AbortSignal): Promise<'dropped' | 'absent'> {
  await client.query(READ_WRITE_SQL);
  let deadline = Date.now() + waitMs;
  let terminated = false;
  for (;;) {
    const state = (await client.query<SlotStateRow>(SLOT_STATE_SQL, [slot])).rows[0];
    if (state === undefined) return 'absent';
    if (!state.active) {
      try {
        await client.query(DROP_SLOT_SQL, [slot]);
        return 'dropped';
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === '42704') return 'absent'; // dropped by someone else meanwhile
        if (code !== '55006') throw dropError(slot, e); // 55006: it became active again; wait like below
      }
    } else if (Date.now() >= deadline) {
      if (terminated || state.active_pid === null) {
        throw new PgreplError(`replication slot ${slot} is still in use by pid ${String(state.active_pid)} and could not be dropped`, {
          hints: ['a subscription or another client is still reading it: drop or detach that subscription first'],
        });
      }
      try {
        await client.query(TERMINATE_BACKEND_SQL, [state.active_pid]);
      } catch (e) {
        throw dropError(slot, e, `terminating its walsender (pid ${state.active_pid}) failed`);
      }
      terminated = true;
      deadline = Date.now() + TERMINATE_GRACE_MS;
    }
    await sleep(DROP_POLL_MS, signal);
    throwIfAborted(signal, slot);
  }
}

function dropError(slot: string, e: unknown, what?: string): PgreplError {
  const err = asError(e);
  const code = (err as { code?: unknown }).code;
  return new PgreplError(
    `could not drop replication slot ${slot}: ${what === undefined ? '' : `${what}: `}${err.message}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`,
    { cause: e, hints: code === '42501' ? ['the source role needs REPLICATION, and pg_signal_backend (or the same role) to end another session'] : [] },
  );
}

function throwIfAborted(signal: AbortSignal | undefined, slot: string): void {
  if (signal?.aborted === true) throw new PgreplError(`replication slot ${slot}: cancelled`, { cause: signal.reason });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
