// The replication primitives on real servers: the slot's exported snapshot meets its stream exactly (the handoff
// edge: a transaction open while the slot is created is in the snapshot and never decoded), slot creation reports
// and times out on its blockers without leaving a slot, an active slot is dropped, and a subscription's errors
// never show its password. Sources 12, 13 and 17 for the slot syntax; targets 15 and 17 for subscriptions.
import { afterEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { toSubscriptionConninfo } from '../../src/pg/conninfo/subscription.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { DdlExecutionError } from '../../src/pg/ddl/execute.js';
import {
  addTablesStatements, createPublicationStatements, dropPublicationStatements, dropTablesStatements, setFilterStatements,
} from '../../src/pg/replication/publication-sql.js';
import { createReplicationSlot, dropReplicationSlot, type SlotBlocker } from '../../src/pg/replication/slot.js';
import { runSourceStatements } from '../../src/pg/replication/source-sql.js';
import { detachAndDropStatements, refreshPublicationSql, subscriptionStatements } from '../../src/pg/replication/subscription-sql.js';
import { openApplySession } from '../../src/pg/apply/apply-session.js';
import { createSubscription, SubscriptionError } from '../../src/pg/replication/subscription.js';
import type { CreateSubscriptionOperation } from '../../src/plan/types.js';
import { PgreplError } from '../../src/util/errors.js';
import { getCluster, SOURCE_ROLE, useScratchDatabases, WRONG_PASSWORD, type Cluster } from '../harness/index.js';

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
const name = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const scratch = useScratchDatabases();
const slots: { cluster: Cluster; slot: string }[] = [];
const subscriptions: { cluster: Cluster; database: string; subscription: string }[] = [];
const clients: pg.Client[] = [];

// A leaked slot keeps WAL on a server other tests share: detach and drop subscriptions, then drop slots.
afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  for (const s of subscriptions.splice(0)) {
    const [exists] = await s.cluster.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [s.subscription], s.database);
    if (exists === undefined) continue;
    for (const st of detachAndDropStatements(s.subscription)) await s.cluster.query(st.sql, [], s.database);
  }
  for (const { cluster, slot } of slots.splice(0)) {
    for (let i = 0; i < 50; i++) {
      const [row] = await cluster.query<{ active: boolean; active_pid: number | null }>(
        'SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      if (row === undefined) break;
      if (row.active) await cluster.query('SELECT pg_terminate_backend($1)', [row.active_pid]);
      else await cluster.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
      await sleep(100);
    }
  }
});

/** A source database with `t(id, v)`, row 0 in it, and a publication of t. */
async function sourceDatabase(source: Cluster): Promise<{ db: string; ci: ConnInfo; pub: string }> {
  const db = await scratch(source, 'repl_prim');
  await source.query("CREATE TABLE t (id integer PRIMARY KEY, v text); INSERT INTO t VALUES (0, 'before')", [], db);
  const ci = parse(source.url({ database: db }));
  const pub = name('pgrepl_pub');
  const statements = createPublicationStatements(pub, [{ schema: 'public', name: 't', filter: null }], {
    publish: ['insert', 'update', 'delete', 'truncate'], viaRoot: false, sourceMajor: source.major, comment: 'managed by pgrepl test',
  });
  await runSourceStatements(ci, db, statements, { autocommit: false });
  return { db, ci, pub };
}

async function open(cluster: Cluster, database: string, replication = false): Promise<pg.Client> {
  const client = await cluster.connect({ database, replication });
  clients.push(client);
  return client;
}

async function slotExists(cluster: Cluster, slot: string): Promise<boolean> {
  return (await cluster.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).length > 0;
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const slotActive = (cluster: Cluster, slot: string) => async (): Promise<boolean> =>
  (await cluster.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]))[0]?.active === true;

