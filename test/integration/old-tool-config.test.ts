// The old tool's examples whose source URL names `postgres` (every database, or --include-databases), and its
// TOML config (issue 7). They run on a source cluster of their own, so "every database" means only the ones this
// file makes; each test drops what it made.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { databaseExists, ensureCli, show } from './e2e-helpers.js';
import { expectSame, FlagDir, GUIDE_SEED, rowCount, waitForValue } from './old-tool-helpers.js';

let src: Cluster;
let tgt: Cluster;
let made: string[] = [];
let dirs: FlagDir[] = [];

beforeAll(async () => {
  // A source of its own: with a URL naming postgres the old tool replicates every database of the server.
  [src, tgt] = await Promise.all([getCluster({ major: 15, settings: { cluster_name: 'old_tool_all' } }), getCluster({ major: 16 }), ensureCli()]);
}, 180_000);

afterEach(async () => {
  for (const db of made) await tgt.dropDatabase(db);
  for (const db of made) await src.dropDatabase(db);
  for (const d of dirs) d.remove();
  made = [];
  dirs = [];
}, 120_000);

async function database(prefix: string, seed = GUIDE_SEED): Promise<string> {
  const db = await src.createDatabase(prefix);
  made.push(db);
  await src.query(seed, [], db);
  return db;
}

function dir(env: NodeJS.ProcessEnv = {}): FlagDir {
  const d = new FlagDir(env);
  dirs.push(d);
  return d;
}

/** Plan steps with the lineage-derived object names masked: two fresh plans pick different lineages. */
function planShape(json: string): unknown {
  const plan = JSON.parse(json) as { steps: { address: string; action: string; destructive: boolean; sql_preview?: string[] }[] };
  const mask = (s: string): string => s.replace(/pgrepl_[a-z0-9_]*_[0-9a-f]{8}/g, 'pgrepl_<name>').replace(/managed by pgrepl [0-9a-f-]{36}/g, 'managed by pgrepl <lineage>');
  return plan.steps.map((s) => ({ address: s.address, action: s.action, destructive: s.destructive, sql: (s.sql_preview ?? []).map(mask) }));
}

describe('every database, or some, of a server', () => {
  it('Selective Database Replication: --include-databases on init and sync', async () => {
    const [production, analytics, staging] = [await database('sel_production'), await database('sel_analytics'), await database('sel_staging')];
    const d = dir();
    const S = src.url({ database: 'postgres' });
    const T = tgt.url({ database: 'postgres' });
    await d.ok(['init', '--source', S, '--target', T, '--include-databases', `${production},${analytics}`, '--yes']);
    const sync = await d.ok(['sync', '--source', S, '--target', T, '--include-databases', `${production},${analytics}`]);
    expect(sync.stdout, show(sync)).toContain('No changes.');
    expect(await databaseExists(tgt, staging)).toBe(false);
    for (const db of [production, analytics]) for (const t of ['users', 'events', 'transactions']) await expectSame(src, db, tgt, db, t);
    await src.query(`INSERT INTO users VALUES (4001, 'streamed')`, [], analytics);
    await waitForValue(tgt, analytics, `SELECT name AS v FROM users WHERE id = 4001`, 'streamed');
  }, 240_000);

  it('Complex Filtering with Config File: the guide\'s TOML; from-toml and from-flags specs plan alike; sync --config plans nothing', async () => {
    const production = await database('cfg_production', `${GUIDE_SEED}; CREATE TABLE archive_data (id int PRIMARY KEY); INSERT INTO archive_data SELECT generate_series(1, 20);`);
    const other = await database('cfg_other');
    const d = dir();
    const S = src.url({ database: 'postgres' });
    const T = tgt.url({ database: 'postgres' });
    const guide = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'flags', 'guide.toml'), 'utf8').replaceAll('production', production);
    writeFileSync(join(d.dir, 'replication.toml'), guide);

    // Before anything is applied: the converted TOML and the flags give the same plan.
    await d.ok(['spec', 'from-toml', 'replication.toml', '--out', 'from-toml.yaml']);
    await d.ok(['spec', 'from-flags', '--source', S, '--target', T, '--config', 'replication.toml', '--out', 'from-flags.yaml']);
    const env = { SOURCE_URL: S, TARGET_URL: T };
    const validate = await d.cli(['validate', '--spec', 'from-toml.yaml'], env);
    expect(validate.code, show(validate)).toBe(0);
    const a = await d.cli(['plan', '--spec', 'from-toml.yaml', '--json'], env);
    const b = await d.cli(['plan', '--spec', 'from-flags.yaml', '--json']);
    expect(a.code, show(a)).toBe(0);
    expect(b.code, show(b)).toBe(0);
    expect(planShape(a.stdout)).toEqual(planShape(b.stdout));
    expect(JSON.stringify(planShape(a.stdout))).toContain(other);

    await d.ok(['init', '--source', S, '--target', T, '--config', 'replication.toml', '--yes']);
    const sync = await d.ok(['sync', '--source', S, '--target', T, '--config', 'replication.toml']);
    expect(sync.stdout, show(sync)).toContain('No changes.');

    for (const t of ['audit_logs', 'archive_data']) expect(await rowCount(tgt, production, t)).toBe(0);
    const events = await expectSame(src, production, tgt, production, 'events', `created_at >= '${d.windowBound(production, 'events')}'`);
    expect(events).toBeGreaterThanOrEqual(89);
    expect(events).toBeLessThanOrEqual(91);
    expect(await expectSame(src, production, tgt, production, 'metrics', `"timestamp" >= '${d.windowBound(production, 'metrics')}'`)).toBeLessThan(100);
    for (const t of ['users', 'transactions']) await expectSame(src, production, tgt, production, t);
    for (const t of ['events', 'audit_logs', 'archive_table']) await expectSame(src, other, tgt, other, t);
    // The spec written from the flags continues from the same state.
    const plan = await d.cli(['plan', '--spec', 'from-flags.yaml', '--detailed-exitcode']);
    expect(plan.stdout, show(plan)).toContain('No changes.');
  }, 300_000);

  it('db.table or schema.table: accepted when the catalog says which, refused when both fit', async () => {
    const x = await database('amb_x', 'CREATE TABLE t (id int PRIMARY KEY)');
    const y = await database('amb_y', `CREATE SCHEMA ${x}; CREATE TABLE ${x}.t (id int PRIMARY KEY); CREATE TABLE u (id int PRIMARY KEY)`);
    const d = dir();
    const base = ['--source', src.url({ database: 'postgres' }), '--target', tgt.url({ database: 'postgres' }), '--include-databases', `${x},${y}`];
    const amb = await d.cli(['spec', 'from-flags', ...base, '--schema-only-tables', `${x}.t`]);
    expect(amb.code, show(amb)).toBe(1);
    expect(amb.stderr).toMatch(/ambiguous/);
    expect(amb.stderr).toContain(`${x}.public.t`);
    expect(amb.stderr).toContain(`${y}.${x}.t`);
    const dbTable = await d.ok(['spec', 'from-flags', ...base, '--schema-only-tables', `${y}.u`]);
    expect(dbTable.stdout).toMatch(new RegExp(`${y}:[\\s\\S]*schema_only:[\\s\\S]*public\\.u`));
    const exact = await d.ok(['spec', 'from-flags', ...base, '--schema-only-tables', `${y}.${x}.t`]);
    expect(exact.stdout).toMatch(new RegExp(`${y}:[\\s\\S]*schema_only:[\\s\\S]*${x}\\.t`));
  }, 120_000);
});
