// Continuous sync (`sync: true`) end to end through the built CLI across PostgreSQL majors: 12 -> 15, 13 -> 17,
// 15 -> 15, 15 -> 18, 17 -> 17 (same-major pairs share one cluster: source and target are two databases of it),
// then the scram profile with non-superuser roles on both sides (src_owner: REPLICATION, owns the source tables;
// tgt_user: CREATEDB + pg_create_subscription on a 17 target). Per pair: a table with an identity key, one with a
// composite key and a partitioned table with two leaves (published through its root on 13+, leaf by leaf on 12,
// which cannot publish a partitioned table). apply copies and subscribes; inserts, updates
// (a key update and, on 13+, a row moving between leaves) and deletes on the source arrive once the slot has passed
// the source's insert LSN; the next plan is empty; destroy leaves no subscription, slot or publication.
// Under scram the subscription is owned by tgt_user and stores the source password (the plan says so), and no
// password appears in any CLI output, the saved plan or the state directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentLsn, getCluster, type Cluster, type Major, SOURCE_ROLE, TARGET_ROLE, waitForSlotPast,
} from '../harness/index.js';
import { ensureCli, expectSameRows, show, targetName, Workspace, type StateJson } from './e2e-helpers.js';
import { filesUnder, leaks } from './secret-scan.js';

const SLOT_WAIT_MS = 30_000;

/** The schema and seed rows; the partitioned table only where the source can publish it (13+). */
function schemaSql(partitioned: boolean): string {
  return [
    'CREATE TABLE public.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, qty int)',
    'CREATE TABLE public.pairs (a int, b text, v numeric, PRIMARY KEY (a, b))',
    "INSERT INTO public.items (name, qty) SELECT 'i' || g, g FROM generate_series(1, 200) g",
    "INSERT INTO public.pairs SELECT g, 'b' || (g % 3), g * 0.5 FROM generate_series(1, 100) g",
    ...(partitioned ? [
      'CREATE TABLE public.readings (id int, ts date, v int, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts)',
      "CREATE TABLE public.readings_2025 PARTITION OF public.readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
      "CREATE TABLE public.readings_2026 PARTITION OF public.readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      "INSERT INTO public.readings SELECT g, date '2025-01-01' + (g * 7) % 700, g FROM generate_series(1, 100) g",
    ] : []),
  ].join(';\n');
}

/** Inserts, updates (one of them a key update; on 13+ one moving rows between leaves) and deletes. */
function changesSql(partitioned: boolean): string {
  return [
    "INSERT INTO public.items (name, qty) SELECT 'new' || g, g FROM generate_series(1, 20) g",
    'UPDATE public.items SET qty = qty + 1000 WHERE id % 7 = 0',
    'DELETE FROM public.items WHERE id % 11 = 0',
    "INSERT INTO public.pairs VALUES (500, 'x', 1), (501, 'y', NULL)",
    'UPDATE public.pairs SET v = v * 2 WHERE a <= 5',
    "UPDATE public.pairs SET b = b || '_moved' WHERE a = 6",
    'DELETE FROM public.pairs WHERE a > 95 AND a < 500',
    ...(partitioned ? [
      "INSERT INTO public.readings VALUES (1000, '2025-06-01', 1), (1001, '2026-06-01', 2)",
      'UPDATE public.readings SET v = -v WHERE id <= 5',
      // Each of these rows moves to the other leaf (a DELETE + INSERT, published through the root).
      "UPDATE public.readings SET ts = ts + 365 WHERE id BETWEEN 10 AND 14 AND ts < '2026-01-01'",
      'DELETE FROM public.readings WHERE id > 95 AND id < 1000',
    ] : []),
  ].join(';\n');
}

function tablesOf(partitioned: boolean): string[] {
  return ['public.items', 'public.pairs', ...(partitioned ? ['public.readings', 'public.readings_2025', 'public.readings_2026'] : [])];
}

function slotName(state: StateJson): string {
  const slot = state.resources.find((r) => r.kind === 'slot');
  const name = slot?.attributes['name'];
  if (typeof name !== 'string') throw new Error(`no slot in the state: ${JSON.stringify(state.resources.map((r) => r.address))}`);
  return name;
}

/** Every replication object left for these databases: subscriptions (cluster-wide catalog), slots, publications. */
async function leftovers(src: Cluster, db: string, tgt: Cluster, tdb: string): Promise<{ subscriptions: string[]; slots: string[]; publications: string[] }> {
  const subscriptions = await tgt.query<{ name: string }>('SELECT s.subname AS name FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = $1', [tdb]);
  const slots = await src.query<{ name: string }>('SELECT slot_name AS name FROM pg_replication_slots WHERE database = $1', [db]);
  const publications = await src.query<{ name: string }>('SELECT pubname AS name FROM pg_publication', [], db);
  const names = (rows: ReadonlyArray<{ name: string }>): string[] => rows.map((r) => r.name);
  return { subscriptions: names(subscriptions), slots: names(slots), publications: names(publications) };
}

