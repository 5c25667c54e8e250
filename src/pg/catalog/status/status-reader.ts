// The I/O of `pgrepl status`: reads what src/status decides to look at, through sessions it keeps open between
// reads (--watch reads every few seconds; a new session per read would be most of the cost). Only catalog and
// statistics SELECTs: source sessions are READ ONLY (connect()), target sessions never write either.
//
// Cluster-wide facts (slots, walsenders, the current LSN) are read on any source session; a publication in its
// own source database; a subscription's tables in its target database (pg_subscription_rel is per database).
import type pg from 'pg';
import type { DatabaseObservation, PendingDeleteObservation, PendingDeleteRef, StatusTarget } from '../../../status/types.js';
import { PgreplError, asError } from '../../../util/errors.js';
import { connect, type Side } from '../../connect.js';
import { displayName } from '../../conninfo/display.js';
import type { ConnInfo } from '../../conninfo/types.js';
import {
  PUBLICATION_SQL,
  PUBLICATION_TABLES_SQL,
  SOURCE_DATABASES_SQL,
  STATS_SQL,
  STREAMS_SQL,
  SUBSCRIPTION_RELS_SQL,
  SUBSCRIPTION_SQL,
  SUBSCRIPTION_STATS_MIN_VERSION_NUM,
  VERSION_SQL,
  WORKERS_SQL,
  parsePublication,
  parseRels,
  parseSlot,
  parseStats,
  parseStream,
  parseWorkers,
  slotsSql,
  type DatabaseNameRow,
  type PublicationRow,
  type RelRow,
  type SlotRow,
  type StatsRow,
  type StreamRow,
  type SubscriptionRow,
  type TableNameRow,
  type VersionRow,
  type WorkerRow,
} from './status-queries.js';

const INVALID_CATALOG_NAME = '3D000';

interface Session {
  readonly client: pg.Client;
  readonly versionNum: number;
}

/** A database that does not exist: reported as such (the subscription or publication in it cannot exist). */
class MissingDatabase {
  constructor(readonly database: string) {}
}

function sqlstateOf(e: unknown): string | undefined {
  let err: unknown = e;
  for (let depth = 0; depth < 3 && err instanceof Error; depth += 1) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    err = err.cause;
  }
  return undefined;
}

export interface StatusReaderOptions {
  readonly env: NodeJS.ProcessEnv;
  /**
   * Keep each database's sessions open after reading it (--watch reads them again in a few seconds). Off, a
   * database's sessions end once it is read, so a spec with many databases never holds two sessions per database
   * on the servers at once.
   */
  readonly keepSessions?: boolean;
}

export class StatusReader {
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(
    private readonly source: ConnInfo,
    private readonly target: ConnInfo,
    private readonly options: StatusReaderOptions,
  ) {}

  /** The source's connectable, non-template databases (for include/exclude_databases). */
  async sourceDatabases(): Promise<string[]> {
    const s = await this.anySource();
    return this.run('source', null, async () => (await s.client.query<DatabaseNameRow>(SOURCE_DATABASES_SQL)).rows.map((r) => r.datname));
  }

  async readDatabase(t: StatusTarget): Promise<DatabaseObservation> {
    const [sourceSide, targetSide] = await Promise.all([this.readSourceSide(t), this.readTargetSide(t)]);
    if (this.options.keepSessions !== true) {
      await this.end('source', t.publication?.database);
      await this.end('target', t.subscription?.database);
    }
    return { ...sourceSide, ...targetSide };
  }

  /** Ends one database's session, if open. */
  private async end(side: Side, database: string | undefined): Promise<void> {
    if (database === undefined) return;
    const key = `${side}\0${database}`;
    const pending = this.sessions.get(key);
    if (pending === undefined) return;
    this.sessions.delete(key);
    await pending.then((s) => s.client.end(), () => undefined).catch(() => undefined);
  }

  async readPendingDelete(ref: PendingDeleteRef): Promise<PendingDeleteObservation> {
    const unknown: PendingDeleteObservation = { exists: null, active: null, walStatus: null, retainedBytes: null };
    if (ref.name === null) return unknown;
    if (ref.kind === 'slot') {
      const slot = await this.readSlot(await this.anySource(), ref.name);
      return { exists: slot.exists, active: slot.exists ? slot.active : null, walStatus: slot.walStatus, retainedBytes: slot.retainedBytes };
    }
    if (ref.database === null) return unknown;
    const side: Side = ref.kind === 'subscription' ? 'target' : 'source';
    const session = await this.session(side, ref.database);
    if (session instanceof MissingDatabase) return { ...unknown, exists: false };
    const sql = ref.kind === 'subscription' ? SUBSCRIPTION_SQL : PUBLICATION_SQL;
    const { rows } = await this.run(side, ref.database, () => session.client.query(sql, [ref.name]));
    return { ...unknown, exists: rows.length > 0 };
  }

