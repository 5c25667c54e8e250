// `pgrepl status` against real servers: the replication is built here by raw SQL (publication, slot made with
// pg_create_logical_replication_slot, subscription WITH (create_slot = false, copy_data = false)), the state file
// records those objects as apply would, and the built CLI reads them. Each test gets its own databases, slot and
// subscription; afterEach detaches and drops the subscription and drops the slot, so no slot keeps WAL on the
// shared servers.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, ident, literal, type Cluster } from '../harness/index.js';
import { ensureCli, show, Workspace, type CliResult, type DatabaseSettings } from './e2e-helpers.js';

interface Setup {
  readonly src: Cluster;
  readonly tgt: Cluster;
  readonly db: string;
  readonly tdb: string;
  readonly pub: string;
  readonly slot: string;
  readonly sub: string;
  readonly ws: Workspace;
}

const TABLES = ['public.items', 'public."Order Lines"'];
const CAUGHT_UP_TIMEOUT_MS = 60_000;

function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

interface StatusJson {
  health: string;
  exit_code: number;
  databases: Array<{
    key: string;
    health: string;
    reasons: string[];
    warnings: string[];
    subscription: { exists: boolean; enabled: boolean | null; worker_running: boolean | null; tables: { ready: number; syncing: number; by_state: Record<string, number> }; errors: unknown } | null;
    slot: { exists: boolean; active: boolean | null; retained_bytes: number | null; wal_status: string | null } | null;
    lag: { bytes: number | null; seconds: number | null; caught_up: boolean } | null;
  }>;
  pending_deletes: Array<{ address: string; exists: boolean | null; retained_bytes: number | null; message: string }>;
}

function resource(kind: 'publication' | 'slot' | 'subscription', key: string, attributes: Record<string, unknown>, status?: string): Record<string, unknown> {
  const side = kind === 'subscription' ? 'target' : 'source';
  return { address: `${side}.${kind}.${key}`, kind, attributes, ...(status === undefined ? {} : { status }), updated_at: '2026-11-26T10:00:00.000Z' };
}

function writeState(ws: Workspace, resources: readonly Record<string, unknown>[]): void {
  const doc = { version: 1, lineage: randomUUID(), serial: 1, pgrepl_version: '0.1.0', spec: null, resources: [...resources].sort((a, b) => String(a['address']).localeCompare(String(b['address']))), history: [] };
  mkdirSync(dirname(ws.statePath), { recursive: true });
  writeFileSync(ws.statePath, JSON.stringify(doc, null, 2));
}

function recordReplication(s: Setup, extra: readonly Record<string, unknown>[] = []): void {
  writeState(s.ws, [
    resource('publication', s.db, { name: s.pub, database: s.db, tables: TABLES.map((table) => ({ table, filter: null })), publish: ['insert', 'update', 'delete', 'truncate'], via_root: false }),
    resource('slot', s.db, { name: s.slot, database: s.db, snapshot: null, consistent_point: null }),
    resource('subscription', s.db, { name: s.sub, database: s.tdb, publication: s.pub, slot: s.slot, enabled: true, options: {}, stores_password: false }),
    ...extra,
  ]);
}

function dbSettings(s: Pick<Setup, 'db' | 'tdb' | 'pub' | 'slot' | 'sub'>, enabled = true): Record<string, DatabaseSettings> {
  return { [s.db]: { sync: true, target_database: s.tdb, roles: 'skip', names: { publication: s.pub, slot: s.slot, subscription: s.sub }, subscription: { enabled } } };
}

async function status(ws: Workspace, args: readonly string[] = []): Promise<CliResult> {
  return ws.cli(['status', '--spec', ws.specFile, ...args]);
}

async function statusJson(ws: Workspace, args: readonly string[] = []): Promise<{ r: CliResult; json: StatusJson }> {
  const r = await status(ws, ['--json', ...args]);
  expect(r.code === 0 || r.code === 2, show(r)).toBe(true);
  return { r, json: JSON.parse(r.stdout) as StatusJson };
}

