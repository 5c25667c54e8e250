// The PostgreSQL state backend (`state: { backend: postgres, url, schema, name }`, docs/state.md): the state is a
// row of `<schema>.state`, previous versions go to `<schema>.state_history` (the newest HISTORY_KEEP kept), and
// the lock is a session-level advisory lock keyed per state name, held on a dedicated direct connection for as
// long as the command runs, with a row in `<schema>.state_lock` naming the holder. So plan/apply runs from
// different CI machines share one state safely:
// - the server frees the advisory lock when the holder's connection ends (crash, SIGKILL, a lost machine), so a
//   dead holder never blocks anyone; its row is then stale and replaced with a takeover notice;
// - before every write the lock connection must still be alive and hold the lock (a write on another session also
//   checks, in its transaction, that the lock connection holds it), else the write fails and apply stops;
// - writes compare-and-swap on serial and lineage, like the local file.
// A transaction-mode pooler would make the session lock meaningless: such a URL is refused (pooler-url.ts and the
// live probes). The URL's password never reaches the state, the lock row or a message.
import type { StateStore } from '../apply/types.js';
import { parseConnString, type ConnInfo } from '../pg/conninfo/index.js';
import { PoolerError } from '../pg/connect.js';
import { displayName } from '../pg/conninfo/display.js';
import { poolerUrlEvidence } from '../pg/state/pooler-url.js';
import { StateSession, type LockRow } from '../pg/state/state-session.js';
import { PgreplError } from '../util/errors.js';
import { assertNoSecrets } from './assert-no-secrets.js';
import type { BackendLockOptions, HeldStateLock, StateBackend } from './backend.js';
import { describeLockHolder, LOCK_FORMAT_VERSION, type LockInfo } from './lock-info.js';
import { LOCK_POLL_INTERVAL_MS, ourLockInfo } from './lock.js';
import { parseState } from './parse-state.js';
import { stateDdlKey, stateLockKey } from './pg-lock-key.js';
import type { ProcessStart } from './process-identity.js';
import { serializeState } from './serialize-state.js';
import type { StateDocument } from './state-document.js';

/** Previous versions kept per state name (the local backend keeps one `.backup`). */
export const HISTORY_KEEP = 10;
/**
 * The idle lock connection asks the server something this often while a long copy runs: NAT gateways and cloud
 * load balancers drop TCP flows idle for minutes, which would end the lock silently mid-apply.
 */
const LOCK_HEARTBEAT_MS = 30_000;

export interface PostgresStateConfig {
  readonly url: string;
  readonly schema: string;
  readonly name: string;
}

export interface PostgresBackendOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** How often a waiting run tries the lock again (tests shorten it). */
  readonly pollIntervalMs?: number;
}

/** Parses the URL (refusing a pooled one) and opens nothing yet: every call opens the sessions it needs. */
export function postgresStateBackend(config: PostgresStateConfig, options: PostgresBackendOptions = {}): StateBackend {
  const env = options.env ?? process.env;
  const early = poolerUrlEvidence(config.url, null);
  if (early !== null) throw poolerRefusal(config, null, early);
  const ci = parseConnString(config.url, { env, defaultDatabase: 'postgres' });
  const evidence = poolerUrlEvidence(config.url, ci);
  if (evidence !== null) throw poolerRefusal(config, ci, evidence);
  return new PostgresStateBackend(config, ci, env, options.pollIntervalMs ?? LOCK_POLL_INTERVAL_MS);
}

function poolerRefusal(config: PostgresStateConfig, ci: ConnInfo | null, evidence: string): PgreplError {
  const where = ci === null ? `state "${config.name}"` : `state "${config.name}" in ${displayName(ci)}`;
  return new PoolerError(
    `the state URL of ${where} points at a transaction-mode connection pooler (${evidence}): ` +
      'the state lock is a session advisory lock, which a pooler would hand to another client',
  );
}

class PostgresStateBackend implements StateBackend {
  readonly description: string;
  private readonly key: readonly [number, number];

  constructor(
    private readonly config: PostgresStateConfig,
    private readonly ci: ConnInfo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly pollIntervalMs: number,
  ) {
    this.description = `postgres state "${config.name}" in ${displayName(ci)} schema ${config.schema}`;
    this.key = stateLockKey(config.schema, config.name);
  }

  async writeRefusal(): Promise<PgreplError | null> {
    return this.withSession((s) => s.cannotCreateTables());
  }

  async read(): Promise<StateDocument | null> {
    return this.withSession(async (s) => {
      if (!(await s.tablesExist())) return null;
      return parseStored(await s.readState(), this.description);
    });
  }