  /** Ends every session (also safe after a failed read). */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map((p) => p.then((s) => s.client.end(), () => undefined).catch(() => undefined)));
  }

  private async readSourceSide(t: StatusTarget): Promise<Pick<DatabaseObservation, 'publication' | 'slot' | 'stream' | 'sourceDatabaseMissing'>> {
    let sourceDatabaseMissing = false;
    let publication: DatabaseObservation['publication'] = null;
    if (t.publication !== null) {
      const pub = t.publication;
      const session = await this.session('source', pub.database);
      if (session instanceof MissingDatabase) {
        sourceDatabaseMissing = true;
        publication = { exists: false, tables: [] };
      } else {
        publication = await this.run('source', pub.database, async () => {
          const found = await session.client.query<PublicationRow>(PUBLICATION_SQL, [pub.name]);
          const tables = found.rows.length === 0 ? [] : (await session.client.query<TableNameRow>(PUBLICATION_TABLES_SQL, [pub.name])).rows;
          return parsePublication(found.rows.length > 0, tables);
        });
      }
    }
    const cluster = await this.anySource();
    const slot = t.slot === null ? null : await this.readSlot(cluster, t.slot.name);
    let stream: DatabaseObservation['stream'] = null;
    if (t.subscription !== null) {
      const name = t.subscription.name;
      const { rows } = await this.run('source', null, () => cluster.client.query<StreamRow>(STREAMS_SQL, [[name]]));
      stream = parseStream(rows[0]);
    }
    return { publication, slot, stream, sourceDatabaseMissing };
  }

  private async readTargetSide(t: StatusTarget): Promise<Pick<DatabaseObservation, 'subscription' | 'targetDatabaseMissing'>> {
    if (t.subscription === null) return { subscription: null, targetDatabaseMissing: false };
    const { name, database } = t.subscription;
    const session = await this.session('target', database);
    if (session instanceof MissingDatabase) return { subscription: null, targetDatabaseMissing: true };
    const subscription = await this.run('target', database, async () => {
      const { rows } = await session.client.query<SubscriptionRow>(SUBSCRIPTION_SQL, [name]);
      const sub = rows[0];
      if (sub === undefined) {
        return { exists: false, enabled: false, slotName: null, publications: [], workerRunning: false, lastMessageAt: null, tables: [], errors: null };
      }
      const [rels, workers, stats] = [
        await session.client.query<RelRow>(SUBSCRIPTION_RELS_SQL, [sub.oid]),
        await session.client.query<WorkerRow>(WORKERS_SQL, [sub.oid]),
        session.versionNum >= SUBSCRIPTION_STATS_MIN_VERSION_NUM ? await session.client.query<StatsRow>(STATS_SQL, [sub.oid]) : null,
      ];
      const worker = parseWorkers(workers.rows);
      return {
        exists: true,
        enabled: sub.subenabled,
        slotName: sub.subslotname,
        publications: sub.publications,
        workerRunning: worker.running,
        lastMessageAt: worker.lastMessageAt,
        tables: parseRels(rels.rows),
        errors: stats === null ? null : parseStats(stats.rows[0]),
      };
    });
    return { subscription, targetDatabaseMissing: false };
  }

  private async readSlot(session: Session, name: string): Promise<ReturnType<typeof parseSlot>> {
    const { rows } = await this.run('source', null, () => session.client.query<SlotRow>(slotsSql(session.versionNum), [[name]]));
    return parseSlot(rows[0]);
  }

  /** Any open source session (slots and walsenders are cluster-wide), else one to the connection's own database. */
  private async anySource(): Promise<Session> {
    for (const [key, pending] of this.sessions) {
      if (!key.startsWith('source\0')) continue;
      const s = await pending.catch(() => null);
      if (s !== null) return s;
    }
    const s = await this.session('source', this.source.database);
    if (s instanceof MissingDatabase) throw new PgreplError(`the source database ${JSON.stringify(s.database)} of the connection string does not exist`);
    return s;
  }

  private session(side: Side, database: string): Promise<Session | MissingDatabase> {
    const key = `${side}\0${database}`;
    let pending = this.sessions.get(key);
    if (pending === undefined) {
      pending = this.open(side, database);
      this.sessions.set(key, pending);
      // A failed connect is not cached: the next read (--watch) tries again.
      pending.catch(() => this.sessions.delete(key));
    }
    return pending.catch((e: unknown) => {
      if (sqlstateOf(e) === INVALID_CATALOG_NAME) return new MissingDatabase(database);
      throw e;
    });
  }

  private async open(side: Side, database: string): Promise<Session> {
    const ci = side === 'source' ? this.source : this.target;
    const client = await connect(ci, { side, database, env: this.options.env });
    try {
      const { rows } = await client.query<VersionRow>(VERSION_SQL);
      return { client, versionNum: rows[0]?.version_num ?? 0 };
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  }

  /** Runs a read; a failure names the server and database, and drops the sessions so the next read reconnects. */
  private async run<T>(side: Side, database: string | null, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      await this.close();
      if (e instanceof PgreplError) throw e;
      const err = asError(e);
      const code = sqlstateOf(err);
      const ci = side === 'source' ? this.source : this.target;
      const where = `reading the ${side} server ${displayName(ci)}${database === null ? '' : `, database ${JSON.stringify(database)}`}`;
      throw new PgreplError(`${where}: ${err.message}${code === undefined ? '' : ` (SQLSTATE ${code})`}`, { cause: err });
    }
  }
}
