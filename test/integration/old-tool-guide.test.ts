// The old tool's guide, section "Examples", run with `pgrepl` in place of `database-replicator` against real
// servers (issue 7): full database, filtered with predicates and time filters, config file, local; then the
// flag errors. Every example ends by running its `sync` again (nothing new is planned) and comparing rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { databaseExists, ensureCli, show } from './e2e-helpers.js';
import { expectSame, FlagDir, GUIDE_SEED, rowCount, tableExists, waitForValue } from './old-tool-helpers.js';

let src: Cluster;
let tgt: Cluster;
const dirs: FlagDir[] = [];
const dropTarget: string[] = [];
const dropSource: string[] = [];

function dir(env: NodeJS.ProcessEnv = {}): FlagDir {
  const d = new FlagDir(env);
  dirs.push(d);
  return d;
}

async function seeded(prefix: string): Promise<string> {
  const db = await src.createDatabase(prefix);
  dropSource.push(db);
  dropTarget.push(db);
  await src.query(GUIDE_SEED, [], db);
  return db;
}

beforeAll(async () => {
  [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 }), ensureCli()]);
}, 180_000);

afterAll(async () => {
  for (const db of dropTarget) await tgt.dropDatabase(db);
  for (const db of dropSource) await src.dropDatabase(db);
  for (const d of dirs) d.remove();
}, 120_000);

