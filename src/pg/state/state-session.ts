// One session to the database that holds a PostgreSQL-backend state (docs/state.md, "PostgreSQL backend"). The
// backend (src/state/pg-backend.ts) opens two: one for reads and the compare-and-swap writes, and a dedicated one
// that takes the session advisory lock and keeps it for as long as it stays open. Errors name the role, the right
// it lacks and the GRANT that gives it; messages never hold the password (displayName).
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import { connect, PoolerError } from '../connect.js';
import { displayName } from '../conninfo/display.js';
import { sharedBackendEvidence } from '../pooler.js';
import type { ConnInfo } from '../conninfo/types.js';
import { quoteIdent } from '../sql/quote.js';
import {
  createSchemaSql, createTablesSql, DDL_LOCK_SQL, deleteLockRowSql, historySql, HISTORY_TABLE, HOLDS_LOCK_SQL, insertStateSql,
  LOCK_HOLDER_SQL, LOCK_TABLE, PID_HOLDS_LOCK_SQL, putLockRowSql, readLockRowSql, readStateSql, saveHistorySql, STATE_TABLE,
  stateTables, TABLES_EXIST_SQL, TERMINATE_SQL, TRY_LOCK_SQL, trimHistorySql, UNLOCK_SQL, updateStateSql, type StateTables,
} from './state-sql.js';

/** A two-int advisory lock key (both >= 0). */
export type LockKey = readonly [number, number];

export interface StoredState {
  readonly lineage: string;
  readonly serial: number;
  readonly document: string;
}

export interface LockRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly pidNamespace: string | null;
  readonly processStart: unknown;
  readonly processStartedAt: string | null;
  readonly command: string;
  readonly osUser: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly backendPid: number;
  readonly dbRole: string;
}

export type NewLockRow = Omit<LockRow, 'backendPid' | 'dbRole'>;

export type CasOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'lock-lost' }
  | { readonly ok: false; readonly reason: 'conflict'; readonly current: { readonly lineage: string; readonly serial: number } | null };

export interface CasWrite {
  readonly lineage: string;
  readonly serial: number;
  readonly document: string;
  /** The write happens only while backend `lockPid` holds `lockKey` (checked in the write's transaction). */
  readonly lockKey: LockKey;
  readonly lockPid: number;
  /** Previous versions kept. */
  readonly historyKeep: number;
}

interface TablesRow {
  readonly schema_exists: boolean;
  readonly tables: number;
  readonly role: string;
  readonly database: string;
  readonly can_create_schema: boolean;
  readonly can_create_in_schema: boolean | null;
}

export class StateSession {
  private readonly t: StateTables;
  private role: string;

  private constructor(
    private readonly client: pg.Client,
    private readonly ci: ConnInfo,
    private readonly schema: string,
    private readonly name: string,
    readonly backendPid: number,
  ) {
    this.t = stateTables(schema);
    this.role = ci.user;
  }

  static async open(ci: ConnInfo, opts: { readonly schema: string; readonly name: string; readonly env?: NodeJS.ProcessEnv }): Promise<StateSession> {
    let client: pg.Client;
    try {
      client = await connect(ci, { side: 'target', ...(opts.env === undefined ? {} : { env: opts.env }) });
    } catch (e) {
      throw asStateConnectError(e);
    }
    try {
      const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return new StateSession(client, ci, opts.schema, opts.name, r.rows[0]?.pid ?? -1);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw asStateConnectError(e);
    }
  }

  /** `postgres://user@host:port/db` without the password. */
  get server(): string {
    return displayName(this.ci);
  }

  /** Creates the schema and tables when missing (serialised between runs by an advisory transaction lock). */
  async ensureTables(ddlKey: LockKey): Promise<void> {
    const row = await this.tablesRow();
    if (row.tables === 3) return;
    const refusal = this.createRefusal(row);
    if (refusal !== null) throw refusal;
    await this.transaction(async () => {
      await this.query(DDL_LOCK_SQL, [ddlKey[0], ddlKey[1]]);
      if (!row.schema_exists) await this.query(createSchemaSql(this.t));
      for (const sql of createTablesSql(this.t)) await this.query(sql);
    });
  }

  /** Why this role could not create the state tables (null when they exist or it may), for `pgrepl validate`. */
  async cannotCreateTables(): Promise<PgreplError | null> {
    const row = await this.tablesRow();
    return row.tables === 3 ? null : this.createRefusal(row);
  }

