// Issue 5's exactness test: a pgbench-style writer (inserts, updates, deletes, a key update, rows moving in and out
// of a REPLICA IDENTITY FULL table's filter, rows moving between partitions) runs on the source during the copy, the
// handoff and the streaming. Once it stops and the slot has passed the source's insert LSN, every table of the
// target equals the source (filtered tables: the filtered source; the time-windowed table: the source from the
// anchored bound on). Then the same with the copy killed mid-way (kill -9) and resumed: the rerun drops the stale
// slot and copies under a new one, and no slot on the source lacks its subscription.
import { describe, expect, it } from 'vitest';
import {
  createSyncFixture, currentLsn, expectSameRowsFiltered, startWriteLoad, syncFixtureComparisons, syncFixtureSettings, waitForSlotPast,
  type Cluster, type WriteLoad,
} from '../harness/index.js';
import { show, useE2eDatabase, type E2eDatabase } from './e2e-helpers.js';

function stateOf(e2e: E2eDatabase): { slot: string; bound: string } {
  const resources = e2e.ws.state().resources;
  const slot = String(resources.find((r) => r.kind === 'slot')?.attributes['name']);
  const events = resources.find((r) => r.address.endsWith('.public.events'));
  const window = events?.attributes['window'] as { bound?: string } | undefined;
  return { slot, bound: String(window?.bound) };
}

async function expectConverged(e2e: E2eDatabase): Promise<void> {
  const { src, tgt, db, tdb } = e2e;
  const { slot, bound } = stateOf(e2e);
  await waitForSlotPast(src, slot, await currentLsn(src), 60_000);
  for (const c of syncFixtureComparisons({ eventsSince: bound })) {
    await expectSameRowsFiltered(src, tgt, db, tdb, c.table, c.where, c.orderBy);
  }
}

/** Every logical slot of the database has a subscription on the target that uses it. */
async function expectNoOrphanSlot(src: Cluster, tgt: Cluster, db: string): Promise<void> {
  const slots = (await src.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots WHERE database = $1', [db])).map((r) => r.slot_name);
  const used = new Set((await tgt.query<{ subslotname: string }>('SELECT subslotname FROM pg_subscription WHERE subslotname IS NOT NULL')).map((r) => r.subslotname));
  expect(slots.filter((s) => !used.has(s))).toEqual([]);
  expect(slots).toHaveLength(1);
}

async function waitForTransactions(load: WriteLoad, n: number): Promise<void> {
  const target = load.snapshot().transactions + n;
  while (load.snapshot().transactions < target) await new Promise((r) => setTimeout(r, 20));
}

function fixture(name: string): E2eDatabase {
  return useE2eDatabase({
    name,
    sql: 'SELECT 1',
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', ...syncFixtureSettings() } }),
    setup: async (f) => {
      await createSyncFixture(f.src, f.db);
    },
  });
}

async function destroy(e2e: E2eDatabase): Promise<void> {
  const r = await e2e.ws.cli(['apply', '--spec', e2e.ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
  expect(r.code, show(r)).toBe(0);
  expect(await e2e.src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1', [e2e.db])).toHaveLength(0);
}

/**
 * Runs `during` (the applies) while the write load runs, keeps the load going for 200 more transactions of
 * streaming, stops it, then checks: every table equals the (filtered) source, no orphan slot, an empty plan; then
 * destroys.
 */
async function underLoad(e2e: E2eDatabase, seed: number, during: (load: WriteLoad) => Promise<void>): Promise<void> {
  const load = await startWriteLoad(e2e.src, e2e.db, { seed, rateHz: 150 });
  try {
    await waitForTransactions(load, 20);
    await during(load);
    await waitForTransactions(load, 200);
  } finally {
    const stats = await load.stop();
    expect(stats.errors).toEqual([]);
  }
  await expectConverged(e2e);
  await expectNoOrphanSlot(e2e.src, e2e.tgt, e2e.db);
  await e2e.ws.expectNoChanges();
  await destroy(e2e);
}

describe('sync under write load (15 -> 17)', () => {
  const e2e = fixture('e2e_sync_load');

  it('copy, handoff and stream lose nothing and apply nothing twice', async () => {
    await underLoad(e2e, 7, async (load) => {
      const before = load.snapshot().transactions;
      await e2e.ws.applyOk();
      expect(load.snapshot().transactions - before).toBeGreaterThan(0);
    });
  });
});

describe('sync under write load with the copy killed mid-way (15 -> 17)', () => {
  const e2e = fixture('e2e_sync_kill');

  it('the rerun copies again under a new slot and stays exact', async () => {
    await underLoad(e2e, 11, async (load) => {
      const killed = await e2e.ws.apply(['--auto-approve'], { PGREPL_FAULT: 'kill-mid-copy:300' });
      expect(killed.signal ?? killed.code, show(killed)).not.toBe(0);
      const first = stateOf(e2e).slot;
      expect(await e2e.src.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [first])).toHaveLength(1);
      await waitForTransactions(load, 50);
      const resumed = await e2e.ws.applyOk();
      expect(resumed.stdout).toMatch(/slot/);
    });
  });
});
