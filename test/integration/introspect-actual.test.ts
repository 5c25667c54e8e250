// readActualState against real servers, 15 -> 17, trust and scram: server facts, a source database with schemas,
// a partitioned table with two leaves, an empty table, a table with rows and a large object; the target database
// missing (target null), then present with tables that hold rows, an empty one, one the target role may not read
// and one row-level security hides; PGREPL_NOW; no password in the JSON; unmatched names; an unreachable server.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, getCluster, ident, SOURCE_ROLE, TARGET_ROLE, type Cluster } from '../harness/index.js';
import { readActualState } from '../../src/introspect/read-actual.js';
import { reviveActualState } from '../../src/introspect/json-set.js';
import { sampleThroughput } from '../../src/introspect/sample.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { BINARY_COPY_OVERHEAD_BYTES, sampleCopyThroughput } from '../../src/pg/catalog/actual/sample-throughput.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { readTableFacts } from '../../src/pg/catalog/actual/table-facts-io.js';
import { connect } from '../../src/pg/connect.js';
import { lockBudget } from '../../src/pg/lock-budget.js';
import type { ActualState } from '../../src/introspect/types.js';
import { resolveSpecObject } from '../../src/spec/load.js';
import type { Spec } from '../../src/spec/model.js';
import { InputError, PgreplError } from '../../src/util/errors.js';

const ENV = { HOME: '/nonexistent' };
const SRC = ident(SOURCE_ROLE.user);
const TGT = ident(TARGET_ROLE.user);

function spec(src: Cluster, tgt: Cluster, databases: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): Spec {
  return resolveSpecObject(
    {
      version: 1,
      source: { url: src.url({ user: SOURCE_ROLE.user }) },
      target: { url: tgt.url({ user: TARGET_ROLE.user }) },
      databases,
      ...extra,
    },
    { file: null, env: {} },
  );
}

function randomName(prefix: string): string {
  return `pgrepl_t_${prefix}_${Math.random().toString(36).slice(2, 10)}`;
}

const SOURCE_SQL = `
SET ROLE ${SRC};
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id int, k int, note text, PRIMARY KEY (id, k)) PARTITION BY RANGE (k);
CREATE TABLE sales.orders_1 PARTITION OF sales.orders FOR VALUES FROM (0) TO (100);
CREATE TABLE sales.orders_2 PARTITION OF sales.orders FOR VALUES FROM (100) TO (200);
INSERT INTO sales.orders SELECT g, g % 200, repeat('x', 50) FROM generate_series(1, 400) g;
CREATE TABLE public.empty_t (id int PRIMARY KEY);
CREATE TABLE public.full_t (id int PRIMARY KEY, v text);
INSERT INTO public.full_t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 2000) g;
CREATE TABLE public.secret (id int);
CREATE TABLE public.rls_t (id int);
CREATE TABLE "Mixed Case"."Odd ""Name""" (id int);
SELECT lo_from_bytea(0, '\\x0102'::bytea);
ANALYZE;
RESET ROLE;`;

// Target: orders with one leaf holding rows; full_t with rows; empty_t empty; secret owned by the superuser with
// rows and no grant; rls_t readable but hidden by row-level security (no policy = no rows visible).
const TARGET_SQL = `
CREATE SCHEMA sales AUTHORIZATION ${TGT};
SET ROLE ${TGT};
CREATE TABLE sales.orders (id int, k int, note text, PRIMARY KEY (id, k)) PARTITION BY RANGE (k);
CREATE TABLE sales.orders_1 PARTITION OF sales.orders FOR VALUES FROM (0) TO (100);
CREATE TABLE sales.orders_2 PARTITION OF sales.orders FOR VALUES FROM (100) TO (200);
INSERT INTO sales.orders VALUES (1, 150, 'x');
CREATE TABLE public.empty_t (id int PRIMARY KEY);
CREATE TABLE public.full_t (id int PRIMARY KEY, v text);
INSERT INTO public.full_t VALUES (1, 'a');
RESET ROLE;
CREATE TABLE public.secret (id int);
INSERT INTO public.secret VALUES (1);
CREATE TABLE public.rls_t (id int);
GRANT SELECT ON public.rls_t TO ${TGT};
ALTER TABLE public.rls_t ENABLE ROW LEVEL SECURITY;`;