  private createRefusal(row: TablesRow): PgreplError | null {
    const grantDb = `GRANT CREATE ON DATABASE ${quoteIdent(row.database)} TO ${quoteIdent(row.role)};`;
    if (!row.schema_exists && !row.can_create_schema) {
      return new PgreplError(
        `role ${row.role} may not create the state schema ${this.schema} in database ${row.database} on ${this.server}: it lacks the CREATE right on the database`,
        { hints: [`grant it: ${grantDb}`, `or create the schema for it: CREATE SCHEMA ${quoteIdent(this.schema)} AUTHORIZATION ${quoteIdent(row.role)};`] },
      );
    }
    if (row.schema_exists && row.can_create_in_schema === false) {
      return new PgreplError(
        `role ${row.role} may not create the state tables in schema ${this.schema} of database ${row.database} on ${this.server}: it lacks the CREATE right on the schema`,
        { hints: [`grant it: GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(this.schema)} TO ${quoteIdent(row.role)};`] },
      );
    }
    return null;
  }

  /** The three tables exist (a read needs no CREATE right: with no tables there is no state yet). */
  async tablesExist(): Promise<boolean> {
    return (await this.tablesRow()).tables === 3;
  }

  /**
   * Evidence of a transaction pooler from two more sessions (../pooler.ts: one session moved to another backend,
   * or a second one handed the first's backend), or null.
   */
  static async poolerEvidence(ci: ConnInfo, env?: NodeJS.ProcessEnv): Promise<string | null> {
    return sharedBackendEvidence(() => connect(ci, { side: 'target', ...(env === undefined ? {} : { env }) }));
  }

  async readState(): Promise<StoredState | null> {
    const r = await this.query<{ lineage: string; serial: string; document: string }>(readStateSql(this.t, false), [this.name]);
    const row = r.rows[0];
    return row === undefined ? null : { lineage: row.lineage, serial: Number(row.serial), document: row.document };
  }

  /** Previous versions, newest first. */
  async history(): Promise<StoredState[]> {
    const r = await this.query<{ lineage: string; serial: string; document: string }>(historySql(this.t), [this.name]);
    return r.rows.map((row) => ({ lineage: row.lineage, serial: Number(row.serial), document: row.document }));
  }

  /** Writes `w.serial` over `w.serial - 1` of the same lineage (or inserts serial 1), keeping the old version. */
  async casWrite(w: CasWrite): Promise<CasOutcome> {
    return this.transaction(async (): Promise<CasOutcome> => {
      const current = (await this.query<{ lineage: string; serial: string }>(readStateSql(this.t, true), [this.name])).rows[0];
      const held = await this.query<{ held: boolean }>(PID_HOLDS_LOCK_SQL, [w.lockKey[0], w.lockKey[1], w.lockPid]);
      if (held.rows[0]?.held !== true) return { ok: false, reason: 'lock-lost' };
      const conflict = (): CasOutcome => ({ ok: false, reason: 'conflict', current: current === undefined ? null : { lineage: current.lineage, serial: Number(current.serial) } });
      const base = w.serial - 1;
      if (current === undefined) {
        if (base !== 0) return conflict();
        const r = await this.query(insertStateSql(this.t), [this.name, w.lineage, w.serial, w.document]);
        return r.rowCount === 1 ? { ok: true } : conflict();
      }
      if (current.lineage !== w.lineage || Number(current.serial) !== base) return conflict();
      await this.query(saveHistorySql(this.t), [this.name]);
      const r = await this.query(updateStateSql(this.t), [this.name, w.lineage, w.serial, w.document, base]);
      if (r.rowCount !== 1) throw new Error('the state row changed under FOR UPDATE'); // rolls back
      await this.query(trimHistorySql(this.t), [this.name, w.historyKeep]);
      return { ok: true };
    });
  }

  async tryLock(key: LockKey): Promise<boolean> {
    const r = await this.query<{ locked: boolean }>(TRY_LOCK_SQL, [key[0], key[1]]);
    return r.rows[0]?.locked === true;
  }

  /** Whether this session holds `key`, asked in a statement of its own. Throws when the connection is gone. */
  async holdsLock(key: LockKey): Promise<{ readonly held: boolean; readonly backendPid: number }> {
    const r = await this.query<{ held: boolean; backend_pid: number }>(HOLDS_LOCK_SQL, [key[0], key[1]]);
    return { held: r.rows[0]?.held === true, backendPid: r.rows[0]?.backend_pid ?? -1 };
  }

  async unlock(key: LockKey): Promise<void> {
    await this.query(UNLOCK_SQL, [key[0], key[1]]);
  }

