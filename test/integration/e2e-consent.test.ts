// End to end through the built CLI (15 -> 17): a target table pgrepl did not make that already holds rows is never
// emptied without consent. `apply --auto-approve` exits 1 naming the rows' address and --allow-destroy, and changes
// nothing at all (the row stays, no other table is created, no state is written); with --allow-destroy the table's
// rows are replaced by the source's and the next plan is empty.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectSameRows, show, tableDigest, useE2eDatabase } from './e2e-helpers.js';

describe('a non-empty target table without consent', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_cons',
    sql: `
      CREATE TABLE public.accounts (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE public.notes (id int PRIMARY KEY, body text);
      INSERT INTO public.accounts SELECT g, 'acct ' || g FROM generate_series(1, 25) g;
      INSERT INTO public.notes SELECT g, 'note ' || g FROM generate_series(1, 40) g;
      ANALYZE`,
    // The target database exists already (made by someone else), with the same table holding a row of its own.
    setup: async ({ tgt, tdb }) => {
      await tgt.query(`CREATE DATABASE ${tdb}`);
      await tgt.query("CREATE TABLE public.accounts (id int PRIMARY KEY, name text NOT NULL); INSERT INTO public.accounts VALUES (999, 'precious')", [], tdb);
    },
  });

  it('apply --auto-approve refuses, naming the address and --allow-destroy, and changes nothing', async () => {
    const { tgt, tdb, ws } = e2e;
    const plan = await ws.plan();
    expect(plan.code, show(plan)).toBe(0);
    expect(plan.stdout).toMatch(/# target\.rows\.\S*\.public\.accounts will be replaced/);

    const r = await ws.apply(['--auto-approve']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/target\.rows\.\S*\.public\.accounts/);
    expect(r.stderr).toContain('--allow-destroy');
    expect(await tgt.query('SELECT id, name FROM public.accounts', [], tdb)).toEqual([{ id: 999, name: 'precious' }]);
    expect(await tgt.query("SELECT 1 FROM pg_class WHERE relname = 'notes'", [], tdb)).toEqual([]);
    expect(existsSync(ws.statePath)).toBe(false);
    expect(existsSync(ws.lockPath())).toBe(false);
  });

  it('with --allow-destroy the rows are replaced by the source\'s, then nothing is left to do', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const r = await ws.apply(['--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    await expectSameRows(src, db, tgt, tdb, ['public.accounts', 'public.notes']);
    expect((await tableDigest(tgt, tdb, 'public.accounts', 'id = 999')).rows).toBe(0);
    await ws.expectNoChanges();
  });
});