describe.each([{ auth: 'trust' as const }, { auth: 'scram' as const }])('readActualState 15 -> 17 ($auth)', ({ auth }) => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  const targetDb = randomName('iat');
  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15, auth }), getCluster({ major: 17, auth })]);
    // public is not writable by PUBLIC on 15+: the roles that create tables there own the database.
    db = await src.createDatabase('ia', { owner: SOURCE_ROLE.user });
    await src.query(`CREATE SCHEMA "Mixed Case" AUTHORIZATION ${SRC}`, [], db);
    await src.query(SOURCE_SQL, [], db);
  });
  afterAll(async () => {
    if (db) await src.dropDatabase(db);
    await tgt.dropDatabase(targetDb);
  });

  it('reads both servers, the source database, and a missing target database as null', async () => {
    const actual = await readActualState(spec(src, tgt, { [db]: { target_database: targetDb } }), { env: ENV });
    expect(actual.source.major).toBe(15);
    expect(actual.target.major).toBe(17);
    expect(actual.source).toMatchObject({ user: SOURCE_ROLE.user, superuser: false, createdb: false, createrole: false });
    expect(actual.target).toMatchObject({ user: TARGET_ROLE.user, superuser: false, createdb: true });
    expect(actual.source.display).toMatch(new RegExp(`^postgres://${SOURCE_ROLE.user}@127\\.0\\.0\\.1:\\d+/postgres$`));
    expect(actual.source.roles).toEqual([...actual.source.roles].sort());
    expect(actual.source.roles).toEqual(expect.arrayContaining(['pg_read_all_data', 'postgres', SOURCE_ROLE.user, TARGET_ROLE.user]));
    expect(actual.source.memberOf).toContain(SOURCE_ROLE.user);
    expect(actual.source.memberOf).not.toContain('postgres');
    const sdb = actual.source.databases.find((d) => d.name === db);
    expect(sdb).toMatchObject({ owner: SOURCE_ROLE.user, encoding: 'UTF8', localeProvider: 'c', locale: null });
    expect(actual.source.databases.map((d) => d.name)).not.toContain('template1');
    expect(actual.source.libcLocales).toContain(sdb?.collate);
    expect(actual.source.libcLocales).toContain('C');
    expect(actual.target.databases.find((d) => d.name === 'postgres')?.localeProvider).toBe('c');
    expect(actual.source.now).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
    expect(actual.diagnostics).toEqual([]);
    expect(actual.sampledThroughput).toBeNull();

    expect(actual.databases.map((d) => [d.key, d.targetDatabase])).toEqual([[db, targetDb]]);
    const d = actual.databases[0];
    expect(d?.target).toBeNull();
    const source = d?.source;
    expect(source?.largeObjects).toBe(1);
    const sizes = source?.sizes ?? {};
    expect(Object.keys(sizes).sort()).toEqual(
      ['table:"Mixed Case"."Odd ""Name"""', 'table:public.empty_t', 'table:public.full_t', 'table:public.rls_t', 'table:public.secret', 'table:sales.orders', 'table:sales.orders_1', 'table:sales.orders_2'].sort(),
    );
    // The keys are the model's.
    const tableKeys = (source?.model.objects ?? []).filter((o) => o.kind === 'table').map((o) => o.key);
    expect(tableKeys.sort()).toEqual(Object.keys(sizes).sort());
    expect(sizes['table:public.empty_t']).toEqual({ bytes: 0, rowEstimate: 0 });
    expect(sizes['table:public.full_t']?.bytes).toBeGreaterThan(100_000);
    expect(sizes['table:public.full_t']?.rowEstimate).toBe(2000);
    const leaf1 = sizes['table:sales.orders_1'];
    const leaf2 = sizes['table:sales.orders_2'];
    expect(leaf1?.bytes).toBeGreaterThan(0);
    expect(sizes['table:sales.orders']).toEqual({ bytes: (leaf1?.bytes ?? 0) + (leaf2?.bytes ?? 0), rowEstimate: 400 });
    expect(Object.isFrozen(actual)).toBe(true);
  });

  it('reads an existing target: facts by key, rows, oids, an unreadable table as holding rows with the GRANT', async () => {
    await tgt.query(`CREATE DATABASE ${ident(targetDb)} OWNER ${TGT}`);
    await tgt.query(TARGET_SQL, [], targetDb);
    const actual = await readActualState(spec(src, tgt, { [db]: { target_database: targetDb } }), { env: ENV });
    const target = actual.databases[0]?.target;
    expect(target).not.toBeNull();
    const oids = Object.fromEntries(
      (await tgt.query<{ key: string; oid: string }>(
        `SELECT 'table:' || CASE WHEN n.nspname = 'public' THEN 'public' ELSE n.nspname END || '.' || c.relname AS key, c.oid::text AS oid
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'sales') AND c.relkind IN ('r', 'p')`,
        [],
        targetDb,
      )).map((r) => [r.key, Number(r.oid)]),
    );
    expect(target?.tables).toEqual({
      'table:public.empty_t': { oid: oids['table:public.empty_t'], hasRows: false },
      'table:public.full_t': { oid: oids['table:public.full_t'], hasRows: true },
      'table:public.rls_t': { oid: oids['table:public.rls_t'], hasRows: true },
      'table:public.secret': { oid: oids['table:public.secret'], hasRows: true },
      'table:sales.orders': { oid: oids['table:sales.orders'], hasRows: true },
      'table:sales.orders_1': { oid: oids['table:sales.orders_1'], hasRows: false },
      'table:sales.orders_2': { oid: oids['table:sales.orders_2'], hasRows: true },
    });
    expect(target?.model.objects.some((o) => o.key === 'table:public.secret')).toBe(true);
    expect(target?.lookup.functions.has('now')).toBe(true);
    expect(target?.lookup.roles?.has(TARGET_ROLE.user)).toBe(true);
    const warnings = actual.diagnostics.filter((d) => d.severity === 'warning');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^target table public\.rls_t in database ".*": row-level security may hide its rows, so pgrepl counts it as holding rows/),
      expect.stringMatching(/^target table public\.secret in database ".*": role tgt_user may not read it/),
    ]);
    expect(warnings[1]?.hints).toEqual(['GRANT SELECT ON TABLE public.secret TO tgt_user;']);
    expect(warnings[0]?.hints?.[0]).toMatch(/ALTER ROLE tgt_user BYPASSRLS/);
    expect(warnings[1]?.path).toBe(`databases.${db}`);

    // JSON: round-trips (the lookup's Sets serialise as sorted arrays) and holds no password.
    const json = JSON.stringify(actual);
    const back = reviveActualState(JSON.parse(json));
    expect(back.databases[0]?.target?.lookup.functions.has('now')).toBe(true);
    expect(JSON.stringify(back)).toBe(json);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(back)));
    for (const secret of [src.superuser.password, tgt.superuser.password, SOURCE_ROLE.password, TARGET_ROLE.password]) {
      if (secret !== '') expect(json).not.toContain(secret);
    }
    // Not vacuous: under scram both URLs the read started from carry the roles' passwords.
    if (auth === 'scram') expect(decodeURIComponent(src.url({ user: SOURCE_ROLE.user }))).toContain(SOURCE_ROLE.password);
  });

  it('the fallback without query_to_xml gives the same facts', async () => {
    const ci = parseConnString(tgt.url({ user: TARGET_ROLE.user, database: targetDb }), { env: ENV, defaultDatabase: 'postgres' });
    const client = await connect(ci, { side: 'target', env: ENV });
    try {
      const tables = ['orders', 'orders_1', 'orders_2'].map((name) => ({ schema: 'sales', name }));
      tables.push(...['empty_t', 'full_t', 'secret', 'rls_t', 'not_there'].map((name) => ({ schema: 'public', name })));
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const viaXml = await readTableFacts(client, tables);
      const viaUnion = await readTableFacts(client, tables, { xml: false });
      await client.query('COMMIT');
      expect(viaUnion).toEqual(viaXml);
      expect(Object.keys(viaXml.tables)).toHaveLength(7);
      expect(viaXml.tables['table:sales.orders']?.hasRows).toBe(true);
      expect(viaXml.tables['table:public.empty_t']?.hasRows).toBe(false);
    } finally {
      await client.end();
    }
  });

  it('PGREPL_NOW replaces the source now(), not the target one; a malformed value is an input error', async () => {
    const s = spec(src, tgt, { [db]: { target_database: targetDb } });
    const actual = await readActualState(s, { env: { ...ENV, PGREPL_NOW: '2026-01-02T03:04:05Z' } });
    expect(actual.source.now).toBe('2026-01-02T03:04:05Z');
    expect(actual.target.now).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
    const bad = readActualState(s, { env: { ...ENV, PGREPL_NOW: '2026-02-30 10:00' } });
    await expect(bad).rejects.toBeInstanceOf(InputError);
    await expect(bad).rejects.toThrow(/PGREPL_NOW/);
  });

  it('reports names the source lacks as errors with suggestions, and keeps their entry with source null', async () => {
    const actual = await readActualState(spec(src, tgt, { [`${db}x`]: {}, [db]: { target_database: targetDb } }), { env: ENV });
    expect(actual.databases.map((d) => [d.key, d.source === null])).toEqual([
      [`${db}x`, true],
      [db, false],
    ]);
    expect(actual.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(new RegExp(`matches no database on the source.*did you mean ${db}\\?`)), path: `databases.${db}x` }),
    ]);
  });

  it('an unreachable server fails naming it by its display form, with the cause', async () => {
    const port = await freePort();
    const s = resolveSpecObject(
      { version: 1, source: { url: `postgres://${SOURCE_ROLE.user}:secret-pw@127.0.0.1:${port}/postgres` }, target: { url: tgt.url({ user: TARGET_ROLE.user }) }, databases: { [db]: {} } },
      { file: null, env: {} },
    );
    const err = await readActualState(s, { env: ENV }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PgreplError);
    expect((err as Error).message).toContain(`could not connect to the source server postgres://${SOURCE_ROLE.user}@127.0.0.1:${port}/postgres`);
    expect((err as Error).message).not.toContain('secret-pw');
    expect((err as Error).cause).toBeDefined();
  });

  it('samples throughput from the largest readable table and leaves no session behind', async () => {
    const actual = await readActualState(spec(src, tgt, { [db]: { target_database: targetDb } }), { env: ENV, sampleThroughput: true });
    expect(actual.sampledThroughput?.bytesPerSecond).toBeGreaterThan(0);
    expect(actual.sampledThroughput?.basis).toMatch(/^sampled from the source \(\d+\.\d MB in \d+\.\d\d s\)$/);
    await expectNoSessions(src, db);
    await expectNoSessions(tgt, targetDb);
  });

  it('a sample cut short by its byte limit closes its session; a small table is read whole', async () => {
    const ci = parseConnString(src.url({ user: SOURCE_ROLE.user }), { env: ENV, defaultDatabase: 'postgres' });
    const cut = await sampleCopyThroughput(ci, db, { schema: 'public', name: 'full_t' }, { maxBytes: 16 * 1024, env: ENV });
    expect(cut.complete).toBe(false);
    expect(cut.bytes).toBeGreaterThanOrEqual(16 * 1024);
    await expectNoSessions(src, db);
    const whole = await sampleCopyThroughput(ci, db, { schema: 'sales', name: 'orders_1' }, { env: ENV });
    expect(whole.complete).toBe(true);
    expect(whole.bytes).toBeGreaterThan(BINARY_COPY_OVERHEAD_BYTES);
    const empty = await sampleCopyThroughput(ci, db, { schema: 'public', name: 'empty_t' }, { env: ENV });
    expect(empty).toMatchObject({ complete: true, bytes: BINARY_COPY_OVERHEAD_BYTES });
    // A failing sample is a note, not a failure.
    const read = { model: {} as SchemaModel, sizes: {}, largeObjects: 0, unreadable: {}, publications: [], sampleCandidates: [{ schema: 'public', name: 'gone', bytes: 10 }] };
    const failed = await sampleThroughput(ci, [{ database: db, read }], ENV);
    expect(failed.throughput).toBeNull();
    expect(failed.error).toMatch(/^could not sample copy throughput on pgrepl_t_.*\.public\.gone: relation "public\.gone" does not exist/);
    await expectNoSessions(src, db);
  });
});