  async lock(options: BackendLockOptions): Promise<HeldStateLock> {
    const timeoutMs = options.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new RangeError(`lock timeout must be a finite number of ms from 0, not ${timeoutMs}`);
    const deadline = Date.now() + timeoutMs;
    const lockSession = await this.open();
    let writeSession: StateSession | null = null;
    try {
      await lockSession.ensureTables(stateDdlKey(this.config.schema));
      let waitingFor: string | null = null;
      for (;;) {
        if (await lockSession.tryLock(this.key)) break;
        const holder = await this.holder(lockSession);
        const message = holder.info === null
          ? `state ${this.description} is locked by a session (backend pid ${holder.backendPid ?? 'unknown'}) that has not written its lock row yet`
          : `state ${this.description} is locked by ${describeLockHolder(holder.info)}; wait for it, or run \`pgrepl force-unlock ${holder.info.id}\` if you are sure it is gone`;
        const remainingMs = deadline - Date.now();
        if (remainingMs <= 0) {
          throw new PgreplError(message, {
            hints: [
              ...(holder.row === null ? [] : [`held by user ${holder.row.osUser} (database role ${holder.row.dbRole}, backend pid ${holder.row.backendPid}); lock row in ${this.config.schema}.state_lock`]),
              ...(timeoutMs > 0 ? [`waited ${formatDuration(timeoutMs)} (--lock-timeout)`] : ['--lock-timeout <duration> waits for it']),
            ],
          });
        }
        const waitKey = holder.info?.id ?? `pid ${holder.backendPid ?? ''}`;
        if (waitingFor !== waitKey) {
          waitingFor = waitKey;
          options.onWait?.(holder.info, message);
        }
        await sleep(Math.min(this.pollIntervalMs, remainingMs));
      }
      // Asked in a statement of its own: behind a transaction pooler the next statement may run elsewhere.
      const check = await lockSession.holdsLock(this.key);
      if (!check.held || check.backendPid !== lockSession.backendPid) {
        throw poolerRefusal(this.config, this.ci, 'the advisory lock just taken was not held by the session on its next statement');
      }
      const pooled = await StateSession.poolerEvidence(this.ci, this.env);
      if (pooled !== null) throw poolerRefusal(this.config, this.ci, pooled);

      const previous = await lockSession.readLockRow();
      const info = ourLockInfo(options.command);
      await lockSession.putLockRow(
        { id: info.id, host: info.host, pid: info.pid, pidNamespace: info.pid_namespace, processStart: info.process_start, processStartedAt: info.process_started_at, command: info.command, osUser: info.user, createdAt: info.created_at },
        this.key,
      );
      // We hold the advisory lock, so whoever wrote a row left behind no longer does: its session ended.
      const takenOverFrom = previous === null ? null : toLockInfo(previous);
      if (takenOverFrom !== null && previous !== null) {
        options.onTakeover?.(takenOverFrom, `took over the lock of ${describeLockHolder(takenOverFrom)}: its database session (backend pid ${previous.backendPid}) has ended, so the server released its advisory lock`);
      }
      writeSession = await this.open();
      return this.held(info, takenOverFrom, lockSession, writeSession);
    } catch (e) {
      await writeSession?.close();
      await lockSession.close();
      throw e;
    }
  }

  async readLock(): Promise<LockInfo | null> {
    return this.withSession(async (s) => {
      if (!(await s.tablesExist())) return null;
      return (await this.holder(s)).info;
    });
  }

  async forceUnlock(id: string): Promise<LockInfo> {
    return this.withSession(async (s) => {
      const row = (await s.tablesExist()) ? await s.readLockRow() : null;
      if (row === null) throw new PgreplError(`state ${this.description} is not locked`);
      const info = toLockInfo(row);
      if (row.id !== id) {
        throw new PgreplError(`the lock on ${this.description} has id ${row.id}, not ${id}: not removed`, {
          hints: [`it is held by ${describeLockHolder(info)}; a new run may have taken it since you looked`],
        });
      }
      if (!(await s.deleteLockRow(id))) throw new PgreplError(`the lock on ${this.description} changed while it was being removed: not removed`);
      // The advisory lock goes only with its session: end that session when it is the row's.
      const holderPid = await s.lockHolder(this.key);
      if (holderPid !== null && holderPid === row.backendPid) await s.terminate(holderPid, row.dbRole);
      return info;
    });
  }

  async close(): Promise<void> {
    // Every call closes the sessions it opened; a held lock closes its own on release.
  }

