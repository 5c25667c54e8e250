// readActualState reads the replication objects on real servers: the source's logical slots and wal_level, every
// publication of a source database (a row filter and a column list on 15+, a partitioned root published via the
// root on 13+, FOR TABLES IN SCHEMA on 15+, FOR ALL TABLES), and every subscription of a target database with the
// options its major has, per-table states, the apply worker and the error counts. Source majors 12 to 18, target
// majors 12 to 18; the target is read as tgt_user (not a superuser, who may not read
// pg_subscription.subconninfo), the source as src_owner. Every slot and subscription is removed after each test.
import { afterEach, describe, expect, it } from 'vitest';
import { getCluster, ident, literal, SOURCE_ROLE, TARGET_ROLE, type Cluster, type Major } from '../harness/index.js';
import { readActualState } from '../../src/introspect/read-actual.js';
import type { ActualState, PublicationFacts, SubscriptionFacts } from '../../src/introspect/types.js';
import { resolveSpecObject } from '../../src/spec/load.js';

const ENV = { HOME: '/nonexistent' };
const SRC = ident(SOURCE_ROLE.user);
const WORKER_WAIT_MS = 15_000;

interface Made {
  readonly src: Cluster;
  readonly tgt: Cluster;
  readonly sourceDb: string;
  readonly targetDb: string;
  readonly slot: string;
  subscription: string | null;
  /** A second target database holding a subscription of the same name (12/13: the oid is found by name). */
  twin: string | null;
}

let made: Made | null = null;