describe('the guide\'s examples', () => {
  it('Full Database Replication: init --yes, then sync plans nothing; changes stream; status, verify, --emit-spec', async () => {
    const db = await seeded('guide_full');
    // The old tool's pg_dump ran with --blobs: large objects come along with their oids.
    await src.query("SELECT lo_from_bytea(0, convert_to('blob ' || g, 'UTF8')) FROM generate_series(1, 3) g", [], db);
    const blobs = "SELECT coalesce(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid), '') AS v FROM pg_largeobject_metadata";
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });

    const init = await d.ok(['init', '--source', S, '--target', T, '--yes', '--emit-spec', 'pgrepl.yaml']);
    expect(init.stderr).toMatch(/State: \.pgrepl\/flags-[0-9a-f]{16}\.json/);
    expect(init.stdout).toContain('Apply complete!');
    for (const t of ['users', 'events', 'metrics', 'audit_logs', 'archive_table', 'transactions']) await expectSame(src, db, tgt, db, t);
    const [want] = await src.query<{ v: string }>(blobs, [], db);
    expect(want?.v.split(',')).toHaveLength(3);
    expect(await tgt.query<{ v: string }>(blobs, [], db)).toEqual([want]);

    const sync = await d.ok(['sync', '--source', S, '--target', T]);
    expect(sync.stdout).toContain('No changes.');

    await src.query(`INSERT INTO users VALUES (1001, 'streamed'); UPDATE transactions SET status = 'closed' WHERE id = 1`, [], db);
    await waitForValue(tgt, db, `SELECT name AS v FROM users WHERE id = 1001`, 'streamed');
    await waitForValue(tgt, db, `SELECT status AS v FROM transactions WHERE id = 1`, 'closed');

    const status = await d.cli(['status', '--source', S, '--target', T, '--json']);
    expect(status.code, show(status)).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ health: 'healthy' });
    const verify = await d.cli(['verify', '--source', S, '--target', T]);
    expect(verify.code, show(verify)).toBe(0);

    // The spec init wrote continues from the same state: nothing to do.
    const plan = await d.cli(['plan', '--spec', 'pgrepl.yaml', '--detailed-exitcode']);
    expect(plan.stdout, show(plan)).toContain('No changes.');
    expect(plan.code).toBe(0);
  }, 240_000);

  it('Filtered Replication with Predicates: time filters and schema-only tables; sync repeating only the time filters inherits the rest', async () => {
    const db = await seeded('guide_filtered');
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });
    const timeFilters = ['--time-filter', 'events:created_at:6 months', '--time-filter', 'metrics:timestamp:1 year'];

    await d.ok(['init', '--source', S, '--target', T, ...timeFilters, '--schema-only-tables', 'audit_logs,archive_table',
      '--table-filter', "transactions:status IN ('active','pending')", '--yes']);
    const events = await expectSame(src, db, tgt, db, 'events', `created_at >= '${d.windowBound(db, 'events')}'`);
    expect(events).toBeGreaterThan(150);
    expect(events).toBeLessThan(800);
    expect(await expectSame(src, db, tgt, db, 'metrics', `"timestamp" >= '${d.windowBound(db, 'metrics')}'`)).toBeLessThan(400);
    expect(await expectSame(src, db, tgt, db, 'transactions', `status IN ('active','pending')`)).toBe(100);
    for (const t of ['audit_logs', 'archive_table']) {
      expect(await tableExists(tgt, db, t)).toBe(true);
      expect(await rowCount(tgt, db, t)).toBe(0);
    }

    // The guide's sync gives only the time filters.
    const sync = await d.ok(['sync', '--source', S, '--target', T, ...timeFilters]);
    expect(sync.stdout, show(sync)).toContain('No changes.');
    expect(sync.stderr).toMatch(/Using --schema-only-tables, --table-filter of the last run/);

    // The filter on a REPLICA IDENTITY FULL table streams: a pending row arrives, a closed one does not.
    await src.query(`INSERT INTO transactions VALUES (5001, 'pending', 1), (5002, 'closed', 2); INSERT INTO users VALUES (2001, 'marker')`, [], db);
    await waitForValue(tgt, db, `SELECT name AS v FROM users WHERE id = 2001`, 'marker');
    await waitForValue(tgt, db, `SELECT string_agg(id::text, ',' ORDER BY id) AS v FROM transactions WHERE id > 5000`, '5001');

    const verify = await d.cli(['verify', '--source', S, '--target', T]);
    expect(verify.code, show(verify)).toBe(0);
  }, 240_000);

  it('a NOW() predicate becomes an anchored time window; another moving predicate copies once and is refused for sync', async () => {
    const db = await seeded('guide_now');
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });

    const refused = await d.cli(['init', '--source', S, '--target', T, '--yes', '--table-filter', 'transactions:amount < extract(day FROM now())']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/calls now, which is not immutable/);
    expect(refused.stdout + refused.stderr).toMatch(/init --no-sync/);
    expect(await databaseExists(tgt, db)).toBe(false);

    const init = await d.ok(['init', '--source', S, '--target', T, '--yes', '--table-filter', "events:created_at > NOW() - INTERVAL '90 days'"]);
    expect(init.stderr).toMatch(/became a time window/);
    const events = await expectSame(src, db, tgt, db, 'events', `created_at >= '${d.windowBound(db, 'events')}'`);
    expect(events).toBeGreaterThanOrEqual(89);
    expect(events).toBeLessThanOrEqual(91);
    const again = await d.ok(['sync', '--source', S, '--target', T]);
    expect(again.stdout, show(again)).toContain('No changes.');
  }, 240_000);

  it('a predicate and a time window on one table: the copy takes both, and on a FULL-identity table the stream too', async () => {
    const db = await seeded('guide_both');
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });
    const flags = ['--table-filter', "transactions:status IN ('active','pending')", '--time-filter', 'transactions:created_at:6 months'];
    const validate = await d.cli(['validate', '--source', S, '--target', T, ...flags]);
    expect(validate.code, show(validate)).toBe(0);
    await d.ok(['init', '--source', S, '--target', T, ...flags, '--yes']);
    const bound = d.windowBound(db, 'transactions');
    const copied = await expectSame(src, db, tgt, db, 'transactions', `status IN ('active','pending') AND created_at >= '${bound}'`);
    expect(copied).toBeGreaterThan(20);
    expect(copied).toBeLessThan(100);
    // Streamed under both: a recent pending row arrives; an old pending one and a recent closed one do not.
    await src.query(`INSERT INTO transactions VALUES (7001, 'pending', 1, now()), (7002, 'pending', 1, now() - interval '2 years'), (7003, 'closed', 1, now());
      INSERT INTO users VALUES (7001, 'marker')`, [], db);
    await waitForValue(tgt, db, `SELECT name AS v FROM users WHERE id = 7001`, 'marker');
    await waitForValue(tgt, db, `SELECT string_agg(id::text, ',' ORDER BY id) AS v FROM transactions WHERE id > 7000`, '7001');
    const again = await d.ok(['sync', '--source', S, '--target', T]);
    expect(again.stdout, show(again)).toContain('No changes.');
  }, 240_000);

  it('init --no-sync, then sync: the rows are copied again inside the slot\'s snapshot, only with consent', async () => {
    const db = await seeded('guide_nosync');
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });
    await d.ok(['init', '--source', S, '--target', T, '--yes', '--no-sync']);
    expect(await src.query(`SELECT 1 FROM pg_replication_slots WHERE database = $1`, [db])).toHaveLength(0);
    await src.query(`INSERT INTO users VALUES (3001, 'after the copy')`, [], db);

    const refused = await d.cli(['sync', '--source', S, '--target', T, '--yes']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toMatch(/destructive step.*--drop-existing/s);

    await d.ok(['sync', '--source', S, '--target', T, '--yes', '--drop-existing']);
    for (const t of ['users', 'events', 'transactions']) await expectSame(src, db, tgt, db, t);
    await src.query(`INSERT INTO users VALUES (3002, 'streamed')`, [], db);
    await waitForValue(tgt, db, `SELECT name AS v FROM users WHERE id = 3002`, 'streamed');
    await expectSame(src, db, tgt, db, 'users');
    const again = await d.ok(['sync', '--source', S, '--target', T]);
    expect(again.stdout, show(again)).toContain('No changes.');
  }, 240_000);

  it('--no-resume copies everything again (with consent); --job-timeout ends a run that cannot finish, and the next run does the job', async () => {
    const db = await seeded('guide_resume');
    const d = dir();
    const S = src.url({ database: db });
    const T = tgt.url({ database: db });
    await d.ok(['init', '--source', S, '--target', T, '--yes', '--no-sync']);
    // A row the target has and the source does not: a fresh copy must remove it.
    await tgt.query(`INSERT INTO users VALUES (9001, 'only on the target')`, [], db);
    const same = await d.ok(['init', '--source', S, '--target', T, '--yes', '--no-sync']);
    expect(same.stdout, show(same)).toContain('No changes.');
    const refused = await d.cli(['init', '--source', S, '--target', T, '--yes', '--no-sync', '--no-resume']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toMatch(/--drop-existing/);
    const again = await d.ok(['init', '--source', S, '--target', T, '--yes', '--no-sync', '--no-resume', '--drop-existing']);
    expect(again.stdout).toMatch(/--no-resume: the rows copied earlier are discarded/);
    for (const t of ['users', 'events', 'metrics', 'transactions']) await expectSame(src, db, tgt, db, t);

    // --job-timeout: reading the source waits behind a lock held there; the timeout ends the run, nothing changed.
    const db2 = await seeded('guide_timeout');
    const d2 = dir();
    const locker = await src.connect({ database: db2 });
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const run = d2.start(['init', '--source', src.url({ database: db2 }), '--target', tgt.url({ database: db2 }), '--yes', '--no-sync', '--job-timeout', '3']);
      const started = Date.now();
      const r = await run.done;
      expect(r.code, show(r)).toBe(1);
      expect(r.stderr).toMatch(/--job-timeout: 3 s passed before anything was changed; stopping/);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(await databaseExists(tgt, db2)).toBe(false);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const resumed = await d2.ok(['init', '--source', src.url({ database: db2 }), '--target', tgt.url({ database: db2 }), '--yes', '--no-sync']);
    expect(resumed.stdout).toContain('Apply complete!');
    for (const t of ['users', 'events']) await expectSame(src, db2, tgt, db2, t);
  }, 240_000);

  it('Local Execution: --local is accepted, --seren and SEREN_API_KEY say once that pgrepl runs here', async () => {
    const db = await seeded('guide_local');
    const d = dir({ SEREN_API_KEY: 'not-used' });
    const r = await d.ok(['init', '--source', src.url({ database: db }), '--target', tgt.url({ database: db }), '--local', '--yes', '--no-sync']);
    expect(r.stderr.match(/no remote execution/g)).toHaveLength(1);
    expect(r.stdout + r.stderr).not.toContain('not-used');
    await expectSame(src, db, tgt, db, 'events');
  }, 240_000);
});

