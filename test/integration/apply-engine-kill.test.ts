// kill -9 of apply at injected points (PGREPL_FAULT), in a child process that runs the engine compiled from src/,
// then a rerun that converges; and cancel through the AbortSignal in the middle of a COPY. 15 -> 17.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { ApplyCancelledError } from '../../src/apply/errors.js';
import type { StateStore } from '../../src/apply/types.js';
import { databaseAddress } from '../../src/model/address.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import type { Plan } from '../../src/plan/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { localStateStore } from '../../src/state/local-store.js';
import { emptyState, findResource } from '../../src/state/state-edits.js';
import { getCluster, type Cluster } from '../harness/index.js';
import { buildCopyPlan, NOW, pgreplSessions, SEQUENCES, sequenceState, sourceSchema, TABLES, tableHash, targetName } from './apply-engine-plan.js';
import { readModel } from './schema-oracle-write.js';

const LINEAGE = '7d0b6f6a-3c2e-4f7e-9b1a-5e2d8c4a9f01';
const ROOT = new URL('../../', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const CHILD = join(ROOT, 'test/integration/apply-engine-child.mjs');
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

let source: Cluster;
let target: Cluster;
let sourceDb = '';
let compiled = '';
let buildRoot = '';
let work = '';
const role = `apply_kill_${Math.random().toString(36).slice(2, 8)}`;
const targets: string[] = [];

beforeAll(async () => {
  source = await getCluster({ major: 15 });
  target = await getCluster({ major: 17 });
  sourceDb = await source.createDatabase('apply_kill_src');
  await source.query(sourceSchema(role), [], sourceDb);
  work = await mkdtemp(join(tmpdir(), 'pgrepl-apply-kill-'));
  // The engine as plain JS for the child, compiled from the entry points only (the rest of the tree may be mid-edit
  // by others), under node_modules so the child resolves pg and the other packages.
  // src/state/parse-state.ts reads ../../schemas/state.schema.json from its own file: a link puts it there.
  buildRoot = join(ROOT, 'node_modules/.cache', `pgrepl-apply-engine-${process.pid}`);
  compiled = join(buildRoot, 'src');
  await mkdir(buildRoot, { recursive: true });
  await symlink(join(ROOT, 'schemas'), join(buildRoot, 'schemas'));
  await promisify(execFile)(TSC, [
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023', '--types', 'node',
    '--skipLibCheck', '--strict', '--resolveJsonModule', '--esModuleInterop', '--rootDir', join(ROOT, 'src'), '--outDir', compiled,
    ...['apply/apply-plan.ts', 'state/local-store.ts', 'pg/conninfo/parse.ts', 'state/state-edits.ts'].map((f) => join(ROOT, 'src', f)),
  ], { cwd: ROOT });
});

afterAll(async () => {
  for (const db of targets) await target.dropDatabase(db);
  if (sourceDb) await source.dropDatabase(sourceDb);
  await source.query(`DROP ROLE IF EXISTS ${role}`);
  await target.query(`DROP ROLE IF EXISTS ${role}`);
  if (work) await rm(work, { recursive: true, force: true });
  if (buildRoot) await rm(buildRoot, { recursive: true, force: true });
});

interface ChildOutcome { readonly signal: string | null; readonly code: number | null; readonly stdout: string; readonly stderr: string }

async function runChild(plan: Plan, statePath: string, fault: string): Promise<ChildOutcome> {
  const input = join(work, `input-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(input, JSON.stringify({ plan, sourceUrl: source.url(), targetUrl: target.url(), statePath, lineage: LINEAGE }));
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, compiled, input], { env: { ...process.env, PGREPL_FAULT: fault }, timeout: 120_000 }, (error, stdout, stderr) => {
      const e = error as (Error & { signal?: string | null; code?: number | null }) | null;
      resolve({ signal: e?.signal ?? null, code: typeof e?.code === 'number' ? e.code : e === null ? 0 : null, stdout, stderr });
    });
  });
}

async function rerun(plan: Plan, store: StateStore): Promise<void> {
  await applyPlan({
    plan, source: parse(source.url()), target: parse(target.url()), store, state: await store.read(),
    newState: () => emptyState({ pgreplVersion: 'test', lineage: LINEAGE }), command: 'apply', now: () => NOW,
  });
}

async function expectConverged(targetDb: string): Promise<void> {
  for (const t of [...TABLES, 'public.events']) expect(await tableHash(target, targetDb, t), t).toEqual(await tableHash(source, sourceDb, t));
  for (const s of SEQUENCES) expect(await sequenceState(target, targetDb, s), s).toEqual(await sequenceState(source, sourceDb, s));
  const changes = diffSchemas(await readModel(source, sourceDb), await readModel(target, targetDb), { targetMajor: 17, create: { roles: 'copy', targetDatabase: targetDb } });
  expect(changes.map((c) => `${c.action} ${c.key}`)).toEqual([]);
}

describe('apply killed with SIGKILL, then run again (15 -> 17)', () => {
  it('after-step:N dies right after step N; the state holds what finished; a rerun from the live schema converges', async () => {
    const targetDb = targetName('apply_kill_a');
    targets.push(targetDb);
    const plan = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: true });
    // The customers table's step ends in post-data (its key, its owner): the kill cuts the post-data batch there.
    const tableStep = plan.steps.find((s) => s.address === `target.table.${sourceDb}.shop.customers`);
    expect(tableStep?.operations.map((op) => (op.type === 'sql' ? op.stage : op.type))).toEqual(['pre-data', 'post-data']);
    const statePath = join(work, 'a.json');
    const outcome = await runChild(plan, statePath, `after-step:${tableStep?.index ?? 0}`);
    expect(outcome.stdout).toBe('');
    expect(outcome.signal, outcome.stderr).toBe('SIGKILL');

    const store = localStateStore(statePath);
    const state = await store.read();
    // Role and database recorded, the database's rows copied; no closing history entry.
    expect(findResource(state ?? emptyState({ pgreplVersion: 't' }), databaseAddress(sourceDb))?.attributes).toMatchObject({ name: targetDb, created: true });
    expect(new Set(state?.resources.filter((r) => r.kind === 'rows').map((r) => r.attributes['status']))).toEqual(new Set(['copied']));
    expect(state?.history).toEqual([]);
    for (const t of TABLES) expect(await tableHash(target, targetDb, t), t).toEqual(await tableHash(source, sourceDb, t));
    // Post-data stopped right after the customers step: its key exists, the orders FK (a later step) does not.
    expect(await target.query("SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'customers_pkey'", [], targetDb)).toEqual([{ n: 1 }]);
    expect(await target.query("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'", [], targetDb)).toEqual([{ n: 0 }]);
    expect(await pgreplSessions(target)).toBe(0);

    // The rerun's plan diffs the live schema (the rest of post-data) and copies nothing: the database is copied.
    const resume = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: false, onlyRows: [] });
    expect(resume.steps.some((s) => s.operations.some((op) => op.type !== 'sql'))).toBe(false);
    expect(resume.steps.length).toBeGreaterThan(0);
    await rerun(resume, store);
    await expectConverged(targetDb);
    const after = await store.read();
    expect(after?.history.length).toBe(1);
    expect(after?.resources.length).toBe(state?.resources.length);
  });

  it('kill-mid-copy:N dies inside a COPY; rows stay "copying", the target keeps no half-copied table; a re-copy converges', async () => {
    const targetDb = targetName('apply_kill_b');
    targets.push(targetDb);
    const plan = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: true });
    const statePath = join(work, 'b.json');
    const outcome = await runChild(plan, statePath, 'kill-mid-copy:5000');
    expect(outcome.stdout).toBe('');
    expect(outcome.signal, outcome.stderr).toBe('SIGKILL');

    const store = localStateStore(statePath);
    const state = await store.read();
    const rows = state?.resources.filter((r) => r.kind === 'rows') ?? [];
    expect(rows.length).toBe(7);
    expect(new Set(rows.map((r) => r.attributes['status']))).toEqual(new Set(['copying']));
    // The server rolled back every unit's transaction when the sessions died with the process.
    expect(await pgreplSessions(target)).toBe(0);
    expect(await pgreplSessions(source)).toBe(0);
    // Every table is empty or whole: units commit on their own, none half; the one killed mid-stream is empty.
    for (const t of TABLES) {
      const got = await tableHash(target, targetDb, t);
      expect([{ n: '0', h: '0' }, await tableHash(source, sourceDb, t)], t).toContainEqual(got);
    }
    expect(await tableHash(target, targetDb, 'shop.orders')).toEqual({ n: '0', h: '0' });
    expect(await target.query("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'", [], targetDb)).toEqual([{ n: 0 }]);

    // The database is the unit of resume: every table is emptied and copied again, then post-data runs.
    await rerun(await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: false, recopy: true }), store);
    await expectConverged(targetDb);
    const after = await store.read();
    expect(new Set(after?.resources.filter((r) => r.kind === 'rows').map((r) => r.attributes['status']))).toEqual(new Set(['copied']));
  });

  it('an AbortSignal mid-COPY rejects with ApplyCancelledError and leaves no session and no snapshot holder', async () => {
    const targetDb = targetName('apply_cancel');
    targets.push(targetDb);
    // Slow source rows (about 10 s for the orders), so the abort lands while the COPY streams.
    const plan = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: true, filters: { 'shop.orders': 'pg_sleep(0.0005) IS NOT NULL' } });
    const store = localStateStore(join(work, 'c.json'));
    const controller = new AbortController();
    let copyStarted = 0;
    const started = Date.now();
    const error = await applyPlan({
      plan, source: parse(source.url()), target: parse(target.url()), store, state: null,
      newState: () => emptyState({ pgreplVersion: 'test', lineage: LINEAGE }), command: 'apply', now: () => NOW, signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'copy-start') {
          copyStarted = Date.now();
          setTimeout(() => controller.abort(new Error('SIGINT')), 1_500);
        }
      },
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyCancelledError);
    expect((error as Error).message).toMatch(/^apply was cancelled during the data copy of /);
    expect(copyStarted).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await pgreplSessions(source)).toBe(0);
    expect(await pgreplSessions(target)).toBe(0);
    expect(await source.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND datname = $1", [sourceDb])).toEqual([{ n: 0 }]);
    expect(await target.query('SELECT count(*)::int AS n FROM shop.orders', [], targetDb)).toEqual([{ n: 0 }]);
    const state = await store.read();
    expect(new Set(state?.resources.filter((r) => r.kind === 'rows').map((r) => r.attributes['status']))).toEqual(new Set(['copying']));
  });
});
