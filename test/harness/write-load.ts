// A pgbench-style writer for the sync fixture (sync-fixture.ts): short transactions of inserts, updates, deletes and
// key updates on every fixture table, on one or two connections, until stopped. The choices come from a seeded PRNG
// per connection; with two connections the interleaving is the scheduler's, so the rows are not reproducible, only
// the mix. Conflicts between the two are designed away (each connection touches existing rows only of its own
// residue class of the id, new ids come from one counter) and, should one still occur, rolled back and counted.
// Anything else (e.g. `Column used in the publication WHERE expression is not part of the replica identity`) stops
// that connection and makes stop() reject: that is exactly what the sync tests must notice.
import type pg from 'pg';
import type { Cluster } from './cluster.js';
import {
  ACCOUNT_KEY_UPDATE_BASE, MEASUREMENTS_RANGE, SYNC_FIXTURE_SCHEMA, SYNC_FIXTURE_TABLE_NAMES, type SyncFixtureTable,
} from './sync-fixture.js';
import { ident } from './sql.js';
import { mulberry32 as prng } from './prng.js';

export type WriteOp = 'insert' | 'update' | 'delete' | 'keyUpdate' | 'filterMove' | 'partitionMove';

export interface WriteLoadOptions {
  /** Seeds the PRNG of each connection (connection k uses seed + k). */
  readonly seed: number;
  /** The tables written (default: all five of the fixture). */
  readonly tables?: readonly SyncFixtureTable[];
  /** Transactions per second over all connections (default 200); 0: as fast as the server allows. */
  readonly rateHz?: number;
  /** Writer connections (default 2). */
  readonly connections?: 1 | 2;
  /** Role to write as (default the superuser). */
  readonly user?: string;
}

export interface WriteLoadStats {
  /** Committed transactions. */
  readonly transactions: number;
  /** Transactions rolled back on an expected conflict (unique, FK, deadlock, serialization, lock). */
  readonly rolledBack: number;
  /** Rows changed by committed transactions, per table and operation. */
  readonly rows: Readonly<Record<SyncFixtureTable, Readonly<Record<WriteOp, number>>>>;
  /** Unexpected errors (a connection stops at its first); empty in a healthy run. */
  readonly errors: readonly string[];
  readonly durationMs: number;
}

export interface WriteLoad {
  /** Counts so far (e.g. to wait until some transactions ran during a copy). */
  snapshot(): WriteLoadStats;
  /**
   * Stop after the transactions in flight (connections ended after STOP_WAIT_MS at the latest). Rejects when a
   * connection hit an unexpected error, unless `tolerateErrors` (then they are in `errors`). Safe to call twice.
   */
  stop(opts?: { tolerateErrors?: boolean }): Promise<WriteLoadStats>;
}

const DEFAULT_RATE_HZ = 200;
const STOP_WAIT_MS = 15_000;
/** unique_violation, foreign_key_violation, deadlock_detected, serialization_failure, lock_not_available. */
const EXPECTED_SQLSTATES = new Set(['23505', '23503', '40P01', '40001', '55P03']);
const MAX_ERRORS = 10;

type Change = readonly [SyncFixtureTable, WriteOp, number];

/** Mutable ranges shared by the connections (one JS thread: no races between reads and increments). */
interface Shared {
  /** Highest account id below the key-update range seen so far, and the one the load started with. */
  maxAccount: number;
  readonly initialMaxAccount: number;
  nextAccountKey: number;
  maxEvent: number;
  nextOrder: number;
  nextAudit: number;
  nextMeasurement: number;
}

interface Writer {
  readonly client: pg.Client;
  readonly k: number;
  readonly n: number;
  readonly random: () => number;
}

interface Action {
  readonly table: SyncFixtureTable;
  readonly weight: number;
  readonly run: (w: Writer, s: Shared) => Promise<readonly Change[]>;
}

const t = (name: SyncFixtureTable): string => `${ident(SYNC_FIXTURE_SCHEMA)}.${ident(name)}`;

const int = (w: Writer, lo: number, hi: number): number => lo + Math.floor(w.random() * (hi - lo + 1));
/** An id in [lo, hi] of this connection's residue class (may not exist: the statement then changes nothing). */
function own(w: Writer, lo: number, hi: number): number {
  const id = int(w, Math.max(1, lo), Math.max(1, hi));
  return id - (((id % w.n) + w.n) % w.n) + w.k;
}
const money = (w: Writer, max: number): string => (w.random() * max).toFixed(2);

async function rows(w: Writer, sql: string, params: readonly unknown[]): Promise<number> {
  return (await w.client.query(sql, [...params])).rowCount ?? 0;
}

