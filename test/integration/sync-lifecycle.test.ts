// The replication lifecycle through plan/apply (15 -> 17), with the built CLI as a user drives it: a table removed
// from the spec, a table re-filtered, a column added on the source, a pause and resume, a subscription disabled and a
// slot dropped behind pgrepl's back, and an interrupted first copy. Every step waits until its change has streamed
// and ends with an empty plan.
import { afterAll, describe, expect, it } from 'vitest';
import { currentLsn, expectSameRowsFiltered, ident, waitForSlotPast, waitForSubscriptionReady, type Cluster } from '../harness/index.js';
import { show, tableDigest, useE2eDatabase, type DatabaseSettings, type E2eDatabase, type StateJson } from './e2e-helpers.js';

const STREAM_TIMEOUT_MS = 30_000;

const SCHEMA = `
  CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric NOT NULL DEFAULT 0);
  CREATE TABLE public.items (id int PRIMARY KEY, label text NOT NULL);
  CREATE TABLE public.gone (id int PRIMARY KEY, note text);
  INSERT INTO public.accounts SELECT g, 'a' || g, g FROM generate_series(1, 2000) g;
  INSERT INTO public.items SELECT g, 'i' || g FROM generate_series(1, 3000) g;
  INSERT INTO public.gone SELECT g, 'g' || g FROM generate_series(1, 500) g;
  ANALYZE`;

/** The spec's database block: streamed, items filtered on its key. */
function settings(tdb: string, extra: DatabaseSettings = {}, itemsWhere = 'id % 2 = 0'): DatabaseSettings {
  return { target_database: tdb, roles: 'skip', sync: true, table_filters: [{ table: 'items', where: itemsWhere }], ...extra };
}

function resourceName(state: StateJson, kind: 'slot' | 'subscription'): string {
  const r = state.resources.find((x) => x.kind === kind);
  if (r === undefined) throw new Error(`no ${kind} in the state`);
  return String(r.attributes['name']);
}

function copiedAt(state: StateJson, table: string): unknown {
  return state.resources.find((r) => r.address.endsWith(`.public.${table}`))?.attributes['copied_at'];
}

/** The source's current WAL insert position has been confirmed by the slot: everything written so far arrived. */
async function streamed(e2e: E2eDatabase): Promise<void> {
  await waitForSlotPast(e2e.src, resourceName(e2e.ws.state(), 'slot'), await currentLsn(e2e.src), STREAM_TIMEOUT_MS);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = STREAM_TIMEOUT_MS): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function subEnabled(tgt: Cluster, tdb: string, sub: string): Promise<boolean | undefined> {
  return (await tgt.query<{ subenabled: boolean }>('SELECT subenabled FROM pg_subscription WHERE subname = $1', [sub], tdb))[0]?.subenabled;
}

