// The continuous-sync harness pieces, proven without pgrepl: the sync fixture on a 15 source, published by hand
// with its streamed filters, subscribed from a 17 target with PostgreSQL's own copy (copy_data = true) while the
// write load runs; after the load stops and the slot passes the source's LSN, every table must be identical
// (filtered tables: to the filtered source). This also proves the fixture's filters stream: a filter PostgreSQL
// could not stream would fail the writer's UPDATEs on the source.
import { afterEach, beforeAll, expect, it } from 'vitest';
import {
  type Cluster, compareRowsFiltered, createSyncFixture, currentLsn, expectSameRowsFiltered, getCluster, ident, literal, startWriteLoad,
  SYNC_FIXTURE_EVENTS_IN_WINDOW, SYNC_FIXTURE_FILTERS, SYNC_FIXTURE_SEED_ROWS, syncFixtureComparisons, syncFixtureSpecYaml, type RowComparison, useScratchDatabases,
  waitForSlotPast, waitForSubscriptionReady,
} from '../harness/index.js';

const LOAD_MS = 5_000;
const CATCH_UP_MS = 30_000;

const scratch = useScratchDatabases();
let source: Cluster;
let target: Cluster;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 })]);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const publicationSql = (name: string, ordersFilter: string): string => `
  CREATE PUBLICATION ${ident(name)} FOR TABLE
    public.accounts,
    public.orders WHERE (${ordersFilter}),
    public.events,
    public.audit WHERE (${SYNC_FIXTURE_FILTERS.audit ?? ''}),
    public.measurements
  WITH (publish_via_partition_root = true)`;