async function until<T>(what: string, fn: () => Promise<T | null>, ms = WORKER_WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A slot a walsender still holds cannot be dropped: end that walsender, then drop, until it is gone. */
async function dropSlot(cluster: Cluster, slot: string): Promise<void> {
  await until(`slot ${slot} to be dropped`, async () => {
    const rows = await cluster.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    if (rows.length === 0) return true;
    if (rows[0]?.active_pid !== null) await cluster.query('SELECT pg_terminate_backend($1)', [rows[0]?.active_pid]);
    else await cluster.query('SELECT pg_drop_replication_slot($1)', [slot]).catch(() => undefined);
    return null;
  });
}

afterEach(async () => {
  if (made === null) return;
  const m = made;
  made = null;
  if (m.subscription !== null) {
    const sub = ident(m.subscription);
    await m.tgt.query(`ALTER SUBSCRIPTION ${sub} DISABLE; ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE); DROP SUBSCRIPTION ${sub}`, [], m.targetDb);
  }
  await dropSlot(m.src, m.slot);
  await m.tgt.dropDatabase(m.targetDb);
  if (m.twin !== null) await m.tgt.dropDatabase(m.twin);
  await m.src.dropDatabase(m.sourceDb);
  const left = await m.src.query('SELECT slot_name FROM pg_replication_slots WHERE slot_name = $1', [m.slot]);
  expect(left).toEqual([]);
});

// The tables both sides have; sales.* is only in the FOR TABLES IN SCHEMA publication (15+), never subscribed. A 12
// subscriber cannot apply into a partitioned table, so there parted is an ordinary one.
function tablesSql(major: number): string {
  return [
    'CREATE TABLE public.orders (id int PRIMARY KEY, note text, secret text)',
    ...(major >= 13
      ? ['CREATE TABLE public.parted (id int PRIMARY KEY, k int) PARTITION BY RANGE (id)', 'CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (100)']
      : ['CREATE TABLE public.parted (id int PRIMARY KEY, k int)']),
    'CREATE SCHEMA sales',
    'CREATE TABLE sales.a (id int PRIMARY KEY)',
  ].join(';\n');
}

/** p_main as far as the source's major allows: 12 cannot publish a partitioned table, filters and column lists are 15+. */
function publicationSql(major: number): string {
  const orders = major >= 15 ? 'public.orders (id, note) WHERE (id > 10)' : 'public.orders';
  const tables = major >= 13 ? `${orders}, public.parted` : orders;
  const withRoot = major >= 13 ? ', publish_via_partition_root = true' : '';
  return `SET ROLE ${SRC};
CREATE PUBLICATION p_main FOR TABLE ${tables} WITH (publish = 'insert, update, delete'${withRoot});
COMMENT ON PUBLICATION p_main IS 'managed by pgrepl test-lineage';
RESET ROLE;
CREATE PUBLICATION p_all FOR ALL TABLES;
${major >= 15 ? 'CREATE PUBLICATION p_schema FOR TABLES IN SCHEMA sales, public;' : ''}`;
}

function expectedPublications(major: number): PublicationFacts[] {
  const all: PublicationFacts = { name: 'p_all', owner: 'postgres', comment: null, allTables: true, viaRoot: false, publish: ['insert', 'update', 'delete', 'truncate'], tables: [], schemas: [] };
  const main: PublicationFacts = {
    name: 'p_main', owner: SOURCE_ROLE.user, comment: 'managed by pgrepl test-lineage', allTables: false, viaRoot: major >= 13, publish: ['insert', 'update', 'delete'],
    tables: [
      major >= 15 ? { schema: 'public', name: 'orders', rowFilter: '(id > 10)', columns: ['id', 'note'] } : { schema: 'public', name: 'orders', rowFilter: null, columns: null },
      ...(major >= 13 ? [{ schema: 'public', name: 'parted', rowFilter: null, columns: null }] : []),
    ],
    schemas: [],
  };
  const schema: PublicationFacts = { ...all, name: 'p_schema', allTables: false, schemas: ['public', 'sales'] };
  return major >= 15 ? [all, main, schema] : [all, main];
}

/** Options a CREATE SUBSCRIPTION may set on a target of `major` (with what pg_subscription then reports). */
function subscriptionOptions(major: number): { sql: string; expected: Record<string, string | boolean> } {
  const sql: string[] = ["synchronous_commit = 'local'"];
  const expected: Record<string, string | boolean> = {};
  if (major >= 14) {
    sql.push('binary = true', `streaming = ${major >= 16 ? 'parallel' : 'on'}`);
    Object.assign(expected, { binary: true, streaming: major >= 16 ? 'parallel' : 'on' });
  }
  if (major >= 15) {
    sql.push('disable_on_error = true', 'two_phase = true');
    Object.assign(expected, { disable_on_error: true, two_phase: true });
  }
  if (major >= 16) {
    sql.push("origin = 'none'", 'run_as_owner = true');
    Object.assign(expected, { origin: 'none', password_required: true, run_as_owner: true });
  }
  if (major >= 17) {
    sql.push('failover = true');
    Object.assign(expected, { failover: true });
  }
  expected.synchronous_commit = 'local';
  return { sql: sql.join(', '), expected };
}

async function setUp(sourceMajor: Major, targetMajor: Major): Promise<Made> {
  const [src, tgt] = await Promise.all([getCluster({ major: sourceMajor }), getCluster({ major: targetMajor })]);
  const sourceDb = await src.createDatabase('irs', { owner: SOURCE_ROLE.user });
  const targetDb = await tgt.createDatabase('irt', { owner: TARGET_ROLE.user });
  const slot = `pgrepl_t_slot_${Math.random().toString(36).slice(2, 10)}`;
  made = { src, tgt, sourceDb, targetDb, slot, subscription: null, twin: null };
  await src.query(`SET ROLE ${SRC}; ${tablesSql(sourceMajor)}; RESET ROLE; ${publicationSql(sourceMajor)}`, [], sourceDb);
  await tgt.query(tablesSql(targetMajor), [], targetDb);
  await src.query('SELECT pg_create_logical_replication_slot($1, $2)', [slot, 'pgoutput'], sourceDb);
  return made;
}

async function subscribe(m: Made, targetMajor: Major, opts: { enabled: boolean }): Promise<Record<string, string | boolean>> {
  const { sql, expected } = subscriptionOptions(targetMajor);
  const conninfo = m.src.url({ database: m.sourceDb });
  await m.tgt.query(
    `CREATE SUBSCRIPTION s_main CONNECTION ${literal(conninfo)} PUBLICATION p_main
       WITH (create_slot = false, slot_name = ${literal(m.slot)}, copy_data = false, enabled = ${String(opts.enabled)}, ${sql});
     COMMENT ON SUBSCRIPTION s_main IS 'managed by pgrepl test-lineage'`,
    [],
    m.targetDb,
  );
  m.subscription = 's_main';
  return expected;
}

async function read(m: Made, targetUser: string = TARGET_ROLE.user): Promise<ActualState> {
  const spec = resolveSpecObject(
    {
      version: 1,
      source: { url: m.src.url({ user: SOURCE_ROLE.user }) },
      target: { url: m.tgt.url({ user: targetUser }) },
      databases: { [m.sourceDb]: { target_database: m.targetDb } },
    },
    { file: null, env: {} },
  );
  return readActualState(spec, { env: ENV });
}

function subscriptionTables(sourceMajor: number): SubscriptionFacts['tables'] {
  return [{ schema: 'public', name: 'orders', state: 'r' }, ...(sourceMajor >= 13 ? [{ schema: 'public', name: 'parted', state: 'r' as const }] : [])];
}

// Every source major the task names (12, 13, 15, 17, 18) and every target major (12 to 18) at least once.
const PAIRS: readonly (readonly [Major, Major])[] = [[12, 14], [13, 16], [15, 15], [17, 17], [18, 18], [14, 12], [16, 13]];

describe.each(PAIRS)('replication objects, source %i -> target %i', (sourceMajor, targetMajor) => {
  it('reads the slot, the publications and a disabled subscription exactly, as the non-superuser roles', async () => {
    const m = await setUp(sourceMajor, targetMajor);
    const expectedOptions = await subscribe(m, targetMajor, { enabled: false });
    if (targetMajor >= 16) await m.tgt.query(`ALTER SUBSCRIPTION s_main OWNER TO ${ident(TARGET_ROLE.user)}`, [], m.targetDb);
    if (targetMajor < 14) {
      // The same name in another database (connect = false: no tables, no slot), so the name alone is ambiguous.
      m.twin = await m.tgt.createDatabase('irw');
      await m.tgt.query(`CREATE SUBSCRIPTION s_main CONNECTION ${literal(m.src.url({ database: m.sourceDb }))} PUBLICATION p_main WITH (connect = false)`, [], m.twin);
    }
    const actual = await read(m);

    expect(actual.source.walLevel).toBe('logical');
    expect(actual.target.walLevel).toBe('logical');
    expect(actual.target.slots).toEqual([]);
    expect(actual.source.slots.map((s) => s.name)).toEqual([...actual.source.slots.map((s) => s.name)].sort());
    const slot = actual.source.slots.find((s) => s.name === m.slot);
    expect(slot).toEqual({
      name: m.slot, database: m.sourceDb, plugin: 'pgoutput', active: false, walStatus: sourceMajor >= 13 ? 'reserved' : null,
      retainedBytes: expect.any(Number) as number, confirmedFlushLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/) as string,
    });
    expect(slot?.retainedBytes).toBeGreaterThanOrEqual(0);

    const db = actual.databases[0];
    expect(db?.source?.publications).toEqual(expectedPublications(sourceMajor));
    expect(db?.target?.subscriptions).toEqual([{
      name: 's_main',
      owner: targetMajor >= 16 ? TARGET_ROLE.user : 'postgres',
      ownerSuperuser: targetMajor < 16,
      comment: 'managed by pgrepl test-lineage',
      enabled: false,
      slotName: m.slot,
      publications: ['p_main'],
      // 12/13 grant PUBLIC no subsynccommit: tgt_user cannot see it (a superuser can, below).
      options: targetMajor >= 14 ? expectedOptions : {},
      tables: subscriptionTables(sourceMajor),
      workerPid: null,
      errorCounts: targetMajor >= 15 ? { apply: 0, sync: 0 } : null,
    }]);
    // Nothing of the conninfo (which may hold a password) reaches the state.
    expect(JSON.stringify(actual)).not.toMatch(/host=|postgres:\/\/postgres@/);
    if (targetMajor < 14) {
      const asSuperuser = await read(m, 'postgres');
      expect(asSuperuser.databases[0]?.target?.subscriptions).toEqual(db?.target?.subscriptions.map((x) => ({ ...x, options: expectedOptions })));
    }
  });
});

