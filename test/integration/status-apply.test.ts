// `pgrepl status` on what `pgrepl apply` made (sync: true): the state records the publication, slot and
// subscription under pgrepl's own names, and status finds them, every table ready and the stream caught up. Then
// the subscription stops by hand and status says broken, naming it.
import { describe, expect, it } from 'vitest';
import { ident } from '../harness/index.js';
import { show, useE2eDatabase } from './e2e-helpers.js';

interface StatusJson {
  exit_code: number;
  databases: Array<{ key: string; health: string; reasons: string[]; subscription: { name: string; tables: { ready: number; syncing: number } } | null; lag: { caught_up: boolean } | null }>;
}

describe('pgrepl status after pgrepl apply (sync: true, 15 -> 17)', () => {
  const f = useE2eDatabase({
    name: 'status_apply',
    sql: `CREATE TABLE public.customers (id int PRIMARY KEY, name text);
          CREATE TABLE public.orders (id int PRIMARY KEY, customer int REFERENCES public.customers, total numeric);
          INSERT INTO public.customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
          INSERT INTO public.orders SELECT g, 1 + g % 50, g FROM generate_series(1, 200) g;`,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', sync: true } }),
  });

  it('reports what apply made as healthy, and a subscription disabled by hand as broken', async () => {
    await f.ws.applyOk();
    const started = Date.now();
    let json: StatusJson;
    for (;;) {
      const r = await f.ws.cli(['status', '--spec', f.ws.specFile, '--json']);
      expect([0, 2], show(r)).toContain(r.code);
      json = JSON.parse(r.stdout) as StatusJson;
      if (json.exit_code === 0 && json.databases[0]?.health === 'healthy' && json.databases[0].lag?.caught_up === true) break;
      if (Date.now() - started > 60_000) throw new Error(`never healthy and caught up:\n${show(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const db = json.databases[0];
    expect(db?.key).toBe(f.db);
    expect(db?.subscription?.tables).toMatchObject({ ready: 2, syncing: 0 });

    const text = await f.ws.cli(['status', '--spec', f.ws.specFile, '--max-lag', '10s']);
    expect(text.code, show(text)).toBe(0);
    expect(text.stdout).toMatch(/✓ healthy[\s\S]*2 of 2 ready[\s\S]*caught up/);
    if (process.env['SHOW_STATUS'] === '1') process.stdout.write(text.stdout);

    const sub = db?.subscription?.name ?? '';
    await f.tgt.query(`ALTER SUBSCRIPTION ${ident(sub)} DISABLE`, [], f.tdb);
    const broken = await f.ws.cli(['status', '--spec', f.ws.specFile]);
    expect(broken.code, show(broken)).toBe(2);
    expect(broken.stdout).toContain(`subscription ${sub} is disabled, but the spec wants it enabled`);
    await f.tgt.query(`ALTER SUBSCRIPTION ${ident(sub)} ENABLE`, [], f.tdb);
  });
});