/** Accounts that likely have no orders (made by this load), so that deletes and key updates find some. */
function recentAccount(w: Writer, s: Shared): number {
  return s.maxAccount > s.initialMaxAccount && w.random() < 0.8
    ? own(w, s.initialMaxAccount + 1, s.maxAccount)
    : own(w, 1, s.maxAccount);
}

const ACTIONS: readonly Action[] = [
  // accounts: unfiltered parent of orders.
  { table: 'accounts', weight: 3, run: async (w, s) => {
    const r = await w.client.query<{ id: string }>(
      `INSERT INTO ${t('accounts')} (name, balance) VALUES ($1, $2) RETURNING id`, [`load ${w.k}`, money(w, 500)]);
    for (const row of r.rows) s.maxAccount = Math.max(s.maxAccount, Number(row.id));
    return [['accounts', 'insert', r.rowCount ?? 0]];
  } },
  { table: 'accounts', weight: 5, run: async (w, s) => [['accounts', 'update', await rows(w,
    `UPDATE ${t('accounts')} SET balance = balance + $1, updated_at = now() WHERE id = $2`, [money(w, 50), own(w, 1, s.maxAccount)])]] },
  { table: 'accounts', weight: 3, run: async (w, s) => {
    // A transfer: two rows, always locked in id order.
    const [a, b] = [own(w, 1, s.maxAccount), own(w, 1, s.maxAccount)].sort((x, y) => x - y) as [number, number];
    const amount = money(w, 20);
    const sql = `UPDATE ${t('accounts')} SET balance = balance + $1, updated_at = now() WHERE id = $2`;
    const first = await rows(w, sql, [`-${amount}`, a]);
    const second = a === b ? 0 : await rows(w, sql, [amount, b]);
    return [['accounts', 'update', first + second]];
  } },
  { table: 'accounts', weight: 1, run: async (w, s) => {
    const id = recentAccount(w, s);
    return [['accounts', 'delete', await rows(w,
      `DELETE FROM ${t('accounts')} WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM ${t('orders')} WHERE account_id = $1)`, [id])]];
  } },
  { table: 'accounts', weight: 1, run: async (w, s) => {
    // A primary-key update, to an id of the same residue class so the row stays this connection's.
    let next = s.nextAccountKey;
    while (next % w.n !== w.k) next += 1;
    s.nextAccountKey = next + 1;
    const id = recentAccount(w, s);
    return [['accounts', 'keyUpdate', await rows(w,
      `UPDATE ${t('accounts')} SET id = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM ${t('orders')} WHERE account_id = $2)`, [next, id])]];
  } },
  // orders: filtered on its key (id % 3 <> 0): key updates move rows in and out of the filter.
  { table: 'orders', weight: 5, run: async (w, s) => {
    const id = s.nextOrder++;
    return [['orders', 'insert', await rows(w,
      `INSERT INTO ${t('orders')} (id, account_id, region, amount) SELECT $1, id, $2, $3 FROM ${t('accounts')} WHERE id = $4`,
      [id, int(w, 1, 4), money(w, 2000), own(w, 1, s.maxAccount)])]];
  } },
  { table: 'orders', weight: 4, run: async (w, s) => [['orders', 'update', await rows(w,
    `UPDATE ${t('orders')} SET amount = $1 WHERE id = $2`, [money(w, 2000), own(w, 1, s.nextOrder - 1)])]] },
  { table: 'orders', weight: 1, run: async (w, s) => [['orders', 'update', await rows(w,
    `UPDATE ${t('orders')} o SET account_id = a.id FROM ${t('accounts')} a WHERE o.id = $1 AND a.id = $2`,
    [own(w, 1, s.nextOrder - 1), own(w, 1, s.maxAccount)])]] },
  { table: 'orders', weight: 2, run: async (w, s) => [['orders', 'delete', await rows(w,
    `DELETE FROM ${t('orders')} WHERE id = $1`, [own(w, 1, s.nextOrder - 1)])]] },
  { table: 'orders', weight: 1, run: async (w, s) => {
    const next = s.nextOrder++;
    return [['orders', 'keyUpdate', await rows(w, `UPDATE ${t('orders')} SET id = $1 WHERE id = $2`, [next, own(w, 1, next - 1)])]];
  } },
  // events: time-windowed on created_at; new rows are always inside the window.
  { table: 'events', weight: 5, run: async (w, s) => {
    const r = await w.client.query<{ id: string }>(
      `INSERT INTO ${t('events')} (kind, payload, created_at) VALUES ($1, $2::jsonb, now()) RETURNING id`,
      [['login', 'click', 'purchase', 'logout'][int(w, 0, 3)], JSON.stringify({ writer: w.k, n: int(w, 0, 1e6), ok: w.random() < 0.5 })]);
    for (const row of r.rows) s.maxEvent = Math.max(s.maxEvent, Number(row.id));
    return [['events', 'insert', r.rowCount ?? 0]];
  } },
  { table: 'events', weight: 3, run: async (w, s) => [['events', 'update', await rows(w,
    `UPDATE ${t('events')} SET payload = coalesce(payload, '{}') || jsonb_build_object('touched', $1::int) WHERE id = $2`,
    [int(w, 0, 1e6), own(w, 1, s.maxEvent)])]] },
  { table: 'events', weight: 1, run: async (w, s) => [['events', 'delete', await rows(w,
    `DELETE FROM ${t('events')} WHERE id = $1`, [own(w, 1, s.maxEvent)])]] },
  // audit: no key, REPLICA IDENTITY FULL, filtered on status: flips move rows in and out of the filter.
  { table: 'audit', weight: 3, run: async (w, s) => {
    const id = s.nextAudit++;
    return [['audit', 'insert', await rows(w, `INSERT INTO ${t('audit')} (id, note, status) VALUES ($1, $2, $3)`,
      [id, `load ${w.k}`, w.random() < 0.5 ? 'open' : 'closed'])]];
  } },
  { table: 'audit', weight: 5, run: async (w, s) => [['audit', 'filterMove', await rows(w,
    `UPDATE ${t('audit')} SET status = CASE WHEN status = 'open' THEN 'closed' ELSE 'open' END WHERE id = $1`,
    [own(w, 1, s.nextAudit - 1)])]] },
  { table: 'audit', weight: 2, run: async (w, s) => [['audit', 'update', await rows(w,
    `UPDATE ${t('audit')} SET note = note || '+' WHERE id = $1`, [own(w, 1, s.nextAudit - 1)])]] },
  { table: 'audit', weight: 1, run: async (w, s) => [['audit', 'delete', await rows(w,
    `DELETE FROM ${t('audit')} WHERE id = $1`, [own(w, 1, s.nextAudit - 1)])]] },
  // measurements: partitioned, published via the root; moving ts a year moves the row to the other leaf.
  { table: 'measurements', weight: 4, run: async (w, s) => {
    const id = s.nextMeasurement++;
    return [['measurements', 'insert', await rows(w,
      `INSERT INTO ${t('measurements')} (id, ts, sensor, value) VALUES ($1, $2::timestamptz + $3 * interval '1 second', $4, $5)`,
      [id, MEASUREMENTS_RANGE.from, int(w, 0, 729 * 86_400), int(w, 0, 9), w.random() * 100])]];
  } },
  { table: 'measurements', weight: 3, run: async (w, s) => [['measurements', 'update', await rows(w,
    `UPDATE ${t('measurements')} SET value = $1 WHERE id = $2`, [w.random() * 100, own(w, 1, s.nextMeasurement - 1)])]] },
  { table: 'measurements', weight: 1, run: async (w, s) => [['measurements', 'partitionMove', await rows(w,
    `UPDATE ${t('measurements')} SET ts = CASE WHEN ts < $1::timestamptz THEN ts + interval '1 year' ELSE ts - interval '1 year' END WHERE id = $2`,
    [MEASUREMENTS_RANGE.split, own(w, 1, s.nextMeasurement - 1)])]] },
  { table: 'measurements', weight: 1, run: async (w, s) => [['measurements', 'delete', await rows(w,
    `DELETE FROM ${t('measurements')} WHERE id = $1`, [own(w, 1, s.nextMeasurement - 1)])]] },
];