/** Detach and drop the subscription on the target, then drop its slot (and any table-sync slot) on the source. */
async function dropSubscription(targetDb: string, sub: string, sourceDb: string): Promise<void> {
  const exists = await target.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [sub], targetDb);
  if (exists.length > 0) {
    await target.query(`ALTER SUBSCRIPTION ${ident(sub)} DISABLE`, [], targetDb);
    await target.query(`ALTER SUBSCRIPTION ${ident(sub)} SET (slot_name = NONE)`, [], targetDb);
    await target.query(`DROP SUBSCRIPTION ${ident(sub)}`, [], targetDb);
  }
  // The walsender of a just-disabled subscription may linger a moment: terminate it, then drop.
  for (let attempt = 0; ; attempt += 1) {
    await source.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = $1 AND active_pid IS NOT NULL', [sourceDb]);
    try {
      await source.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1', [sourceDb]);
      return;
    } catch (error: unknown) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

it('streams the fixture under write load: every table identical, filtered ones to the filtered source', async () => {
  const sourceDb = await scratch(source, 'hwl_src');
  const targetDb = await scratch(target, 'hwl_tgt');
  const fixture = await createSyncFixture(source, sourceDb);
  await createSyncFixture(target, targetDb, { seed: false, owner: null });
  expect(fixture.rows).toEqual(SYNC_FIXTURE_SEED_ROWS);
  const pub = 'harness_pub';
  const sub = `sub_${sourceDb}`; // also the slot's name: slots are cluster-wide, so unique per database
  await source.query(publicationSql(pub, SYNC_FIXTURE_FILTERS.orders ?? ''), [], sourceDb);

  // The load starts before the subscription, so PostgreSQL's table copy and catch-up run under it too.
  const load = await startWriteLoad(source, sourceDb, { seed: 20261126, rateHz: 150 });
  cleanups.push(async () => { await load.stop({ tolerateErrors: true }); });
  cleanups.push(() => dropSubscription(targetDb, sub, sourceDb));
  await target.query(
    `CREATE SUBSCRIPTION ${ident(sub)} CONNECTION ${literal(source.url({ database: sourceDb }))} PUBLICATION ${ident(pub)} WITH (copy_data = true)`,
    [], targetDb);
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
  const stats = await load.stop();
  const lsn = await currentLsn(source);
  await waitForSubscriptionReady(target, targetDb, sub, CATCH_UP_MS);
  await waitForSlotPast(source, sub, lsn, CATCH_UP_MS);

  const compared: RowComparison[] = [];
  for (const c of syncFixtureComparisons()) {
    compared.push(await expectSameRowsFiltered(source, target, sourceDb, targetDb, c.table, c.where, c.orderBy));
  }
  // The filters kept rows out on the target, and the load did what the sync tests rely on.
  const count = (table: string): number => compared.find((c) => c.table === table)?.targetRows ?? -1;
  expect(count('public.orders')).toBeLessThan((await source.query('SELECT 1 FROM public.orders', [], sourceDb)).length);
  expect(count('public.audit')).toBeLessThan((await source.query('SELECT 1 FROM public.audit', [], sourceDb)).length);
  expect(stats.errors).toEqual([]);
  expect(stats.transactions).toBeGreaterThan(200);
  for (const [table, op] of [
    ['accounts', 'insert'], ['accounts', 'update'], ['orders', 'insert'], ['orders', 'delete'], ['orders', 'keyUpdate'],
    ['events', 'insert'], ['events', 'delete'], ['audit', 'filterMove'], ['measurements', 'partitionMove'], ['measurements', 'delete'],
  ] as const) {
    expect(stats.rows[table][op], `${table}.${op}`).toBeGreaterThan(0);
  }

  // And the comparison does see a difference: one audit row changed on the target.
  await target.query("UPDATE public.audit SET note = 'tampered' WHERE id = (SELECT min(id) FROM public.audit)", [], targetDb);
  const tampered = await compareRowsFiltered(source, target, sourceDb, targetDb, 'public.audit', SYNC_FIXTURE_FILTERS.audit ?? null, 'id, note, status');
  expect(tampered.same).toBe(false);
  expect(tampered.diff).toMatch(/1 only on the source\n {4}\(\d+,.*\n {2}1 only on the target\n {4}\(\d+,tampered,open\)/);
});

it('surfaces a filter PostgreSQL cannot stream, and stops cleanly at once', async () => {
  const sourceDb = await scratch(source, 'hwl_bad');
  await createSyncFixture(source, sourceDb);
  const [shape] = await source.query<{ in_window: number; leaves: number }>(`
    SELECT (SELECT count(*)::int FROM public.events WHERE created_at >= now() - interval '90 days') AS in_window,
           (SELECT count(DISTINCT tableoid)::int FROM public.measurements) AS leaves`, [], sourceDb);
  expect(shape).toEqual({ in_window: SYNC_FIXTURE_EVENTS_IN_WINDOW, leaves: 2 });
  // region is no replica-identity column: the publication is accepted, every UPDATE/DELETE of orders then fails.
  await source.query(publicationSql('harness_bad_pub', 'region IN (1, 2)'), [], sourceDb);
  const load = await startWriteLoad(source, sourceDb, { seed: 7, rateHz: 0, connections: 1, tables: ['orders'] });
  const deadline = Date.now() + 10_000;
  while (load.snapshot().errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await expect(load.stop()).rejects.toThrow(/not part of the replica identity/);
  const stats = await load.stop({ tolerateErrors: true });
  expect(stats.errors).toHaveLength(1);

  // Stopped immediately after the start: no error, no unhandled rejection.
  const quick = await startWriteLoad(source, sourceDb, { seed: 8, tables: ['accounts', 'audit'] });
  const quickStats = await quick.stop();
  expect(quickStats.errors).toEqual([]);
});

it('renders the spec snippet with streamable filters only', () => {
  const yaml = syncFixtureSpecYaml('shop', { targetDatabase: 'shop_copy' });
  expect(yaml).toContain('  "shop":\n    target_database: "shop_copy"\n    sync: true\n');
  expect(yaml).toContain('where: "id % 3 <> 0"');
  expect(yaml).toContain(`where: "status = 'open'"`);
  expect(yaml).toContain('column: created_at, last: 90 days');
});
