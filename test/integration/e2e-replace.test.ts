// `--replace <address>` through the built CLI (15 -> 17): after the target drifted (a row changed, a row deleted, a
// large object overwritten), verify says where, and apply --replace copies exactly that data again: the rows of the
// named table (with the copied tables that reference it, one TRUNCATE, never CASCADE), the large objects; only with
// consent where data is discarded. Source and target compared with this test's SQL, then verify is equal and the
// next plan is empty. A typo is an error naming the closest address, a saved plan with --replace at apply is refused.
import { describe, expect, it } from 'vitest';
import { expectSameRows, show, useE2eDatabase } from './e2e-helpers.js';

const SQL = `
CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int REFERENCES public.customers (id), total numeric(10,2));
CREATE TABLE public.notes (id int PRIMARY KEY, body oid, note text);
INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 200) g;
INSERT INTO public.orders SELECT g, 1 + g % 200, g * 1.25 FROM generate_series(1, 2000) g;
INSERT INTO public.notes SELECT g, lo_from_bytea(830000 + g, convert_to(repeat('note ' || g, 50), 'UTF8')), 'n' || g FROM generate_series(1, 20) g;
`;

const TABLES = ['public.customers', 'public.orders', 'public.notes'];

describe('--replace', () => {
  const f = useE2eDatabase({
    name: 'e2e_replace',
    sql: SQL,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', sync: false, large_objects: true } }),
  });

  const loDigest = async (which: 'src' | 'tgt'): Promise<string> => {
    const [cluster, database] = which === 'src' ? [f.src, f.db] : [f.tgt, f.tdb];
    const rows = await cluster.query<{ h: string }>("SELECT md5(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid)) AS h FROM pg_largeobject_metadata", [], database);
    return rows[0]?.h ?? '';
  };

  it('copies the named data again after drift, with consent, and converges', async () => {
    const { ws, src, tgt, db, tdb } = f;
    await ws.applyOk();
    await expectSameRows(src, db, tgt, tdb, TABLES);

    // Drift on the target: verify sees it, a plain plan does not (the copy is recorded as done).
    await tgt.query("UPDATE public.orders SET total = 0 WHERE id = 7; DELETE FROM public.orders WHERE id = 8; SELECT lo_put(830001, 0, '\\x00'::bytea)", [], tdb);
    const drifted = await ws.cli(['verify', '--spec', ws.specFile]);
    expect(drifted.code, show(drifted)).toBe(2);
    const address = `target.rows.${db}.public.orders`;
    // verify names the data to copy again.
    expect(drifted.stdout).toContain(`pgrepl apply --replace '${address}' --replace 'target.largeobjects.${db}' --allow-destroy`);
    await ws.expectNoChanges();

    const plan = await ws.plan(['--replace', address, '--replace', `target.largeobjects.${db}`]);
    expect(plan.code, show(plan)).toBe(0);
    expect(plan.stdout).toContain(`-/+ ${address}`);
    expect(plan.stdout).toContain('--replace: the rows copied earlier are discarded and copied again');
    expect(plan.stdout).toContain(`-/+ target.largeobjects.${db}`);
    expect(plan.stdout).not.toContain(`target.rows.${db}.public.customers`);

    // Destructive: not without consent, and nothing changed.
    const refused = await ws.apply(['--auto-approve', '--replace', address]);
    expect(refused.code, show(refused)).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/--allow-destroy/);
    expect((await tgt.query<{ n: string }>('SELECT count(*) AS n FROM public.orders', [], tdb))[0]?.n).toBe('1999');

    await ws.applyOk(['--allow-destroy', '--replace', address, '--replace', `target.largeobjects.${db}`]);
    await expectSameRows(src, db, tgt, tdb, TABLES);
    expect(await loDigest('tgt')).toBe(await loDigest('src'));
    const verify = await ws.cli(['verify', '--spec', ws.specFile]);
    expect(verify.code, show(verify)).toBe(0);
    await ws.expectNoChanges();
  });

  it('a referenced table takes the tables that reference it along', async () => {
    const { ws, src, tgt, db, tdb } = f;
    await tgt.query("UPDATE public.customers SET name = 'drifted' WHERE id = 3", [], tdb);
    const plan = await ws.plan(['--replace', `target.rows.${db}.public.customers`]);
    expect(plan.code, show(plan)).toBe(0);
    expect(plan.stdout).toContain(`-/+ target.rows.${db}.public.customers`);
    expect(plan.stdout).toContain(`-/+ target.rows.${db}.public.orders`);
    await ws.applyOk(['--allow-destroy', '--replace', `target.rows.${db}.public.customers`]);
    await expectSameRows(src, db, tgt, tdb, TABLES);
    await ws.expectNoChanges();
  });

  it('refuses an address the spec copies nothing for, naming the closest, and --replace beside a saved plan', async () => {
    const { ws, db } = f;
    const typo = await ws.plan(['--replace', `target.rows.${db}.public.order`]);
    expect(typo.code, show(typo)).toBe(1);
    expect(typo.stderr + typo.stdout).toContain(`--replace target.rows.${db}.public.order: the spec copies no such data`);
    expect(typo.stderr + typo.stdout).toContain(`did you mean target.rows.${db}.public.orders?`);
    const table = await ws.plan(['--replace', `target.table.${db}.public.orders`]);
    expect(table.code, show(table)).toBe(1);
    expect(table.stderr + table.stdout).toContain('only copied data can be copied again');
    const saved = await ws.apply(['plan.json', '--replace', `target.rows.${db}.public.orders`]);
    expect(saved.code, show(saved)).toBe(1);
    expect(saved.stderr + saved.stdout).toContain('--replace shapes the plan');
  });
});