function emptyRows(): Record<SyncFixtureTable, Record<WriteOp, number>> {
  const ops = (): Record<WriteOp, number> => ({ insert: 0, update: 0, delete: 0, keyUpdate: 0, filterMove: 0, partitionMove: 0 });
  return Object.fromEntries(SYNC_FIXTURE_TABLE_NAMES.map((name) => [name, ops()])) as Record<SyncFixtureTable, Record<WriteOp, number>>;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; detail?: string };
  return [e.code, e.message ?? String(error), e.detail].filter(Boolean).join(': ');
}

/** Start writing to the fixture in `database`; resolves once the connections are open. */
export async function startWriteLoad(cluster: Cluster, database: string, opts: WriteLoadOptions): Promise<WriteLoad> {
  const tables = new Set(opts.tables ?? SYNC_FIXTURE_TABLE_NAMES);
  const actions = ACTIONS.filter((a) => tables.has(a.table));
  if (actions.length === 0) throw new Error('startWriteLoad: no table to write');
  const totalWeight = actions.reduce((sum, a) => sum + a.weight, 0);
  const n = opts.connections ?? 2;
  const rate = opts.rateHz ?? DEFAULT_RATE_HZ;
  const intervalMs = rate > 0 ? (1000 * n) / rate : 0;

  const [start] = await cluster.query<Record<'accounts' | 'account_keys' | 'events' | 'orders' | 'audit' | 'measurements', string>>(`
    SELECT (SELECT coalesce(max(id), 0) FROM ${t('accounts')} WHERE id < ${ACCOUNT_KEY_UPDATE_BASE}) AS accounts,
           (SELECT coalesce(max(id), ${ACCOUNT_KEY_UPDATE_BASE - 1}) FROM ${t('accounts')} WHERE id >= ${ACCOUNT_KEY_UPDATE_BASE}) AS account_keys,
           (SELECT coalesce(max(id), 0) FROM ${t('events')}) AS events,
           (SELECT coalesce(max(id), 0) FROM ${t('orders')}) AS orders,
           (SELECT coalesce(max(id), 0) FROM ${t('audit')}) AS audit,
           (SELECT coalesce(max(id), 0) FROM ${t('measurements')}) AS measurements`, [], database);
  if (!start) throw new Error('startWriteLoad: could not read the fixture');
  const shared: Shared = {
    maxAccount: Number(start.accounts), initialMaxAccount: Number(start.accounts),
    nextAccountKey: Number(start.account_keys) + 1, maxEvent: Number(start.events),
    nextOrder: Number(start.orders) + 1, nextAudit: Number(start.audit) + 1, nextMeasurement: Number(start.measurements) + 1,
  };

  const counts = emptyRows();
  const errors: string[] = [];
  let transactions = 0;
  let rolledBack = 0;
  let stopping = false;
  let wake: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => { wake = resolve; });
  const started = Date.now();
  const record = (message: string): void => { if (!stopping && errors.length < MAX_ERRORS) errors.push(message); };

  const clients: pg.Client[] = [];
  try {
    for (let k = 0; k < n; k += 1) {
      const client = await cluster.connect({ database, ...(opts.user === undefined ? {} : { user: opts.user }) });
      // An idle client whose server goes away emits 'error'; unhandled, that would kill the test process.
      client.on('error', (error: unknown) => record(`connection ${k}: ${describe(error)}`));
      clients.push(client);
      await client.query("SET application_name = 'pgrepl-harness-write-load'; SET TimeZone = 'UTC'");
    }
  } catch (error: unknown) {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    throw error;
  }

  const pick = (w: Writer): Action => {
    let x = w.random() * totalWeight;
    for (const action of actions) {
      x -= action.weight;
      if (x < 0) return action;
    }
    return actions[actions.length - 1] as Action;
  };

  const sleep = async (ms: number): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); }), stopSignal]);
    clearTimeout(timer);
  };

  // Never rejects: every error is either expected (counted), after stop (ignored) or recorded.
  const runWriter = async (w: Writer): Promise<void> => {
    let due = Date.now();
    while (!stopping) {
      if (intervalMs > 0) {
        due += intervalMs;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        else if (wait < -1000) due = Date.now(); // fell behind (a slow server): do not burst to catch up
        if (stopping) return;
      }
      const action = pick(w);
      try {
        await w.client.query('BEGIN');
        const changes = await action.run(w, shared);
        await w.client.query('COMMIT');
        transactions += 1;
        for (const [table, op, count] of changes) counts[table][op] += count;
      } catch (error: unknown) {
        if (stopping) return;
        await w.client.query('ROLLBACK').catch(() => undefined);
        if (EXPECTED_SQLSTATES.has((error as { code?: string }).code ?? '')) {
          rolledBack += 1;
          continue;
        }
        record(`connection ${w.k} (${action.table}): ${describe(error)}`);
        return;
      }
    }
  };

  const done = Promise.all(clients.map((client, k) => runWriter({ client, k, n, random: prng(opts.seed + k) })));

  const snapshot = (): WriteLoadStats => ({
    transactions, rolledBack, errors: [...errors], durationMs: Date.now() - started,
    rows: Object.fromEntries(Object.entries(counts).map(([table, ops]) => [table, { ...ops }])) as WriteLoadStats['rows'],
  });

  let stopped: Promise<WriteLoadStats> | undefined;
  const finish = async (): Promise<WriteLoadStats> => {
    // From here on errors are the stop's own doing (a query cut off by end()): record() ignores them.
    stopping = true;
    wake();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_WAIT_MS); })]);
    clearTimeout(timer);
    // end() also fails a query still blocked after the wait; the writer then sees `stopping` and returns.
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await done;
    return snapshot();
  };

  return {
    snapshot,
    stop: async (stopOpts = {}) => {
      stopped ??= finish();
      const stats = await stopped;
      if (stats.errors.length > 0 && !stopOpts.tolerateErrors) {
        throw new Error(`write load hit ${stats.errors.length} unexpected error(s):\n${stats.errors.join('\n')}`);
      }
      return stats;
    },
  };
}