describe.each([12, 13, 17] as const)('slot on a PostgreSQL %i source', (major) => {
  it('the handoff edge: a transaction open during creation is in the snapshot and never decoded', async () => {
    const source = await getCluster({ major });
    const { db, ci, pub } = await sourceDatabase(source);
    const blocker = await open(source, db);
    const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await blocker.query('BEGIN');
    await blocker.query("INSERT INTO t VALUES (1, 'blocker')");

    const slot = name('pgrepl_it');
    slots.push({ cluster: source, slot });
    const seen: (readonly SlotBlocker[])[] = [];
    let committed = false;
    const creating = createReplicationSlot(ci, db, slot, {
      exportSnapshot: true,
      timeoutMs: 30_000,
      onWaiting: (b) => {
        seen.push(b);
        // Commit while creation still waits behind this transaction: the edge the sync design relies on.
        if (!committed && b.some((x) => x.pid === blockerPid)) {
          committed = true;
          void blocker.query('COMMIT');
        }
      },
    });
    const holder = await creating;
    try {
      expect(committed).toBe(true);
      const reported = seen.flat().find((b) => b.pid === blockerPid);
      expect(reported).toMatchObject({ pid: blockerPid, database: db, user: 'postgres' });
      expect(reported?.query).toContain('INSERT INTO t');
    expect(reported?.detailsHidden).toBe(false);
      expect(holder.snapshotId).toMatch(/^[0-9A-F]+-[0-9A-F]+(-\d+)?$/);
      expect(holder.consistentPoint).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

      const writer = await open(source, db);
      // The harness runs synchronous_commit = off, and decoding reads only flushed WAL: flush this commit (and
      // with it everything before, the blocker's commit included) so the peek below sees it.
      await writer.query('SET synchronous_commit = on');
      await writer.query("INSERT INTO t VALUES (2, 'after')");
      const reader = await open(source, db);
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query(`SET TRANSACTION SNAPSHOT '${holder.snapshotId ?? ''}'`);
      const ids = (await reader.query<{ id: number }>('SELECT id FROM t ORDER BY id')).rows.map((r) => r.id);
      await reader.query('COMMIT');
      expect(ids).toEqual([0, 1]);
    } finally {
      await holder.release();
      await holder.release(); // idempotent
    }

    await waitFor('the slot to be let go', async () => !(await slotActive(source, slot)()));
    const [changes] = await source.query<{ inserts: number; blocker: number; after: number }>(
      `SELECT count(*) FILTER (WHERE get_byte(data, 0) = 73)::int AS inserts,
              count(*) FILTER (WHERE get_byte(data, 0) = 73 AND position(convert_to('blocker', 'UTF8') IN data) > 0)::int AS blocker,
              count(*) FILTER (WHERE get_byte(data, 0) = 73 AND position(convert_to('after', 'UTF8') IN data) > 0)::int AS after
         FROM pg_logical_slot_peek_binary_changes($1, NULL, NULL, 'proto_version', '1', 'publication_names', $2)`,
      [slot, pub], db);
    expect(changes).toEqual({ inserts: 1, blocker: 0, after: 1 });
  });
});