describe('an enabled subscription (17 -> 17)', () => {
  it('reads the apply worker and the active slot; a detached subscription reads slotName null', async () => {
    const m = await setUp(17, 17);
    await subscribe(m, 17, { enabled: true });
    const pid = await until('the apply worker', async () => {
      const rows = await m.tgt.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_subscription WHERE subname = 's_main' AND relid IS NULL AND worker_type = 'apply' AND pid IS NOT NULL", [], m.targetDb);
      return rows[0]?.pid ?? null;
    });
    await until('the slot to be active', async () => {
      const rows = await m.src.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [m.slot]);
      return rows[0]?.active === true ? true : null;
    });
    const actual = await read(m);
    expect(actual.source.slots.find((s) => s.name === m.slot)?.active).toBe(true);
    const sub = actual.databases[0]?.target?.subscriptions[0];
    expect(sub).toMatchObject({ name: 's_main', enabled: true, workerPid: pid, errorCounts: { apply: 0, sync: 0 } });

    await m.tgt.query('ALTER SUBSCRIPTION s_main DISABLE', [], m.targetDb);
    await m.tgt.query('ALTER SUBSCRIPTION s_main SET (slot_name = NONE)', [], m.targetDb);
    const detached = await read(m);
    expect(detached.databases[0]?.target?.subscriptions[0]).toMatchObject({ enabled: false, slotName: null });
  });
});