/** Every slot of `db` on the source has a subscription on the target naming it (checked by name). */
async function expectNoOrphanSlot(src: Cluster, tgt: Cluster, db: string): Promise<void> {
  const slots = (await src.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots WHERE database = $1 ORDER BY 1', [db])).map((r) => r.slot_name);
  const subs = (await tgt.query<{ subslotname: string | null }>('SELECT subslotname FROM pg_subscription')).map((r) => r.subslotname);
  expect(slots.length).toBeGreaterThan(0);
  for (const slot of slots) expect(subs, `slot ${slot} has no subscription`).toContain(slot);
}

/** destroy (target data too), then drop by SQL whatever subscription of its target or slot of its source is left. */
async function teardown(e2e: E2eDatabase): Promise<void> {
  if (e2e.ws === undefined) return;
  const r = await e2e.ws.apply(['--destroy', '--auto-approve', '--allow-destroy']);
  if (r.code !== 0) console.error(`destroy failed:\n${show(r)}`);
  const subs = await e2e.tgt.query<{ subname: string }>(
    'SELECT s.subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = $1', [e2e.tdb]);
  for (const { subname } of subs) {
    const q = ident(subname);
    await e2e.tgt.query(`ALTER SUBSCRIPTION ${q} DISABLE; ALTER SUBSCRIPTION ${q} SET (slot_name = NONE); DROP SUBSCRIPTION ${q}`, [], e2e.tdb);
  }
  await e2e.src.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = $1 AND active', [e2e.db]);
  await waitFor(async () => (await e2e.src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1 AND active', [e2e.db])).length === 0, 'the slots to go idle', 10_000);
  await e2e.src.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1', [e2e.db]);
}

describe('sync lifecycle through plan/apply (15 -> 17)', () => {
  const e2e = useE2eDatabase({ name: 'e2e_life', sql: SCHEMA, databases: (db, tdb) => ({ [db]: settings(tdb) }) });
  // A second database, for the interrupted first copy (its own state and workspace).
  const killed = useE2eDatabase({
    name: 'e2e_life_kill',
    sql: `CREATE TABLE public.big (id int PRIMARY KEY, payload text NOT NULL);
          INSERT INTO public.big SELECT g, repeat('x', 100) || g FROM generate_series(1, 20000) g;
          CREATE TABLE public.small (id int PRIMARY KEY);
          INSERT INTO public.small SELECT generate_series(1, 100);
          ANALYZE`,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', sync: true } }),
  });

  // The items filter in force: the re-filter step moves it once it applied, so the later steps hold either way.
  let itemsWhere = 'id % 2 = 0';
  /** The spec after the removal step (gone excluded), with the filter in force. */
  const steady = (extra: DatabaseSettings = {}): Record<string, DatabaseSettings> => ({ [e2e.db]: settings(e2e.tdb, { exclude_tables: ['gone'], ...extra }, itemsWhere) });

  afterAll(async () => {
    // Never leave a slot behind on the shared source cluster.
    // Both, even when the first throws; then the check that nothing is left.
    const results = await Promise.allSettled([teardown(e2e), teardown(killed)]);
    const left = await e2e.src.query('SELECT slot_name FROM pg_replication_slots WHERE database = ANY($1)', [[e2e.db, killed.db]]);
    expect(left, 'slots left on the source').toEqual([]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

  it('starts streaming: copy in the slot\'s snapshot, then changes arrive', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    await ws.applyOk();
    await src.query("INSERT INTO public.accounts VALUES (5001, 'new', 1); UPDATE public.items SET label = 'u' WHERE id <= 20; INSERT INTO public.gone VALUES (501, 'g501')", [], db);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', 'id % 2 = 0', 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.gone', null, 'id');
    await ws.expectNoChanges();
  });

  it('a table removed from the spec leaves the publication (copy_data = false); its target rows stay and stop following', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const before = await tableDigest(tgt, tdb, 'public.gone');
    ws.setDatabases({ [db]: settings(tdb, { exclude_tables: ['gone'] }) });
    const planned = await ws.plan();
    expect(planned.code, show(planned)).toBe(0);
    expect(planned.stdout).toMatch(/ALTER PUBLICATION \S+ DROP TABLE public\.gone/);
    expect(planned.stdout).toMatch(/REFRESH PUBLICATION WITH \(copy_data = false\)/);
    // The target table and its rows stay: nothing drops or empties it.
    expect(planned.stdout).not.toMatch(/^\s*(DROP|TRUNCATE) TABLE[^\n]*public\.gone/m);
    await ws.applyOk();
    const sub = resourceName(ws.state(), 'subscription');
    const rels = await tgt.query<{ rel: string }>(
      'SELECT sr.srrelid::regclass::text AS rel FROM pg_subscription_rel sr JOIN pg_subscription s ON s.oid = sr.srsubid WHERE s.subname = $1 ORDER BY 1', [sub], tdb);
    expect(rels.map((r) => r.rel)).toEqual(['accounts', 'items']);
    await src.query("INSERT INTO public.gone VALUES (502, 'after'); UPDATE public.gone SET note = 'changed' WHERE id <= 10; DELETE FROM public.gone WHERE id > 400; INSERT INTO public.accounts VALUES (5002, 'still', 2)", [], db);
    await streamed(e2e);
    expect(await tableDigest(tgt, tdb, 'public.gone')).toEqual(before);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await ws.expectNoChanges();
  });

  it('a re-filtered table is re-synchronised (destructive, consent); the others are not copied again', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const stateBefore = ws.state();
    const accountsCopiedAt = copiedAt(stateBefore, 'accounts');
    expect(accountsCopiedAt).toEqual(expect.any(String));
    ws.setDatabases({ [db]: settings(tdb, { exclude_tables: ['gone'] }, 'id % 3 = 0') });
    try {
      await refilter();
    } catch (e) {
      ws.setDatabases(steady());
      throw e;
    }
    itemsWhere = 'id % 3 = 0';
    await src.query(
      "INSERT INTO public.items SELECT g, 'n' || g FROM generate_series(3001, 3012) g; UPDATE public.items SET label = 'v' WHERE id BETWEEN 30 AND 60; DELETE FROM public.items WHERE id BETWEEN 90 AND 99",
      [], db);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', itemsWhere, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    expect(copiedAt(ws.state(), 'accounts')).toBe(accountsCopiedAt);
    await ws.expectNoChanges();
  });

  async function refilter(): Promise<void> {
    const { src, tgt, db, tdb, ws } = e2e;
    const planned = await ws.plan();
    expect(planned.code, show(planned)).toBe(0);
    expect(planned.stdout).toMatch(/target\.rows\.\S+\.public\.items/);
    expect(planned.stdout).not.toMatch(/target\.rows\.\S+\.public\.accounts/);
    expect(planned.stdout).toMatch(/REFRESH PUBLICATION WITH \(copy_data = true\)/);
    expect(planned.stdout).not.toMatch(/SET TABLE/);
    const refused = await ws.apply(['--auto-approve']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/--allow-destroy/);
    await ws.applyOk(['--allow-destroy']);
    await waitForSubscriptionReady(tgt, tdb, resourceName(ws.state(), 'subscription'), STREAM_TIMEOUT_MS);
    // The table sync copied the new filter's rows (before any later change).
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', 'id % 3 = 0', 'id');
  }

  it('a column added on the source is drift (exit 2, the target ALTER); after apply its rows stream', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    await src.query('ALTER TABLE public.accounts ADD COLUMN note text', [], db);
    const planned = await ws.plan(['--detailed-exitcode']);
    expect(planned.code, show(planned)).toBe(2);
    expect(planned.stdout).toMatch(/ALTER TABLE public\.accounts ADD COLUMN note text/);
    await ws.applyOk();
    await src.query("INSERT INTO public.accounts VALUES (5003, 'with note', 3, 'hello'); UPDATE public.accounts SET note = 'n' || id WHERE id <= 5", [], db);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await ws.expectNoChanges();
  });

  it('subscription.enabled: false pauses (not drift); enabling again delivers what was written meanwhile', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const sub = resourceName(ws.state(), 'subscription');
    ws.setDatabases(steady({ subscription: { enabled: false } }));
    try {
      const planned = await ws.plan();
      expect(planned.code, show(planned)).toBe(0);
      expect(planned.stdout).toMatch(/ALTER SUBSCRIPTION \S+ DISABLE/);
      await ws.applyOk();
      expect(await subEnabled(tgt, tdb, sub)).toBe(false);
      await ws.expectNoChanges();
      await src.query("INSERT INTO public.accounts VALUES (5004, 'paused', 4, 'p'); INSERT INTO public.items VALUES (3300, 'paused')", [], db);
      await new Promise((r) => setTimeout(r, 500));
      expect(await tgt.query('SELECT 1 FROM public.accounts WHERE id = 5004', [], tdb)).toHaveLength(0);
    } finally {
      ws.setDatabases(steady());
    }
    const resume = await ws.plan();
    expect(resume.stdout, show(resume)).toMatch(/ALTER SUBSCRIPTION \S+ ENABLE/);
    await ws.applyOk();
    expect(await subEnabled(tgt, tdb, sub)).toBe(true);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', itemsWhere, 'id');
    await ws.expectNoChanges();
  });

  it('a subscription disabled behind pgrepl\'s back is planned to be enabled again', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const sub = resourceName(ws.state(), 'subscription');
    await tgt.query(`ALTER SUBSCRIPTION ${ident(sub)} DISABLE`, [], tdb);
    const planned = await ws.plan(['--detailed-exitcode']);
    expect(planned.code, show(planned)).toBe(2);
    expect(planned.stdout).toMatch(/target\.subscription\.\S+ will be updated/);
    expect(planned.stdout).toMatch(/ALTER SUBSCRIPTION \S+ ENABLE/);
    await ws.applyOk();
    expect(await subEnabled(tgt, tdb, sub)).toBe(true);
    await src.query("INSERT INTO public.accounts VALUES (5005, 'reenabled', 5, 'r')", [], db);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await ws.expectNoChanges();
  });

  it('a slot dropped behind pgrepl\'s back re-synchronises the database (destructive, consent)', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const sub = resourceName(ws.state(), 'subscription');
    const slot = resourceName(ws.state(), 'slot');
    await tgt.query(`ALTER SUBSCRIPTION ${ident(sub)} DISABLE`, [], tdb);
    // The walsender leaves a moment after the worker stops: until then the slot is active and cannot be dropped.
    await waitFor(async () => {
      const dropped = await src.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [slot]);
      return dropped.length === 1;
    }, `slot ${slot} to be dropped`);
    await src.query("INSERT INTO public.accounts VALUES (5006, 'lost', 6, 'l'); DELETE FROM public.items WHERE id BETWEEN 300 AND 330", [], db);
    const planned = await ws.plan(['--detailed-exitcode']);
    expect(planned.code, show(planned)).toBe(2);
    expect(planned.stdout).toMatch(/missing on the source/);
    const refused = await ws.apply(['--auto-approve']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/--allow-destroy/);
    await ws.applyOk(['--allow-destroy']);
    expect(await subEnabled(tgt, tdb, sub)).toBe(true);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', itemsWhere, 'id');
    await src.query("INSERT INTO public.accounts VALUES (5007, 'again', 7, 'a'); UPDATE public.items SET label = 'w' WHERE id BETWEEN 600 AND 630", [], db);
    await streamed(e2e);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.accounts', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.items', itemsWhere, 'id');
    await expectNoOrphanSlot(src, tgt, db);
    await ws.expectNoChanges();
  });

  it('an interrupted first copy: the rerun drops the recorded slot, copies again under a new one, leaves no orphan', async () => {
    const { src, tgt, db, tdb, ws } = killed;
    const r = await ws.apply(['--auto-approve'], { PGREPL_FAULT: 'kill-mid-copy:1000' });
    expect(r.signal, show(r)).toBe('SIGKILL');
    const slotRecord = (): Record<string, unknown> | undefined => ws.state().resources.find((x) => x.kind === 'slot')?.attributes;
    const first = slotRecord();
    expect(first, 'the slot is recorded in the state').toBeDefined();
    const slot = String(first?.['name']);
    expect(await src.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot]), 'the killed apply left its slot').toHaveLength(1);
    expect(await tgt.query('SELECT 1 FROM pg_subscription WHERE subslotname = $1', [slot])).toHaveLength(0);
    await src.query("INSERT INTO public.big VALUES (30001, 'between the runs')", [], db);
    const planned = await ws.plan();
    expect(planned.code, show(planned)).toBe(0);
    expect(planned.stdout).toMatch(/interrupted copy/);
    expect(planned.stdout).toContain(`pg_drop_replication_slot('${slot}')`);
    await ws.applyOk();
    const second = slotRecord();
    expect(second?.['name']).toBe(slot);
    expect(second?.['consistent_point'], 'a new slot, created later in the WAL').not.toEqual(first?.['consistent_point']);
    await src.query("INSERT INTO public.big VALUES (30002, 'after'); UPDATE public.big SET payload = 'u' WHERE id <= 10; DELETE FROM public.small WHERE id > 90", [], db);
    await streamed(killed);
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.big', null, 'id');
    await expectSameRowsFiltered(src, tgt, db, tdb, 'public.small', null, 'id');
    await expectNoOrphanSlot(src, tgt, db);
    await ws.expectNoChanges();
  });
});