describe('slot creation blocked, and dropping slots (PostgreSQL 17)', () => {
  it('times out naming the blocker, and leaves no slot', async () => {
    const source = await getCluster({ major: 17 });
    const { db, ci } = await sourceDatabase(source);
    const blocker = await open(source, db);
    const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await blocker.query('BEGIN');
    await blocker.query("UPDATE t SET v = 'held' WHERE id = 0");
    const slot = name('pgrepl_it');
    slots.push({ cluster: source, slot });
    const started = Date.now();
    const error = await createReplicationSlot(ci, db, slot, { exportSnapshot: true, timeoutMs: 2_500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(error).toBeInstanceOf(PgreplError);
    expect((error as Error).message).toMatch(new RegExp(`slot creation waited \\d+ s behind .*pid ${String(blockerPid)} \\(.*postgres\\) open \\d+ s: UPDATE t SET v`));
    expect((error as Error).message).toMatch(/raise --slot-timeout/);
    expect(await slotExists(source, slot)).toBe(false);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('test cancel')), 1_200);
    const aborted = await createReplicationSlot(ci, db, slot, { exportSnapshot: false, signal: controller.signal }).catch((e: unknown) => e);
    expect((aborted as Error).message).toMatch(/cancelled/);
    expect(await slotExists(source, slot)).toBe(false);

    // A throwing callback must not leave the command waiting (it would make the slot once the blocker ends).
    const thrown = await createReplicationSlot(ci, db, slot, { exportSnapshot: true, onWaiting: () => { throw new Error('callback failed'); } })
      .catch((e: unknown) => e);
    expect((thrown as Error).message).toBe('callback failed');
    expect(await slotExists(source, slot)).toBe(false);
    await blocker.query('ROLLBACK');
  });

  it('a non-superuser REPLICATION role sees and names a superuser\'s blocking transaction', async () => {
    const source = await getCluster({ major: 17 });
    const { db } = await sourceDatabase(source);
    const blocker = await open(source, db);
    const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await blocker.query('BEGIN');
    await blocker.query("DELETE FROM t WHERE id = 0");
    const slot = name('pgrepl_it');
    slots.push({ cluster: source, slot });
    const ci = parse(source.url({ database: db, user: SOURCE_ROLE.user }));
    const seen: SlotBlocker[] = [];
    const error = await createReplicationSlot(ci, db, slot, { exportSnapshot: true, timeoutMs: 1_500, onWaiting: (b) => seen.push(...b) })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`pid ${String(blockerPid)}\\b`));
    expect(seen.some((b) => b.pid === blockerPid)).toBe(true);
    expect(seen.find((b) => b.pid === blockerPid)).toMatchObject({ user: 'postgres', detailsHidden: true, query: null });
    expect((error as PgreplError).hints.join('\n')).toMatch(/pg_read_all_stats/);
    expect(await slotExists(source, slot)).toBe(false);
    await blocker.query('ROLLBACK');
  });

  it('refuses a bad slot name before connecting', async () => {
    const ci = parse('postgres://nobody@127.0.0.1:1/none');
    await expect(createReplicationSlot(ci, 'none', 'pgrepl_my-app', { exportSnapshot: true })).rejects.toThrow(/invalid slot name/);
    await expect(dropReplicationSlot(ci, 'Bad')).rejects.toThrow(/invalid slot name/);
  });

  it('drops a slot held by a running walsender (terminated after waitMs), then reports it absent', async () => {
    const source = await getCluster({ major: 17 });
    const { db, ci, pub } = await sourceDatabase(source);
    const slot = name('pgrepl_it');
    slots.push({ cluster: source, slot });
    const holder = await createReplicationSlot(ci, db, slot, { exportSnapshot: false });
    expect(holder.snapshotId).toBeNull();
    await holder.release();
    const streamer = await open(source, db, true);
    streamer.on('error', () => undefined); // its walsender is terminated below
    streamer.query(`START_REPLICATION SLOT ${slot} LOGICAL 0/0 (proto_version '1', publication_names '${pub}')`).catch(() => undefined);
    await waitFor('the slot to be active', slotActive(source, slot));
    // From another database of the server: a logical slot is dropped by name, wherever it decodes.
    expect(await dropReplicationSlot(parse(source.url()), slot, { waitMs: 300 })).toBe('dropped');
    expect(await slotExists(source, slot)).toBe(false);
    expect(await dropReplicationSlot(ci, slot)).toBe('absent');
  });
});

describe('source statements (PostgreSQL 17)', () => {
  it('re-filters one table with DROP + ADD in one transaction, and a failing batch rolls back whole, naming its statement', async () => {
    const source = await getCluster({ major: 17 });
    const { db, ci, pub } = await sourceDatabase(source);
    await source.query('CREATE TABLE u (id integer PRIMARY KEY)', [], db);
    await runSourceStatements(ci, db, [
      ...addTablesStatements(pub, [{ schema: 'public', name: 'u', filter: null }], 17),
      ...setFilterStatements(pub, { schema: 'public', name: 't' }, 'id > 10', 17),
    ], { autocommit: false });
    expect(await source.query('SELECT tablename::text, rowfilter FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1', [pub], db))
      .toEqual([{ tablename: 't', rowfilter: '(id > 10)' }, { tablename: 'u', rowfilter: null }]);

    const error = await runSourceStatements(ci, db, [
      ...dropTablesStatements(pub, [{ schema: 'public', name: 'u' }]),
      ...addTablesStatements(pub, [{ schema: 'public', name: 'missing', filter: null }], 17),
    ], { autocommit: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DdlExecutionError);
    expect((error as DdlExecutionError).statement).toBe(`ALTER PUBLICATION ${pub} ADD TABLE public.missing`);
    expect((error as DdlExecutionError).code).toBe('42P01');
    expect(await source.query('SELECT count(*)::int AS n FROM pg_publication_tables WHERE pubname = $1', [pub], db)).toEqual([{ n: 2 }]);

    await runSourceStatements(ci, db, dropPublicationStatements(pub), { autocommit: true });
    await runSourceStatements(ci, db, dropPublicationStatements(pub), { autocommit: true }); // IF EXISTS: a rerun is done
    expect(await source.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [pub], db)).toEqual([]);
  });
});