/**
 * Whatever a failed test left: the target database first (its subscription detached and dropped, so no walsender
 * holds the slot), then every slot of the source database (the shared servers would keep WAL for it otherwise).
 */
async function dropReplication(src: Cluster | undefined, db: string | undefined, tgt: Cluster | undefined, tdb: string | undefined): Promise<void> {
  if (tgt !== undefined && tdb !== undefined) await tgt.dropDatabase(tdb);
  if (src === undefined || db === undefined) return;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    await src.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = $1 AND active_pid IS NOT NULL', [db]);
    try {
      await src.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active', [db]);
    } catch {
      // a walsender came back between the terminate and the drop: try again
    }
    if ((await src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1', [db])).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`slots of ${db} could not be dropped`);
}

/**
 * waitForSlotPast for every major: the harness's reads pg_replication_slots.wal_status, a column PostgreSQL 12
 * lacks, so on a 12 source the same poll runs here without it.
 */
async function waitForSlot(source: Cluster, slot: string, lsn: string): Promise<void> {
  if (source.major >= 13) return waitForSlotPast(source, slot, lsn, SLOT_WAIT_MS);
  const deadline = Date.now() + SLOT_WAIT_MS;
  for (;;) {
    const [row] = await source.query<{ confirmed: string | null; past: boolean | null }>(
      'SELECT confirmed_flush_lsn::text AS confirmed, confirmed_flush_lsn >= $2::pg_lsn AS past FROM pg_replication_slots WHERE slot_name = $1', [slot, lsn]);
    if (row?.past) return;
    if (Date.now() >= deadline) throw new Error(`slot ${slot} did not pass ${lsn} within ${SLOT_WAIT_MS} ms: ${row ? `confirmed_flush_lsn ${row.confirmed ?? 'NULL'}` : 'it does not exist'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PAIRS: ReadonlyArray<{ readonly from: Major; readonly to: Major }> = [
  { from: 12, to: 15 },
  { from: 13, to: 17 },
  { from: 15, to: 15 },
  { from: 15, to: 18 },
  { from: 17, to: 17 },
];

// Start every cluster this file needs, and build the CLI, at once: one after the other they cost most of the file's time.
beforeAll(async () => {
  const majors = [...new Set(PAIRS.flatMap((p) => [p.from, p.to]))];
  await Promise.all([
    ...majors.map((major) => getCluster({ major })),
    getCluster({ major: 15, auth: 'scram' }), getCluster({ major: 17, auth: 'scram' }), ensureCli(),
  ]);
});

interface PairFixture {
  readonly src: Cluster;
  readonly tgt: Cluster;
  readonly db: string;
  readonly tdb: string;
  readonly ws: Workspace;
}
const pairFixtures: PairFixture[] = [];

afterAll(async () => {
  for (const { src, tgt, db, tdb, ws } of pairFixtures) {
    await dropReplication(src, db, tgt, tdb);
    await src.dropDatabase(db);
    ws.remove();
  }
});

// One test per pair, the pairs concurrently (each in databases of its own; the same-major pairs and 12 -> 15 / 15 -> 15
// / 15 -> 18 share clusters): one after the other they wait on CLI starts and slot positions most of the time.
describe('sync: true across majors', () => {
  it.concurrent.each(PAIRS)('PostgreSQL $from -> $to: copies, subscribes, streams inserts, updates and deletes; the next plan is empty; destroy leaves nothing', async ({ from, to }) => {
    // Every source has the partitioned table: 13+ publish its root (publish_via_partition_root), 12 its leaves.
    const partitioned = true;
    const [src, tgt] = await Promise.all([getCluster({ major: from }), getCluster({ major: to }), ensureCli()]);
    const db = await src.createDatabase(`sync_m${String(from)}_${String(to)}`);
    const tdb = targetName(`sync_m${String(from)}_${String(to)}`);
    const ws = new Workspace({ source: src, target: tgt, databases: { [db]: { target_database: tdb, roles: 'skip', sync: true } } });
    pairFixtures.push({ src, tgt, db, tdb, ws });
    await src.query(schemaSql(partitioned), [], db);

    await ws.applyOk();
    const subs = await tgt.query<{ subname: string; subenabled: boolean }>('SELECT subname, subenabled FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())', [], tdb);
    expect(subs).toHaveLength(1);
    expect(subs[0]?.subenabled).toBe(true);
    if (from >= 13) {
      const [pub] = await src.query<{ pubviaroot: boolean }>('SELECT pubviaroot FROM pg_publication', [], db);
      expect(pub?.pubviaroot).toBe(true);
    } else {
      const published = await src.query<{ tablename: string }>("SELECT tablename::text FROM pg_publication_tables WHERE tablename LIKE 'readings%' ORDER BY 1", [], db);
      expect(published.map((r) => r.tablename)).toEqual(['readings_2025', 'readings_2026']);
    }
    await expectSameRows(src, db, tgt, tdb, tablesOf(partitioned));

    await src.query(changesSql(partitioned), [], db);
    await waitForSlot(src, slotName(ws.state()), await currentLsn(src));
    const counts = await expectSameRows(src, db, tgt, tdb, tablesOf(partitioned));
    expect(counts['public.items']).toBe(200 + 20 - 20); // ids 11, 22, …, 220 deleted
    if (partitioned) expect(counts['public.readings']).toBe(100 + 2 - 5);
    await ws.expectNoChanges();

    const r = await ws.apply(['--destroy', '--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    expect(await leftovers(src, db, tgt, tdb)).toEqual({ subscriptions: [], slots: [], publications: [] });
  });
});


describe('sync: true under scram with non-superuser roles (15 -> 17)', () => {
  let src: Cluster | undefined;
  let tgt: Cluster | undefined;
  let db: string | undefined;
  let tdb: string | undefined;
  let ws: Workspace | undefined;
  const planFile = (): string => join((ws as Workspace).dir, 'plan.json');

  beforeAll(async () => {
    const [s, t] = await Promise.all([getCluster({ major: 15, auth: 'scram' }), getCluster({ major: 17, auth: 'scram' }), ensureCli()]);
    src = s;
    tgt = t;
    // src_owner owns the database (so it may CREATE PUBLICATION) and the tables (so it may publish them).
    db = await s.createDatabase('sync_scram', { owner: SOURCE_ROLE.user });
    await s.query(`SET ROLE ${SOURCE_ROLE.user};\n${schemaSql(true)};\nRESET ROLE`, [], db);
    tdb = targetName('sync_scram');
    // tgt_user has CREATEDB: pgrepl creates the target database, which tgt_user then owns.
    ws = new Workspace({
      source: s, target: t, sourceUser: SOURCE_ROLE.user, targetUser: TARGET_ROLE.user,
      databases: { [db]: { target_database: tdb, roles: 'skip', sync: true } },
    });
  });

  afterAll(async () => {
    await dropReplication(src, db, tgt, tdb);
    if (db !== undefined) await src?.dropDatabase(db);
    ws?.remove();
  });

  it('plan --out says the subscription stores the password; apply PLANFILE subscribes as tgt_user; rows stream', async () => {
    const [s, t, w] = [src as Cluster, tgt as Cluster, ws as Workspace];
    const owners = await s.query<{ o: string }>("SELECT DISTINCT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')", [], db);
    expect(owners).toEqual([{ o: SOURCE_ROLE.user }]);

    const p = await w.plan(['--out', planFile()]);
    expect(p.code, show(p)).toBe(0);
    expect(p.stdout + p.stderr).toMatch(/stores the source role's password/);
    const saved = JSON.parse(readFileSync(planFile(), 'utf8')) as { steps?: ReadonlyArray<{ address: string; after: Record<string, unknown> | null }> };
    const subStep = saved.steps?.find((st) => st.address.startsWith('target.subscription'));
    expect(subStep?.after?.['stores_password'], JSON.stringify(subStep)).toBe(true);

    const a = await w.cli(['apply', planFile()]);
    expect(a.code, show(a)).toBe(0);
    expect(a.stdout).toMatch(/Apply complete!/);

    const [dbOwner] = await t.query<{ o: string }>('SELECT pg_get_userbyid(datdba) AS o FROM pg_database WHERE datname = $1', [tdb]);
    expect(dbOwner?.o).toBe(TARGET_ROLE.user);
    const subs = await t.query<{ owner: string; enabled: boolean; has_password: boolean; password_required: boolean }>(
      `SELECT pg_get_userbyid(subowner) AS owner, subenabled AS enabled, subconninfo ~ 'password' AS has_password, subpasswordrequired AS password_required
         FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`, [], tdb);
    expect(subs).toEqual([{ owner: TARGET_ROLE.user, enabled: true, has_password: true, password_required: true }]);
    await expectSameRows(s, db as string, t, tdb as string, tablesOf(true));

    await s.query(`SET ROLE ${SOURCE_ROLE.user};\n${changesSql(true)};\nRESET ROLE`, [], db);
    await waitForSlot(s, slotName(w.state()), await currentLsn(s));
    await expectSameRows(s, db as string, t, tdb as string, tablesOf(true));
    await w.expectNoChanges();
  });

  it('apply --destroy leaves no subscription, slot or publication', async () => {
    const r = await (ws as Workspace).apply(['--destroy', '--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    expect(await leftovers(src as Cluster, db as string, tgt as Cluster, tdb as string)).toEqual({ subscriptions: [], slots: [], publications: [] });
  });

  it('no password in any CLI output, the saved plan or the state directory', () => {
    const w = ws as Workspace;
    const files = filesUnder(w.dir).filter((f) => !f.endsWith('pgrepl.yaml'));
    expect(files).toContain(planFile());
    expect(files).toContain(w.statePath);
    for (const file of files) expect(leaks(readFileSync(file, 'latin1')), file).toEqual([]);
    expect(w.transcripts.length).toBeGreaterThanOrEqual(4);
    for (const t of w.transcripts) expect(leaks(t), t).toEqual([]);
  });
});
