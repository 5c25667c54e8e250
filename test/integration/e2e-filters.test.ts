// End to end through the built CLI (15 -> 17): what a spec leaves out stays out and what it filters is filtered.
// - a time window (`last: 30 days`) anchored at the injected clock (PGREPL_NOW): only newer rows are copied, a plan a
//   day later is still empty, `plan --refresh-windows` a day later replaces that table's rows and nothing else;
// - table_filters (with an FK whose child filter mirrors the parent's), schema_only (structure, no rows),
//   exclude_tables and include_tables (the rest is absent on the target), renamed target databases; a changed filter
//   re-copies that table's rows only;
// - a time window on a table another copied table references: a plan error naming both by default, an FK made NOT
//   VALID on the target with `filtered_foreign_keys: not_valid` (and the plan stays empty a day later).
// Rows are compared with the test's own SQL, the filter applied on the source side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { databaseExists, ensureCli, expectSameRows, show, tableDigest, targetName, useE2eDatabase, Workspace } from './e2e-helpers.js';

const T = '2026-03-15T12:00:00Z';
const T_PLUS_1D = '2026-03-16T12:00:00Z';
const WINDOW = `created_at >= '${T}'::timestamptz - interval '30 days'`;
const WINDOW_1D = `created_at >= '${T_PLUS_1D}'::timestamptz - interval '30 days'`;

describe('time window anchored at the injected clock', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_win',
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', time_filters: [{ table: 'events', column: 'created_at', last: '30 days' }] } }),
    sql: `
      CREATE TABLE public.customers (id int PRIMARY KEY, name text);
      CREATE TABLE public.events (id bigint PRIMARY KEY, customer_id int REFERENCES public.customers, created_at timestamptz NOT NULL, note text);
      CREATE INDEX events_created ON public.events (created_at);
      INSERT INTO public.customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
      -- Every 2 hours from T - 60 days to T (721 rows), plus one row exactly on the bound and one a second before it.
      INSERT INTO public.events SELECT g, 1 + g % 50, '${T}'::timestamptz - g * interval '2 hours', 'e' || g FROM generate_series(0, 720) g;
      INSERT INTO public.events VALUES (100001, 1, '${T}'::timestamptz - interval '30 days', 'on the bound'),
                                       (100002, 1, '${T}'::timestamptz - interval '30 days 1 second', 'just outside'),
                                       (100003, 1, '${T}'::timestamptz - interval '29 days 12 hours', 'inside, and outside a day later');
      ANALYZE`,
  });

  it('copies only the rows newer than T - 30 days and shows the window as a literal', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const planned = await ws.plan([], { PGREPL_NOW: T });
    expect(planned.code, show(planned)).toBe(0);
    expect(planned.stdout).toContain("'2026-02-13 12:00:00+00'");
    await ws.applyOk([], { PGREPL_NOW: T });
    const counts = await expectSameRows(src, db, tgt, tdb, ['public.customers', { table: 'public.events', where: WINDOW }]);
    expect(counts['public.events']).toBe(361 + 2); // every 2 h over 30 days (both ends) + the bound row + the 29.5-day row
    const notes = await tgt.query<{ note: string }>("SELECT note FROM public.events WHERE id > 100000 ORDER BY id", [], tdb);
    expect(notes.map((r) => r.note)).toEqual(['on the bound', 'inside, and outside a day later']);
    await ws.expectNoChanges({ PGREPL_NOW: T });
  });

  it('a plan made a day later is still empty (the window is anchored in state)', async () => {
    const { ws } = e2e;
    await ws.expectNoChanges({ PGREPL_NOW: T_PLUS_1D });
    const serial = ws.state().serial;
    const again = await ws.apply(['--auto-approve'], { PGREPL_NOW: T_PLUS_1D });
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(ws.state().serial).toBe(serial);
  });

  it('plan --refresh-windows a day later narrows the window without copying; prune: true deletes what it leaves', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const r = await ws.plan(['--refresh-windows', '--detailed-exitcode'], { PGREPL_NOW: T_PLUS_1D });
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toMatch(/# target\.rows\.\S*\.public\.events will be updated in-place/);
    expect(r.stdout).toContain('nothing is copied');
    expect(r.stdout).toContain("'2026-02-14 12:00:00+00'");
    expect(r.stdout).not.toMatch(/# target\.rows\.\S*\.public\.customers/);

    // prune: true deletes the rows the narrower window leaves: destructive, so it needs consent.
    ws.setDatabases({ [db]: { target_database: tdb, roles: 'skip', prune: true, time_filters: [{ table: 'events', column: 'created_at', last: '30 days' }] } });
    const refused = await ws.apply(['--auto-approve', '--refresh-windows'], { PGREPL_NOW: T_PLUS_1D });
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('--allow-destroy');
    const a = await ws.apply(['--auto-approve', '--allow-destroy', '--refresh-windows'], { PGREPL_NOW: T_PLUS_1D });
    expect(a.code, show(a)).toBe(0);
    expect(a.stdout).toContain('DELETE FROM ONLY public.events WHERE NOT');
    await expectSameRows(src, db, tgt, tdb, ['public.customers', { table: 'public.events', where: WINDOW_1D }]);
    await ws.expectNoChanges({ PGREPL_NOW: T_PLUS_1D });
    await ws.expectNoChanges({ PGREPL_NOW: '2026-04-20T00:00:00Z' });
  });
});

