// copy: native (15 -> 17): the schema and keys are made by pgrepl, the rows are copied by PostgreSQL's own table sync
// (CREATE SUBSCRIPTION … WITH (copy_data = true)), filters included (a 15+ subscriber applies them to the copy).
// apply returns once the subscription exists; after every table is ready the target equals the (filtered) source,
// later changes stream, and the plan is empty.
import { describe, expect, it } from 'vitest';
import { currentLsn, expectSameRowsFiltered, waitForSlotPast, waitForSubscriptionReady } from '../harness/index.js';
import { show, useE2eDatabase } from './e2e-helpers.js';

describe('copy: native (15 -> 17)', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_native',
    sql: `
      CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE public.invoices (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES public.customers, total numeric);
      INSERT INTO public.customers SELECT g, 'c' || g FROM generate_series(1, 1000) g;
      INSERT INTO public.invoices SELECT g, 1 + g % 1000, g FROM generate_series(1, 4000) g;
      ANALYZE`,
    databases: (db, tdb) => ({
      [db]: { target_database: tdb, roles: 'skip', sync: true, copy: 'native', table_filters: [{ table: 'invoices', where: 'id % 2 = 0' }] },
    }),
  });

  it('PostgreSQL copies the rows, then streams; the plan is empty', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const r = await ws.applyOk();
    expect(r.stdout).toMatch(/copy_data = true/);
    const resources = ws.state().resources;
    const sub = String(resources.find((x) => x.kind === 'subscription')?.attributes['name']);
    const slot = String(resources.find((x) => x.kind === 'slot')?.attributes['name']);
    expect(resources.filter((x) => x.kind === 'rows' && x.attributes['kind'] === 'table').map((x) => x.attributes['mode'])).toEqual(['native', 'native']);
    await waitForSubscriptionReady(tgt, tdb, sub, 60_000);
    await src.query("INSERT INTO public.customers VALUES (5000, 'late'); INSERT INTO public.invoices VALUES (5000, 5000, 1), (5001, 5000, 2)", [], db);
    await waitForSlotPast(src, slot, await currentLsn(src), 30_000);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.customers', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.invoices', 'id % 2 = 0', 'id');
    await ws.expectNoChanges();
    const d = await ws.cli(['apply', '--spec', ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
    expect(d.code, show(d)).toBe(0);
    expect(await src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1', [db])).toHaveLength(0);
  });
});