  /** The backend holding `key`, or null. */
  async lockHolder(key: LockKey): Promise<number | null> {
    const r = await this.query<{ pid: number }>(LOCK_HOLDER_SQL, [key[0], key[1]]);
    return r.rows[0]?.pid ?? null;
  }

  async readLockRow(): Promise<LockRow | null> {
    const r = await this.query<{
      id: string; host: string; pid: number; pid_namespace: string | null; process_start: unknown; process_started_at: string | null;
      command: string; os_user: string; created_at: Date; backend_pid: number; db_role: string;
    }>(readLockRowSql(this.t), [this.name]);
    const row = r.rows[0];
    if (row === undefined) return null;
    return {
      id: row.id, host: row.host, pid: row.pid, pidNamespace: row.pid_namespace, processStart: row.process_start,
      processStartedAt: row.process_started_at, command: row.command, osUser: row.os_user,
      createdAt: new Date(row.created_at).toISOString(), backendPid: row.backend_pid, dbRole: row.db_role,
    };
  }

  /** Writes this session's lock row (backend_pid = this session), replacing a dead holder's. */
  async putLockRow(row: NewLockRow, key: LockKey): Promise<void> {
    await this.query(putLockRowSql(this.t), [
      this.name, row.id, row.host, row.pid, row.pidNamespace, row.processStart === null ? null : JSON.stringify(row.processStart),
      row.processStartedAt, row.command, row.osUser, row.createdAt, key[0], key[1],
    ]);
  }

  async deleteLockRow(id: string): Promise<boolean> {
    const r = await this.query(deleteLockRowSql(this.t), [this.name, id]);
    return r.rowCount === 1;
  }

  /** pg_terminate_backend; a refusal names the right that is missing. */
  async terminate(pid: number, holderRole: string): Promise<boolean> {
    try {
      const r = await this.client.query<{ terminated: boolean }>(TERMINATE_SQL, [pid]);
      return r.rows[0]?.terminated === true;
    } catch (e) {
      if (sqlstate(e) === '42501') {
        throw new PgreplError(
          `role ${this.role} may not end the session (backend pid ${pid}) that holds the state lock on ${this.server}: ${asError(e).message}`,
          { hints: [
            `ending another role's session needs membership in pg_signal_backend (GRANT pg_signal_backend TO ${quoteIdent(this.role)};) or being role ${holderRole}`,
            'the lock row was removed; the holder keeps its advisory lock until its session ends',
          ], cause: e },
        );
      }
      throw this.queryError(e);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  private async tablesRow(): Promise<TablesRow> {
    const r = await this.query<TablesRow>(TABLES_EXIST_SQL, [this.schema, [STATE_TABLE, HISTORY_TABLE, LOCK_TABLE]]);
    const row = r.rows[0];
    if (row === undefined) throw new PgreplError('the state database returned no row for the table check');
    this.role = row.role;
    return row;
  }

  private async transaction<T>(body: () => Promise<T>): Promise<T> {
    await this.query('BEGIN');
    try {
      const result = await body();
      await this.query('COMMIT');
      return result;
    } catch (e) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.client.query<R>(sql, params as unknown[]);
    } catch (e) {
      throw this.queryError(e);
    }
  }

  private queryError(e: unknown): PgreplError {
    if (e instanceof PgreplError) return e;
    const err = asError(e);
    const code = sqlstate(e);
    if (code === '42501') {
      const schema = quoteIdent(this.schema);
      const role = quoteIdent(this.role);
      return new PgreplError(`role ${this.role} may not use the state tables in schema ${this.schema} on ${this.server}: ${err.message}`, {
        hints: [`grant it: GRANT USAGE ON SCHEMA ${schema} TO ${role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role};`],
        cause: e,
      });
    }
    if (code === undefined) {
      return new PgreplError(`lost the connection to the state database ${this.server}: ${err.message}`, { cause: e });
    }
    return new PgreplError(`the state database ${this.server} refused a statement: ${err.message} (SQLSTATE ${code})`, { cause: e });
  }
}

function sqlstate(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** connect() speaks of "the target server"; this connection is the state's. */
function asStateConnectError(e: unknown): PgreplError {
  const err = e instanceof PgreplError ? e : new PgreplError(asError(e).message, { cause: e });
  const message = err.message.replace('the target server', 'the state database server');
  if (err instanceof PoolerError) return new PoolerError(message, err.cause);
  return new PgreplError(message, { hints: err.hints, cause: err.cause ?? err });
}