describe('filters, schema_only, include/exclude, renamed target databases', () => {
  let src: Cluster;
  let tgt: Cluster;
  let dbA: string;
  let dbB: string;
  let tdbA: string;
  let tdbB: string;
  let ws: Workspace;

  const SQL = `
    CREATE SCHEMA sales;
    CREATE SCHEMA scratch;
    CREATE TABLE public.products (id int PRIMARY KEY, category text NOT NULL, price numeric);
    CREATE TABLE sales.orders (id int PRIMARY KEY, region int NOT NULL, placed date);
    CREATE TABLE sales.order_lines (order_id int REFERENCES sales.orders, line int, product_id int, PRIMARY KEY (order_id, line));
    CREATE TABLE public.audit_log (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), what text);
    CREATE TABLE public.tmp_import (id int, payload text);
    CREATE TABLE scratch.junk (id int);
    INSERT INTO public.products SELECT g, (ARRAY['a', 'b', 'c'])[1 + g % 3], g * 1.5 FROM generate_series(1, 90) g;
    INSERT INTO sales.orders SELECT g, g % 4, '2026-01-01'::date + g FROM generate_series(1, 400) g;
    INSERT INTO sales.order_lines SELECT 1 + g % 400, g, 1 + g % 90 FROM generate_series(1, 1200) g;
    INSERT INTO public.audit_log (what) SELECT 'did ' || g FROM generate_series(1, 300) g;
    INSERT INTO public.tmp_import SELECT g, 'x' FROM generate_series(1, 10) g;
    INSERT INTO scratch.junk SELECT generate_series(1, 10);
    ANALYZE`;

  const settingsA = (orderFilter: string, lineFilter: string): Record<string, unknown> => ({
    target_database: tdbA, roles: 'skip',
    exclude_tables: ['public.tmp_*', 'scratch.*'],
    schema_only: ['public.audit_log'],
    table_filters: [
      { table: 'sales.orders', where: orderFilter },
      { table: 'sales.order_lines', where: lineFilter },
      { table: 'products', where: "category <> 'c'" },
    ],
  });

  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 }), ensureCli()]) as [Cluster, Cluster, void];
    dbA = await src.createDatabase('e2e_fa');
    dbB = await src.createDatabase('e2e_fb');
    await src.query(SQL, [], dbA);
    await src.query(SQL, [], dbB);
    tdbA = targetName('e2e_fa_renamed');
    tdbB = targetName('e2e_fb_renamed');
    ws = new Workspace({
      source: src, target: tgt,
      databases: {
        [dbA]: settingsA('id % 4 IN (1, 2)', 'order_id % 4 IN (1, 2)'),
        [dbB]: { target_database: tdbB, roles: 'skip', include_tables: ['public.products', 'public.audit_log'] },
      },
    });
  });

  afterAll(async () => {
    for (const d of [dbA, dbB]) if (d) await src.dropDatabase(d);
    for (const d of [tdbA, tdbB]) if (d) await tgt.dropDatabase(d);
    ws?.remove();
  });

  async function relations(cluster: Cluster, database: string): Promise<string[]> {
    return (await cluster.query<{ n: string }>(
      "SELECT n.nspname || '.' || c.relname AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
      [], database)).map((r) => r.n);
  }

  it('applies the scope: filtered rows, schema-only structure, excluded and not-included tables absent, renamed databases', async () => {
    // The child's filter is the parent's with the key replaced by the FK column: accepted (the FK rule).
    const r = await ws.plan();
    expect(r.code, show(r)).toBe(0);
    await ws.applyOk();
    expect(await databaseExists(tgt, dbA)).toBe(false);
    expect(await databaseExists(tgt, dbB)).toBe(false);

    expect(await relations(tgt, tdbA)).toEqual(['public.audit_log', 'public.products', 'sales.order_lines', 'sales.orders']);
    await expectSameRows(src, dbA, tgt, tdbA, [
      { table: 'sales.orders', where: 'id % 4 IN (1, 2)' },
      { table: 'sales.order_lines', where: 'order_id % 4 IN (1, 2)' },
      { table: 'public.products', where: "category <> 'c'" },
    ]);
    expect((await tableDigest(tgt, tdbA, 'sales.orders')).rows).toBe(200);
    expect((await tableDigest(tgt, tdbA, 'public.audit_log')).rows).toBe(0);
    // The schema-only table is usable: its sequence default works on the target.
    await tgt.query("INSERT INTO public.audit_log (what) VALUES ('probe'); DELETE FROM public.audit_log", [], tdbA);

    expect(await relations(tgt, tdbB)).toEqual(['public.audit_log', 'public.products']);
    await expectSameRows(src, dbB, tgt, tdbB, ['public.products', 'public.audit_log']);
    await ws.expectNoChanges();
  });

  it('a changed filter re-copies that table (and what it truncates with it) only, with consent', async () => {
    ws.setDatabases({
      [dbA]: settingsA('id % 4 IN (1, 2, 3)', 'order_id % 4 IN (1, 2, 3)'),
      [dbB]: { target_database: tdbB, roles: 'skip', include_tables: ['public.products', 'public.audit_log'] },
    });
    const p = await ws.plan(['--detailed-exitcode']);
    expect(p.code, show(p)).toBe(2);
    expect(p.stdout).toMatch(/# target\.rows\.\S*\.sales\.orders will be replaced/);
    expect(p.stdout).not.toMatch(/# target\.rows\.\S*public\.products/);
    expect(p.stdout).not.toMatch(/# target\.(table|database)\./);

    const refused = await ws.apply(['--auto-approve']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('--allow-destroy');
    expect((await tableDigest(tgt, tdbA, 'sales.orders')).rows).toBe(200);

    const a = await ws.apply(['--auto-approve', '--allow-destroy']);
    expect(a.code, show(a)).toBe(0);
    await expectSameRows(src, dbA, tgt, tdbA, [
      { table: 'sales.orders', where: 'id % 4 IN (1, 2, 3)' },
      { table: 'sales.order_lines', where: 'order_id % 4 IN (1, 2, 3)' },
      { table: 'public.products', where: "category <> 'c'" },
    ]);
    expect((await tableDigest(tgt, tdbA, 'sales.orders')).rows).toBe(300);
    await expectSameRows(src, dbB, tgt, tdbB, ['public.products']);
    await ws.expectNoChanges();
  });
});

describe('a time window on a referenced table with filtered_foreign_keys: not_valid', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_nv',
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', time_filters: [{ table: 'orders', column: 'placed', last: '30 days' }] } }),
    sql: `
      CREATE TABLE public.orders (id int PRIMARY KEY, placed timestamptz NOT NULL);
      CREATE TABLE public.order_lines (order_id int NOT NULL REFERENCES public.orders, line int NOT NULL, PRIMARY KEY (order_id, line));
      INSERT INTO public.orders SELECT g, '${T}'::timestamptz - g * interval '1 day' FROM generate_series(1, 90) g;
      INSERT INTO public.order_lines SELECT 1 + g % 90, g FROM generate_series(1, 270) g;
      ANALYZE`,
  });

  it('refused by default naming both tables; with not_valid the FK is made NOT VALID and the plan stays empty', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const refused = await ws.plan([], { PGREPL_NOW: T });
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('public.order_lines');
    expect(refused.stdout + refused.stderr).toContain('public.orders');

    ws.setDatabases({ [db]: { target_database: tdb, roles: 'skip', filtered_foreign_keys: 'not_valid', time_filters: [{ table: 'orders', column: 'placed', last: '30 days' }] } });
    await ws.applyOk([], { PGREPL_NOW: T });
    await expectSameRows(src, db, tgt, tdb, [{ table: 'public.orders', where: `placed >= '${T}'::timestamptz - interval '30 days'` }, 'public.order_lines']);
    const fk = await tgt.query("SELECT convalidated FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.order_lines'::regclass", [], tdb);
    expect(fk).toEqual([{ convalidated: false }]);
    await ws.expectNoChanges({ PGREPL_NOW: T });
    await ws.expectNoChanges({ PGREPL_NOW: T_PLUS_1D });
  });
});