describe.each([15, 17] as const)('subscription on a PostgreSQL %i target (source 17)', (targetMajor) => {
  it('creates the subscription on our slot, streams, is idempotent, then detaches and the active slot drops', async () => {
    const source = await getCluster({ major: 17 });
    const target = await getCluster({ major: targetMajor });
    const { db, ci, pub } = await sourceDatabase(source);
    const tdb = await scratch(target, 'repl_prim_tgt');
    await target.query("CREATE TABLE t (id integer PRIMARY KEY, v text); INSERT INTO t VALUES (0, 'before')", [], tdb);
    const slot = name('pgrepl_it');
    slots.push({ cluster: source, slot });
    const holder = await createReplicationSlot(ci, db, slot, { exportSnapshot: true });
    await holder.release();
    const subscription = name('pgrepl_sub');
    subscriptions.push({ cluster: target, database: tdb, subscription });
    const op: CreateSubscriptionOperation = {
      type: 'create-subscription', subscription, publication: pub, slot, options: { binary: true }, copyData: false, enabled: true,
      comment: 'managed by pgrepl test-lineage', storesPassword: false,
    };
    const conninfo = toSubscriptionConninfo(ci, { includePassword: true });
    await createSubscription(parse(target.url()), tdb, op, conninfo);
    await createSubscription(parse(target.url()), tdb, op, conninfo); // a rerun finds it marked: done
    const [row] = await target.query<{ comment: string; subslotname: string }>(
      "SELECT obj_description(oid, 'pg_subscription') AS comment, subslotname FROM pg_subscription WHERE subname = $1", [subscription], tdb);
    expect(row).toEqual({ comment: 'managed by pgrepl test-lineage', subslotname: slot });

    await source.query("INSERT INTO t VALUES (3, 'streamed')", [], db);
    await waitFor('the streamed row', async () => (await target.query('SELECT 1 FROM t WHERE id = 3', [], tdb)).length === 1, 20_000);
    expect(await target.query('SELECT id FROM t ORDER BY id', [], tdb)).toEqual([{ id: 0 }, { id: 3 }]);
    await waitFor('the slot to be active', slotActive(source, slot));

    // A table added while streaming: ApplySession runs REFRESH PUBLICATION outside a transaction block.
    await source.query('CREATE TABLE u (id integer PRIMARY KEY); INSERT INTO u VALUES (7)', [], db);
    await runSourceStatements(ci, db, addTablesStatements(pub, [{ schema: 'public', name: 'u', filter: null }], 17), { autocommit: false });
    await target.query('CREATE TABLE u (id integer PRIMARY KEY)', [], tdb);
    const session = await openApplySession(parse(target.url()), tdb);
    try {
      await session.runDdl(subscriptionStatements(subscription, [refreshPublicationSql(subscription, true)], { autocommit: true }));
    } finally {
      await session.close();
    }
    // Detaching before table sync ends would leave its pg_<oid>_sync_… slot on the source: wait for ready.
    await waitFor('u to be synchronised', async () => (await target.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
        WHERE s.subname = $1 AND r.srsubstate = 'r'`, [subscription], tdb))[0]?.n === 2, 20_000);
    expect(await target.query('SELECT id FROM u', [], tdb)).toEqual([{ id: 7 }]);

    for (const st of detachAndDropStatements(subscription)) await target.query(st.sql, [], tdb);
    expect(await dropReplicationSlot(ci, slot, { database: db })).toBe('dropped');
    expect(await slotExists(source, slot)).toBe(false);
  });
});

describe('failover slot (17 -> 17)', () => {
  it('is made by createReplicationSlot: a create_slot = false subscription does not set it on the slot', async () => {
    const source = await getCluster({ major: 17 });
    const target = await getCluster({ major: 17 });
    const { db, ci, pub } = await sourceDatabase(source);
    const tdb = await scratch(target, 'repl_prim_fo');
    await target.query('CREATE TABLE t (id integer PRIMARY KEY, v text)', [], tdb);
    const plain = name('pgrepl_it');
    const failover = name('pgrepl_it');
    slots.push({ cluster: source, slot: plain }, { cluster: source, slot: failover });
    await (await createReplicationSlot(ci, db, plain, { exportSnapshot: false })).release();
    const holder = await createReplicationSlot(ci, db, failover, { exportSnapshot: true, failover: true });
    expect(holder.snapshotId).not.toBeNull();
    await holder.release();
    const subscription = name('pgrepl_sub');
    subscriptions.push({ cluster: target, database: tdb, subscription });
    await createSubscription(parse(target.url()), tdb, {
      type: 'create-subscription', subscription, publication: pub, slot: plain, options: { failover: true }, copyData: false, enabled: false,
      comment: 'c', storesPassword: false,
    }, toSubscriptionConninfo(ci, { includePassword: true }));
    expect(await target.query('SELECT subfailover FROM pg_subscription WHERE subname = $1', [subscription], tdb)).toEqual([{ subfailover: true }]);
    expect(await source.query('SELECT slot_name::text, failover FROM pg_replication_slots WHERE slot_name = ANY($1) ORDER BY slot_name = $2',
      [[plain, failover], failover])).toEqual([{ slot_name: plain, failover: false }, { slot_name: failover, failover: true }]);
  });

  it('is refused on a 13 source', async () => {
    const source = await getCluster({ major: 13 });
    const { db, ci } = await sourceDatabase(source);
    await expect(createReplicationSlot(ci, db, name('pgrepl_it'), { exportSnapshot: true, failover: true })).rejects.toThrow(/17\+ source/);
  });
});

describe('subscription errors never show the password', () => {
  it('a wrong password in the conninfo (scram source 17, target 17)', async () => {
    const source = await getCluster({ major: 17, auth: 'scram' });
    const target = await getCluster({ major: 17 });
    const tdb = await scratch(target, 'repl_prim_pw');
    const sourceCi = parse(source.url({ database: 'postgres', user: SOURCE_ROLE.user, password: WRONG_PASSWORD }));
    const conninfo = toSubscriptionConninfo(sourceCi, { includePassword: true });
    expect(conninfo).toContain('password=');
    const subscription = name('pgrepl_sub');
    subscriptions.push({ cluster: target, database: tdb, subscription });
    const op: CreateSubscriptionOperation = {
      type: 'create-subscription', subscription, publication: 'pgrepl_nopub', slot: 'pgrepl_noslot', options: {}, copyData: false,
      enabled: true, comment: 'managed by pgrepl x', storesPassword: true,
    };
    const error = await createSubscription(parse(target.url()), tdb, op, conninfo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionError);
    const e = error as SubscriptionError;
    expect(e.message).toMatch(/password authentication failed|could not connect/);
    expect(e.statement).toContain('password=<redacted>');
    const everything = [e.message, e.detail ?? '', e.hint ?? '', e.statement, e.stack ?? '', JSON.stringify(e), String(e.cause ?? '')].join('\n');
    for (const spelling of [WRONG_PASSWORD, encodeURIComponent(WRONG_PASSWORD), 'wrong:p', WRONG_PASSWORD.replace(/[\\']/g, (c) => `\\${c}`)]) {
      expect(everything).not.toContain(spelling);
    }
    expect(await target.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [subscription], tdb)).toEqual([]);
  });
});
