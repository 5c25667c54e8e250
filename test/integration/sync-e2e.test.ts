// Continuous sync end to end through the built CLI (15 -> 17): apply makes the publication, the slot (whose snapshot
// the copy reads) and the subscription; rows written afterwards arrive; the next plan is empty; a table added to
// the spec is copied by REFRESH PUBLICATION alone; destroy removes every replication object.
import { afterAll, describe, expect, it } from 'vitest';
import { currentLsn, waitForSlotPast } from '../harness/index.js';
import { expectSameRows, show, useE2eDatabase } from './e2e-helpers.js';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('sync: true (15 -> 17)', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_sync',
    sql: `
      CREATE TABLE public.accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, balance numeric NOT NULL DEFAULT 0);
      CREATE TABLE public.orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES public.accounts, amount numeric);
      CREATE TABLE public.later (id int PRIMARY KEY, note text);
      INSERT INTO public.accounts (name, balance) SELECT 'a' || g, g FROM generate_series(1, 2000) g;
      INSERT INTO public.orders SELECT g, 1 + g % 2000, g * 1.5 FROM generate_series(1, 5000) g;
      INSERT INTO public.later SELECT g, 'n' || g FROM generate_series(1, 300) g;
      ANALYZE`,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', sync: true, exclude_tables: ['later'] } }),
  });

  afterAll(async () => {
    // Never leave a slot behind on the shared server.
    const { src, db } = e2e;
    await src.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active", [db]).catch(() => undefined);
  });

  const slotName = (): string => {
    const slot = e2e.ws.state().resources.find((r) => r.kind === 'slot');
    return String(slot?.attributes['name']);
  };

  it('copies in the slot\'s snapshot, then streams; the next plan is empty', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const applied = await ws.applyOk();
    expect(applied.stdout + applied.stderr).toMatch(/slot/);
    const subs = await tgt.query<{ subname: string; subenabled: boolean }>('SELECT subname, subenabled FROM pg_subscription', [], tdb);
    expect(subs).toHaveLength(1);
    expect(subs[0]?.subenabled).toBe(true);
    await src.query("INSERT INTO public.accounts (name) VALUES ('streamed'); UPDATE public.orders SET amount = 0 WHERE id <= 10; DELETE FROM public.orders WHERE id > 4990", [], db);
    const lsn = await currentLsn(src);
    await waitForSlotPast(src, slotName(), lsn, 30_000);
    await expectSameRows(src, db, tgt, tdb, ['public.accounts', 'public.orders']);
    await ws.expectNoChanges();
  });

  it('a table added to the spec is copied by the subscription alone', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    ws.setDatabases({ [db]: { target_database: tdb, roles: 'skip', sync: true } });
    const planned = await ws.plan();
    expect(planned.code, show(planned)).toBe(0);
    expect(planned.stdout).toMatch(/ADD TABLE public\.later/);
    expect(planned.stdout).toMatch(/REFRESH PUBLICATION WITH \(copy_data = true\)/);
    expect(planned.stdout).not.toMatch(/target\.rows\.\S+\.public\.orders/);
    await ws.applyOk();
    await waitFor(async () => (await tgt.query<{ n: string }>("SELECT count(*) AS n FROM pg_subscription_rel WHERE srsubstate <> 'r'", [], tdb))[0]?.n === '0', 'the table sync');
    await src.query("INSERT INTO public.later VALUES (1000, 'after')", [], db);
    await waitForSlotPast(src, slotName(), await currentLsn(src), 30_000);
    await expectSameRows(src, db, tgt, tdb, ['public.later']);
    await ws.expectNoChanges();
  });

  it('destroy drops the subscription, the slot and the publication', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const r = await ws.cli(['apply', '--spec', ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    expect(await tgt.query('SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = $1', [tdb])).toHaveLength(0);
    expect(await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [tdb])).toHaveLength(0);
    expect(await src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1', [db])).toHaveLength(0);
    expect(await src.query('SELECT 1 FROM pg_publication', [], db)).toHaveLength(0);
  });
});