/** Sessions end a moment after the client closes: wait up to 5 s for the database to have none. */
async function expectNoSessions(cluster: Cluster, database: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  let rows: { pid: number; application_name: string; state: string }[] = [];
  do {
    rows = await cluster.query(`SELECT pid, application_name, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    if (rows.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  expect(rows).toEqual([]);
}

describe('statements per database stay constant with the number of tables (15 -> 17, trust)', () => {
  let src: Cluster;
  let tgt: Cluster;
  const made: { cluster: Cluster; name: string }[] = [];
  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 })]);
  });
  afterAll(async () => {
    for (const m of made) await m.cluster.dropDatabase(m.name);
  });

  async function pair(tables: number): Promise<{ source: string; target: string }> {
    const source = await src.createDatabase('iaq', { owner: SOURCE_ROLE.user });
    const target = randomName('iaqt');
    made.push({ cluster: src, name: source }, { cluster: tgt, name: target });
    const ddl = `DO $$ BEGIN FOR i IN 1..${tables} LOOP
      EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, v text)', i);
      IF i % 2 = 0 THEN EXECUTE format('INSERT INTO public.t%s VALUES (1, ''x'')', i); END IF;
    END LOOP; END $$;`;
    await src.query(`SET ROLE ${SRC}; ${ddl}`, [], source);
    await tgt.query(`CREATE DATABASE ${ident(target)} OWNER ${TGT}`);
    await tgt.query(`SET ROLE ${TGT}; ${ddl}`, [], target);
    return { source, target };
  }

  it('counts the same client.query calls for 3 tables as for 300, but the second session\'s five', async () => {
    const small = await pair(3);
    const large = await pair(300);
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const count = async (p: { source: string; target: string }): Promise<{ calls: number; actual: ActualState }> => {
        spy.mockClear();
        const s = resolveSpecObject(
          { version: 1, source: { url: src.url({ user: SOURCE_ROLE.user }) }, target: { url: tgt.url({ user: TARGET_ROLE.user }) }, databases: { [p.source]: { target_database: p.target } } },
          { file: null, env: {} },
        );
        const actual = await readActualState(s, { env: ENV });
        return { calls: spy.mock.calls.length, actual };
      };
      const a = await count(small);
      const b = await count(large);
      expect(Object.keys(b.actual.databases[0]?.source?.sizes ?? {})).toHaveLength(300);
      expect(Object.keys(b.actual.databases[0]?.target?.tables ?? {})).toHaveLength(300);
      expect(Object.values(b.actual.databases[0]?.target?.tables ?? {}).filter((t) => t.hasRows)).toHaveLength(150);
      expect(Object.keys(a.actual.databases[0]?.target?.tables ?? {})).toHaveLength(3);
      expect(a.calls).toBeGreaterThan(10);
      // 300 tables and their keys reach PARALLEL_READ_MIN_RELATIONS: the sizes and publications are read beside the
      // schema on a second session in the first one's snapshot (pg_export_snapshot, then the session's settings,
      // BEGIN, SET TRANSACTION SNAPSHOT and COMMIT there): five statements more, still none per table. The target's
      // table facts lock each table and its key: 600 relations go in chunks of the lock budget (lock-budget.ts), two
      // statements (the read, the rollback to the savepoint) a further chunk.
      const chunks = Math.ceil((300 * 2) / lockBudget(64));
      expect(chunks).toBeGreaterThan(1);
      expect(b.calls).toBe(a.calls + 5 + 2 * (chunks - 1));
      const source = b.actual.databases[0]?.source;
      expect(Object.keys(source?.sizes ?? {}).sort()).toEqual((source?.model.objects ?? []).filter((o) => o.kind === 'table').map((o) => o.key).sort());
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the oldest and newest majors (12 -> 18, trust)', () => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  const targetDb = randomName('ia18');
  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 12 }), getCluster({ major: 18 })]);
    db = await src.createDatabase('ia12', { owner: SOURCE_ROLE.user });
    const ddl = `CREATE TABLE public.p (id int, k int) PARTITION BY LIST (k);
      CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES IN (1);
      CREATE TABLE public.p2 PARTITION OF public.p FOR VALUES IN (2);
      INSERT INTO public.p VALUES (1, 2);`;
    await src.query(`SET ROLE ${SRC}; ${ddl}`, [], db);
    await tgt.query(`CREATE DATABASE ${ident(targetDb)} OWNER ${TGT}`);
    await tgt.query(`SET ROLE ${TGT}; ${ddl} ANALYZE;`, [], targetDb);
  });
  afterAll(async () => {
    if (db) await src.dropDatabase(db);
    await tgt.dropDatabase(targetDb);
  });

  it('reads locale providers by major, sizes from leaves, and facts on 18', async () => {
    const actual = await readActualState(spec(src, tgt, { [db]: { target_database: targetDb } }), { env: ENV });
    expect(actual.source.major).toBe(12);
    expect(actual.target.major).toBe(18);
    expect(actual.source.databases.find((d) => d.name === db)).toMatchObject({ localeProvider: null, locale: null });
    expect(actual.target.databases.find((d) => d.name === targetDb)?.localeProvider).toBe('c');
    const sizes = actual.databases[0]?.source?.sizes ?? {};
    // Never analysed: reltuples reads 0 before 14 (-1 from 14 on), so the parent sums to 0.
    expect(sizes['table:public.p2']).toMatchObject({ rowEstimate: 0 });
    expect(sizes['table:public.p']?.rowEstimate).toBe(0);
    expect(sizes['table:public.p2']?.bytes).toBeGreaterThan(0);
    expect(sizes['table:public.p']?.bytes).toBe((sizes['table:public.p1']?.bytes ?? 0) + (sizes['table:public.p2']?.bytes ?? 0));
    const tables = actual.databases[0]?.target?.tables ?? {};
    expect(Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, v.hasRows]))).toEqual({
      'table:public.p': true,
      'table:public.p1': false,
      'table:public.p2': true,
    });
  });
});