/** Polls until `check` holds for a JSON read (workers start, walsenders settle, lag times clear after ~10 s idle). */
async function waitForStatus(ws: Workspace, check: (j: StatusJson) => boolean, args: readonly string[] = []): Promise<StatusJson> {
  const started = Date.now();
  for (;;) {
    const { r, json } = await statusJson(ws, args);
    if (check(json)) return json;
    if (Date.now() - started > CAUGHT_UP_TIMEOUT_MS) throw new Error(`status never reached the expected state:\n${show(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function build(src: Cluster, tgt: Cluster, opts: { targetUser?: string; sourceUser?: string; beforeSubscribe?: (tdb: string) => Promise<void>; copyData?: boolean } = {}): Promise<Setup> {
  const db = await src.createDatabase('status');
  const tdb = await tgt.createDatabase('status');
  const tag = suffix();
  const pub = `st_pub_${tag}`;
  const slot = `st_slot_${tag}`;
  const sub = `st_sub_${tag}`;
  const ddl = 'CREATE TABLE public.items (id int PRIMARY KEY, v text); CREATE TABLE public."Order Lines" (id int PRIMARY KEY)';
  await src.query(ddl, [], db);
  await tgt.query(ddl, [], tdb);
  await src.query(`CREATE PUBLICATION ${ident(pub)} FOR TABLE ${TABLES.join(', ')}`, [], db);
  await src.query(`SELECT pg_create_logical_replication_slot(${literal(slot)}, 'pgoutput')`, [], db);
  await opts.beforeSubscribe?.(tdb);
  await tgt.query(
    `CREATE SUBSCRIPTION ${ident(sub)} CONNECTION ${literal(src.url({ database: db }))} PUBLICATION ${ident(pub)} ` +
      `WITH (create_slot = false, slot_name = ${literal(slot)}, copy_data = ${opts.copyData === true ? 'true' : 'false'})`,
    [], tdb,
  );
  const names = { db, tdb, pub, slot, sub };
  const ws = new Workspace({
    source: src, target: tgt, databases: dbSettings(names),
    ...(opts.sourceUser === undefined ? {} : { sourceUser: opts.sourceUser }),
    ...(opts.targetUser === undefined ? {} : { targetUser: opts.targetUser }),
  });
  const s = { src, tgt, ...names, ws };
  recordReplication(s);
  return s;
}

async function teardown(s: Setup): Promise<void> {
  const exists = await s.tgt.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [s.sub]);
  if (exists.length > 0) {
    await s.tgt.query(`ALTER SUBSCRIPTION ${ident(s.sub)} DISABLE`, [], s.tdb);
    await s.tgt.query(`ALTER SUBSCRIPTION ${ident(s.sub)} SET (slot_name = NONE)`, [], s.tdb);
    await s.tgt.query(`DROP SUBSCRIPTION ${ident(s.sub)}`, [], s.tdb);
  }
  await dropSlot(s.src, s.slot);
  await s.src.dropDatabase(s.db);
  await s.tgt.dropDatabase(s.tdb);
  s.ws.remove();
}

/** Drops a slot once its walsender has let go of it (a disabled subscription's walsender exits shortly after). */
async function dropSlot(src: Cluster, slot: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await src.query<{ active: boolean; pid: number | null }>('SELECT active, active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    const row = rows[0];
    if (row === undefined) return;
    if (!row.active) {
      await src.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    }
    if (Date.now() - started > 2_000 && row.pid !== null) await src.query('SELECT pg_terminate_backend($1)', [row.pid]);
    if (Date.now() - started > 30_000) throw new Error(`slot ${slot} stays active`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const healthyAndCaughtUp = (j: StatusJson): boolean => j.exit_code === 0 && j.databases[0]?.health === 'healthy' && j.databases[0].lag?.caught_up === true;

describe('pgrepl status, 15 -> 17', () => {
  let src: Cluster;
  let tgt: Cluster;
  let setup: Setup | undefined;

  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 }), ensureCli()]);
  });
  afterEach(async () => {
    if (setup !== undefined) await teardown(setup);
    setup = undefined;
  });

  it('a healthy idle stream exits 0, every table ready and caught up', async () => {
    setup = await build(src, tgt);
    const json = await waitForStatus(setup.ws, healthyAndCaughtUp);
    const db = json.databases[0];
    expect(db?.subscription).toMatchObject({ exists: true, enabled: true, worker_running: true, tables: { ready: 2, syncing: 0 } });
    expect(db?.subscription?.tables.by_state).toEqual({ init: 0, copying: 0, copied: 0, synced: 0, ready: 2 });
    expect(db?.slot).toMatchObject({ exists: true, active: true, wal_status: 'reserved' });
    expect(db?.slot?.retained_bytes).toBeGreaterThanOrEqual(0);
    expect(db?.reasons).toEqual([]);
    expect(json.pending_deletes).toEqual([]);

    const text = await status(setup.ws, ['--max-lag', '30s']);
    expect(text.code, show(text)).toBe(0);
    expect(text.stdout).toContain('healthy');
    expect(text.stdout).toContain('2 of 2 ready');
    expect(text.stdout).toContain('caught up');
    expect(text.stdout).not.toContain('lagging');
    expect(text.stdout).toMatch(/Overall: healthy\n$/);
  });

  it('a disabled subscription is broken (exit 2) when the spec wants it enabled, paused (exit 0) when it does not', async () => {
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    await tgt.query(`ALTER SUBSCRIPTION ${ident(setup.sub)} DISABLE`, [], setup.tdb);

    const text = await status(setup.ws);
    expect(text.code, show(text)).toBe(2);
    expect(text.stdout).toContain('broken');
    expect(text.stdout).toMatch(/subscription st_sub_\w+ is disabled, but the spec wants it enabled/);
    const { json } = await statusJson(setup.ws);
    expect(json.databases[0]).toMatchObject({ health: 'broken', subscription: { enabled: false } });

    setup.ws.setDatabases(dbSettings(setup, false));
    const paused = await status(setup.ws);
    expect(paused.code, show(paused)).toBe(0);
    expect(paused.stdout).toContain('paused');
    expect(paused.stdout).toMatch(/Overall: paused\n$/);
  });

  it('--max-lag 1B reports lagging (exit 2) while the subscription is paused and the source writes', async () => {
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    await tgt.query(`ALTER SUBSCRIPTION ${ident(setup.sub)} DISABLE`, [], setup.tdb);
    setup.ws.setDatabases(dbSettings(setup, false));
    await src.query("INSERT INTO public.items SELECT g, 'x' FROM generate_series(1, 500) g", [], setup.db);

    const r = await status(setup.ws, ['--max-lag', '1B']);
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('lagging');
    expect(r.stdout).toMatch(/byte lag .* exceeds --max-lag 1B/);
    const { json } = await statusJson(setup.ws, ['--max-lag', '1B']);
    expect(json.databases[0]?.health).toBe('lagging');
    expect(json.databases[0]?.lag?.bytes).toBeGreaterThan(1);
    expect(json.databases[0]?.lag?.caught_up).toBe(false);
    // Without a limit a paused, lagging subscription is just paused.
    expect((await status(setup.ws)).code).toBe(0);
  });

  it('a table still in its initial copy is syncing (exit 0), then ready', async () => {
    // An open transaction holding a SHARE lock on the target table keeps its table sync worker from writing (CREATE
    // SUBSCRIPTION itself only needs ACCESS SHARE), so the table's state stays i/d.
    let lockerDb: Awaited<ReturnType<Cluster['connect']>> | undefined;
    try {
      setup = await build(src, tgt, {
        copyData: true,
        beforeSubscribe: async (tdb) => {
          lockerDb = await tgt.connect({ database: tdb });
          await lockerDb.query('BEGIN; LOCK TABLE public.items IN SHARE MODE');
        },
      });
      const json = await waitForStatus(setup.ws, (j) => j.databases[0]?.health === 'syncing' && j.databases[0].subscription?.tables.ready === 1);
      expect(json.exit_code).toBe(0);
      expect(json.databases[0]?.subscription?.tables.syncing).toBe(1);
      const text = await status(setup.ws);
      expect(text.code, show(text)).toBe(0);
      expect(text.stdout).toMatch(/1 table still in the initial copy: public\.items \((init|copying)\)/);
      await lockerDb?.query('ROLLBACK');
      await waitForStatus(setup.ws, (j) => j.databases[0]?.health === 'healthy' && j.databases[0].subscription?.tables.ready === 2);
    } finally {
      await lockerDb?.end().catch(() => undefined);
    }
  });

  it('a dropped slot is broken, with the reason', async () => {
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    await tgt.query(`ALTER SUBSCRIPTION ${ident(setup.sub)} DISABLE`, [], setup.tdb);
    setup.ws.setDatabases(dbSettings(setup, false));
    await dropSlot(src, setup.slot);

    const r = await status(setup.ws);
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toMatch(/replication slot st_slot_\w+ does not exist on the source/);
    const { json } = await statusJson(setup.ws);
    expect(json.databases[0]).toMatchObject({ health: 'broken', slot: { exists: false } });
  });

  it('--json has a stable shape', async () => {
    setup = await build(src, tgt);
    const json = await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    const paths = (value: unknown, prefix: string): string[] =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v, `${prefix}${k}.`)])
        : Array.isArray(value) && value.length > 0 ? paths(value[0], `${prefix}[].`) : [];
    expect(paths(json, '').sort()).toEqual([
      'checked_at', 'databases', 'databases.[].in_spec', 'databases.[].key', 'databases.[].health', 'databases.[].lag',
      'databases.[].lag.bytes', 'databases.[].lag.caught_up', 'databases.[].lag.seconds', 'databases.[].publication',
      'databases.[].publication.exists', 'databases.[].publication.name', 'databases.[].reasons', 'databases.[].slot',
      'databases.[].slot.active', 'databases.[].slot.exists', 'databases.[].slot.name', 'databases.[].slot.retained_bytes',
      'databases.[].slot.safe_wal_size', 'databases.[].slot.wal_status', 'databases.[].subscription',
      'databases.[].subscription.enabled', 'databases.[].subscription.errors', 'databases.[].subscription.errors.apply',
      'databases.[].subscription.errors.conflicts', 'databases.[].subscription.errors.stats_reset',
      'databases.[].subscription.errors.sync', 'databases.[].subscription.exists', 'databases.[].subscription.last_message_at',
      'databases.[].subscription.name', 'databases.[].subscription.tables', 'databases.[].subscription.tables.by_state',
      'databases.[].subscription.tables.by_state.copied', 'databases.[].subscription.tables.by_state.copying',
      'databases.[].subscription.tables.by_state.init', 'databases.[].subscription.tables.by_state.ready',
      'databases.[].subscription.tables.by_state.synced', 'databases.[].subscription.tables.not_ready',
      'databases.[].subscription.tables.ready', 'databases.[].subscription.tables.syncing',
      'databases.[].subscription.tables.unsubscribed', 'databases.[].subscription.worker_running', 'databases.[].sync',
      'databases.[].target_database', 'databases.[].warnings', 'exit_code', 'format_version', 'health', 'max_lag',
      'pending_deletes',
    ].sort());
    expect(json).toMatchObject({ format_version: '1' });
  });

  it('a published table the subscription does not know is broken', async () => {
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    await src.query('CREATE TABLE public.later (id int PRIMARY KEY)', [], setup.db);
    await src.query(`ALTER PUBLICATION ${ident(setup.pub)} ADD TABLE public.later`, [], setup.db);
    const r = await status(setup.ws);
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toMatch(/1 published table is in no subscription state \(public\.later\)/);
  });

  it('a pending-delete slot is reported with the WAL it keeps', async () => {
    setup = await build(src, tgt);
    const left = `st_left_${suffix()}`;
    await src.query(`SELECT pg_create_logical_replication_slot(${literal(left)}, 'pgoutput')`, [], setup.db);
    try {
      recordReplication(setup, [resource('slot', 'gone_db', { name: left, database: setup.db, snapshot: null, consistent_point: null }, 'pending-delete')]);
      const json = await waitForStatus(setup.ws, (j) => j.exit_code === 0);
      expect(json.pending_deletes).toHaveLength(1);
      expect(json.pending_deletes[0]).toMatchObject({ address: 'source.slot.gone_db', exists: true });
      expect(json.pending_deletes[0]?.retained_bytes).toBeGreaterThanOrEqual(0);
      const text = await status(setup.ws);
      expect(text.stdout).toMatch(new RegExp(`slot ${left} could not be dropped yet and keeps .* of WAL on the source`));
    } finally {
      await dropSlot(src, left);
    }
  });

  it('--watch prints a block per read and exits with the last health on Ctrl-C', async () => {
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    await tgt.query(`ALTER SUBSCRIPTION ${ident(setup.sub)} DISABLE`, [], setup.tdb);
    const running = setup.ws.start(['status', '--spec', setup.ws.specFile, '--watch', '0.5']);
    const started = Date.now();
    while ((running.output().match(/Overall:/g) ?? []).length < 2) {
      if (Date.now() - started > 30_000 || running.child.exitCode !== null) throw new Error(`no second block:\n${running.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    running.child.kill('SIGINT');
    const r = await running.done;
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('broken');
  });

  it('exits 1 without a state, and reports not-started and snapshot-only databases', async () => {
    const db = `pgrepl_t_nostate_${suffix()}`;
    const ws = new Workspace({ source: src, target: tgt, databases: { [db]: { sync: true }, other_db: { sync: false } } });
    try {
      const none = await status(ws);
      expect(none.code, show(none)).toBe(1);
      expect(none.stderr).toContain('no state file');
      writeState(ws, []);
      const r = await status(ws);
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toContain('not started (run pgrepl apply)');
      expect(r.stdout).toContain('snapshot only');

      // Recorded objects in databases that do not exist: broken, with the reason, not a failed read.
      const names = { db, tdb: `pgrepl_t_gone_${suffix()}`, pub: 'st_pub_gone', slot: 'st_slot_gone', sub: 'st_sub_gone' };
      recordReplication({ src, tgt, ...names, ws });
      const gone = await status(ws);
      expect(gone.code, show(gone)).toBe(2);
      expect(gone.stdout).toContain(`source database "${db}" does not exist`);
      expect(gone.stdout).toContain(`target database "${names.tdb}" does not exist`);
      expect(gone.stdout).toContain('replication slot st_slot_gone does not exist on the source');

      // An unreachable server is exit 1.
      const down = await ws.cli(['status', '--spec', ws.specFile], { SRC: 'postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2' });
      expect(down.code, show(down)).toBe(1);
      expect(down.stderr).toMatch(/could not connect to the source server/);
    } finally {
      ws.remove();
    }
  });

  it('reads as non-superusers: tgt_user may not read subconninfo, src_owner may not see walsender details', async () => {
    setup = await build(src, tgt, { targetUser: tgt.roles.target.user, sourceUser: src.roles.source.user });
    const json = await waitForStatus(setup.ws, (j) => j.exit_code === 0 && j.databases[0]?.subscription?.worker_running === true);
    const db = json.databases[0];
    expect(db?.health).toBe('healthy');
    expect(db?.subscription).toMatchObject({ exists: true, enabled: true, tables: { ready: 2 } });
    expect(db?.slot).toMatchObject({ exists: true, active: true });
    expect(db?.warnings.join('\n')).toContain('pg_read_all_stats');
    // The same role cannot read subconninfo, which is why status never selects it.
    await expect(tgt.query(`SET ROLE ${ident(tgt.roles.target.user)}; SELECT subconninfo FROM pg_subscription`)).rejects.toThrow(/permission denied/);
  });
});

