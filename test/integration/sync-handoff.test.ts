// The handoff edge (issue 5): a transaction that holds an xid while the slot is being created, and commits while
// creation waits for it, must arrive on the target exactly once: CREATE_REPLICATION_SLOT waits for it, so its
// rows are inside the exported snapshot the copy reads, and decoding starts after it. The table has no key
// (REPLICA IDENTITY FULL), so a duplicate would show as a second row instead of a stuck apply worker.
import { describe, expect, it } from 'vitest';
import { currentLsn, waitForSlotPast } from '../harness/index.js';
import { show, useE2eDatabase, waitForOutput } from './e2e-helpers.js';

describe('a transaction open while the slot is made (15 -> 17)', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_sync_edge',
    sql: `
      CREATE TABLE public.edge (v int NOT NULL, note text);
      ALTER TABLE public.edge REPLICA IDENTITY FULL;
      INSERT INTO public.edge SELECT g, 'seed' FROM generate_series(1, 100) g;`,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', sync: true } }),
  });

  it('arrives exactly once, and apply said what it waited for', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const open = await src.connect({ database: db });
    let committed = false;
    try {
      await open.query('BEGIN');
      await open.query("INSERT INTO public.edge VALUES (1000, 'in flight')");
      const running = ws.start(['apply', '--spec', ws.specFile, '--auto-approve']);
      await waitForOutput(running, /waits for 1 transaction\(s\) that hold an xid/, 60_000);
      const pid = (await open.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      expect(running.output()).toContain(`pid ${String(pid)}`);
      await open.query("INSERT INTO public.edge VALUES (1001, 'in flight')");
      await open.query('COMMIT');
      committed = true;
      const r = await running.done;
      expect(r.code, show(r)).toBe(0);
    } finally {
      if (!committed) await open.query('ROLLBACK').catch(() => undefined);
      await open.end();
    }
    await src.query("INSERT INTO public.edge VALUES (2000, 'streamed')", [], db);
    const slot = String(ws.state().resources.find((r) => r.kind === 'slot')?.attributes['name']);
    await waitForSlotPast(src, slot, await currentLsn(src), 30_000);
    const counts = await tgt.query<{ v: number; n: string }>('SELECT v, count(*)::text AS n FROM public.edge WHERE v >= 1000 GROUP BY v ORDER BY v', [], tdb);
    expect(counts).toEqual([{ v: 1000, n: '1' }, { v: 1001, n: '1' }, { v: 2000, n: '1' }]);
    expect((await tgt.query<{ n: string }>('SELECT count(*)::text AS n FROM public.edge', [], tdb))[0]?.n).toBe('103');
    await ws.expectNoChanges();
    const d = await ws.cli(['apply', '--spec', ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
    expect(d.code, show(d)).toBe(0);
  });
});