  private held(info: LockInfo, takenOverFrom: LockInfo | null, lockSession: StateSession, writeSession: StateSession): HeldStateLock {
    let released = false;
    // A failed beat is not reported here: the check before the next write does that, and apply stops there.
    const heartbeat = setInterval(() => void lockSession.holdsLock(this.key).catch(() => undefined), LOCK_HEARTBEAT_MS);
    heartbeat.unref();
    const description = this.description;
    const key = this.key;
    const statePassword = this.ci.password;
    const lost = (why: string, cause?: unknown): PgreplError =>
      new PgreplError(`the state lock on ${description} is no longer held (${why}): stopping before writing the state`, {
        hints: ['another run may hold the lock now; run the command again, it resumes from the last state written'],
        ...(cause === undefined ? {} : { cause }),
      });
    return {
      info,
      takenOverFrom,
      store: (storeOptions = {}): StateStore => ({
        description,
        read: async () => parseStored(await writeSession.readState(), description),
        write: async (next: StateDocument): Promise<StateDocument> => {
          const secrets = [...(storeOptions.secrets ?? []), ...(statePassword === undefined ? [] : [statePassword])];
          assertNoSecrets(next, secrets);
          const text = serializeState(next);
          const written = parseState(text, description);
          if (released) throw lost('it was released');
          let check: { readonly held: boolean; readonly backendPid: number };
          try {
            check = await lockSession.holdsLock(key);
          } catch (e) {
            throw lost(`its connection is gone: ${e instanceof Error ? e.message : String(e)}`, e);
          }
          if (!check.held) throw lost('its session no longer holds the advisory lock');
          const outcome = await writeSession.casWrite({
            lineage: next.lineage, serial: next.serial, document: text, lockKey: key, lockPid: lockSession.backendPid, historyKeep: HISTORY_KEEP,
          });
          if (outcome.ok) return written;
          if (outcome.reason === 'lock-lost') throw lost('its session ended while the state was being written');
          throw casError(description, outcome.current, next);
        },
      }),
      release: async (): Promise<void> => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        try {
          await lockSession.deleteLockRow(info.id);
          await lockSession.unlock(key);
        } catch {
          // The connection is gone: so is the advisory lock; the row left behind is stale and replaced by the next run.
        }
        await writeSession.close();
        await lockSession.close();
      },
      // The advisory lock ends with the process's connection; nothing can be done synchronously.
      releaseSync: (): void => undefined,
    };
  }

  /** Who holds the lock: the lock row when its backend holds the advisory lock (a row without one is stale). */
  private async holder(s: StateSession): Promise<{ readonly info: LockInfo | null; readonly row: LockRow | null; readonly backendPid: number | null }> {
    const backendPid = await s.lockHolder(this.key);
    if (backendPid === null) return { info: null, row: null, backendPid };
    const row = await s.readLockRow();
    if (row === null || row.backendPid !== backendPid) return { info: null, row: null, backendPid };
    return { info: toLockInfo(row), row, backendPid };
  }

  private open(): Promise<StateSession> {
    return StateSession.open(this.ci, { schema: this.config.schema, name: this.config.name, env: this.env });
  }

  private async withSession<T>(body: (s: StateSession) => Promise<T>): Promise<T> {
    const s = await this.open();
    try {
      return await body(s);
    } finally {
      await s.close();
    }
  }
}

function parseStored(stored: { readonly document: string } | null, description: string): StateDocument | null {
  return stored === null ? null : parseState(stored.document, description);
}

function casError(description: string, current: { readonly lineage: string; readonly serial: number } | null, next: StateDocument): PgreplError {
  const base = next.serial - 1;
  if (current === null) {
    return new PgreplError(`${description} does not exist, but this write is based on serial ${base}: another process removed it`, {
      hints: [`earlier versions are kept in the state_history table`],
    });
  }
  if (current.lineage !== next.lineage) {
    return new PgreplError(`${description} belongs to another state (lineage ${current.lineage}); this write is for lineage ${next.lineage}`, {
      hints: ['another process replaced the state; it was not overwritten'],
    });
  }
  return new PgreplError(`${description} is at serial ${current.serial}, but this write is based on serial ${base}: another process changed the state`, {
    hints: ['the state was not overwritten; run the command again so it starts from the current state'],
  });
}

function toLockInfo(row: LockRow): LockInfo {
  return {
    version: LOCK_FORMAT_VERSION,
    id: row.id,
    host: row.host,
    pid: row.pid,
    pid_namespace: row.pidNamespace,
    process_start: isProcessStart(row.processStart) ? row.processStart : null,
    process_started_at: row.processStartedAt,
    command: row.command,
    user: row.osUser,
    created_at: row.createdAt,
  };
}

function isProcessStart(v: unknown): v is ProcessStart {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Readonly<Record<string, unknown>>;
  return typeof r['boot_id'] === 'string' && Number.isSafeInteger(r['start_ticks']);
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