describe('flag errors change nothing', () => {
  it('mutually exclusive flags, malformed filters and a TOML file with an unknown key', async () => {
    const d = dir();
    const S = src.url({ database: 'nowhere_src' });
    const T = tgt.url({ database: 'nowhere_tgt' });
    const cases: [string[], RegExp][] = [
      [['--include-databases', 'a', '--exclude-databases', 'b'], /--include-databases and --exclude-databases/],
      [['--include-tables', 'a.t', '--exclude-tables', 'a.u'], /--include-tables and --exclude-tables/],
      [['--table-filter', 'events'], /--table-filter "events".*table:PREDICATE|PREDICATE/s],
      [['--time-filter', 'events:created_at:6 fortnights'], /--time-filter.*(unit|fortnights)/s],
      [['--time-filter', 'events:created_at'], /--time-filter/],
    ];
    for (const [flags, message] of cases) {
      const r = await d.cli(['init', '--source', S, '--target', T, '--yes', ...flags]);
      expect(r.code, show(r)).toBe(1);
      expect(r.stderr, show(r)).toMatch(message);
    }
    writeFileSync(join(d.dir, 'bad.toml'), '[databases.mydb]\nschema_only = ["a"]\n\n[[databases.mydb.table_filters]]\ntable = "events"\nwhere_clause = "id > 1"\n');
    const r = await d.cli(['init', '--source', S, '--target', T, '--yes', '--config', 'bad.toml']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/bad\.toml:6:1: .*where_clause.*did you mean "where"/);
  }, 120_000);
});