describe('pgrepl status, 17 -> 18: conflict counters', () => {
  let setup: Setup | undefined;
  afterEach(async () => {
    if (setup !== undefined) await teardown(setup);
    setup = undefined;
  });

  it('reads the confl_* columns that exist and warns about apply errors', async () => {
    const [src, tgt] = await Promise.all([getCluster({ major: 17 }), getCluster({ major: 18 }), ensureCli()]);
    setup = await build(src, tgt);
    await waitForStatus(setup.ws, (j) => j.exit_code === 0);
    // A row the target already has: the apply worker fails on the duplicate key and retries.
    await tgt.query("INSERT INTO public.items VALUES (1, 'target')", [], setup.tdb);
    await src.query("INSERT INTO public.items VALUES (1, 'source')", [], setup.db);
    const json = await waitForStatus(setup.ws, (j) => {
      const errors = j.databases[0]?.subscription?.errors as { apply: number } | null | undefined;
      return (errors?.apply ?? 0) > 0;
    });
    const errors = json.databases[0]?.subscription?.errors as { apply: number; conflicts: Record<string, number> };
    expect(Object.keys(errors.conflicts)).toContain('insert_exists');
    expect(errors.conflicts['insert_exists']).toBeGreaterThan(0);
    expect(json.databases[0]?.warnings.join('\n')).toMatch(/apply errors? since/);

    // Under --watch the counter rises between two reads (the worker retries every wal_retrieve_retry_interval):
    // broken, and the exit code on Ctrl-C is the last read's.
    const running = setup.ws.start(['status', '--spec', setup.ws.specFile, '--watch', '1', '--json']);
    const started = Date.now();
    while (!/errors are rising/.test(running.output())) {
      if (Date.now() - started > 45_000 || running.child.exitCode !== null) throw new Error(`errors never rose:\n${running.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    running.child.kill('SIGINT');
    const watched = await running.done;
    const reads = watched.stdout.trim().split('\n').map((l) => JSON.parse(l) as StatusJson);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.some((r) => r.databases[0]?.health === 'broken' && r.databases[0].reasons.some((x) => /apply errors are rising: \d+ -> \d+/.test(x)))).toBe(true);
    expect(watched.code, show(watched)).toBe(reads[reads.length - 1]?.exit_code);
    // Let the worker through so teardown is quick.
    await tgt.query('DELETE FROM public.items WHERE id = 1', [], setup.tdb);
  });
});

