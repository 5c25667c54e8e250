// The apply engine on real servers, 15 -> 15 and 15 -> 17, with hand-built plans (apply-engine-plan.ts): a role, the
// database, the schema, the rows of every table (a partitioned one through its leaves), sequence values, post-data
// (FK, indexes) and ANALYZE; then a re-copy of an FK parent and child as one group with TRUNCATE. Every check of the
// data is SQL of its own (count and an order-independent hash), and the schema diff afterwards is empty.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { ApplyStepError } from '../../src/apply/errors.js';
import { splitPostData } from '../../src/apply/post-data-stage.js';
import { buildSchedule } from '../../src/apply/schedule.js';
import type { ApplyEvent } from '../../src/apply/types.js';
import { databaseAddress, roleAddress, rowsAddress } from '../../src/model/address.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { localStateStore } from '../../src/state/local-store.js';
import { emptyState, findResource } from '../../src/state/state-edits.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { buildCopyPlan, NOW, pgreplSessions, SEQUENCES, sequenceState, sourceSchema, TABLES, tableHash, targetName } from './apply-engine-plan.js';
import { readModel } from './schema-oracle-write.js';

const scratch = useScratchDatabases();
const LINEAGE = '2f6c1c8e-8d51-4a53-9a43-0a4f1e6b2c11';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pgrepl-apply-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe.each([[15, 15], [15, 17]] as [Major, Major][])('applyPlan %i -> %i', (from, to) => {
  it('creates role, database and schema, copies rows and sequences, builds post-data, records the state; a re-copy group converges again', async () => {
    const source = await getCluster({ major: from });
    const target = await getCluster({ major: to });
    const role = `apply_role_${Math.random().toString(36).slice(2, 8)}`;
    const sourceDb = await scratch(source, 'apply_src');
    const targetDb = targetName('apply_tgt');
    // Databases before the role: it owns objects in both.
    cleanups.push(async () => {
      await source.dropDatabase(sourceDb);
      await target.dropDatabase(targetDb);
      await source.query(`DROP ROLE IF EXISTS ${role}`);
      await target.query(`DROP ROLE IF EXISTS ${role}`);
    });
    await source.query(sourceSchema(role), [], sourceDb);

    const plan = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: true });
    const statePath = join(await stateDir(), 'state.json');
    const store = localStateStore(statePath);
    const events: ApplyEvent[] = [];
    const result = await applyPlan({
      plan, source: parse(source.url()), target: parse(target.url()), store, state: null,
      newState: () => emptyState({ pgreplVersion: 'test', lineage: LINEAGE }), command: 'apply', now: () => NOW,
      onEvent: (e) => events.push(e), parallelPostDataMinBytes: 0,
    });

    // Data: equal by SQL of our own; sequences equal (including is_called of a never-used one).
    for (const t of [...TABLES, 'public.events']) expect(await tableHash(target, targetDb, t), t).toEqual(await tableHash(source, sourceDb, t));
    for (const s of SEQUENCES) expect(await sequenceState(target, targetDb, s), s).toEqual(await sequenceState(source, sourceDb, s));
    expect(await sequenceState(target, targetDb, 'shop.fresh')).toEqual({ last_value: '1', is_called: false });
    expect(await sequenceState(target, targetDb, 'shop.invoice_no')).toEqual({ last_value: '1016', is_called: true });
    // Post-data ran after the data: the FK and the index exist, the copied tables were analysed.
    expect(await target.query("SELECT conname FROM pg_constraint WHERE contype = 'f'", [], targetDb)).toEqual([{ conname: 'orders_customer_id_fkey' }]);
    // The FK's referenced key (customers_pkey) was built in the parallel part of post-data, beside the other tables'
    // keys, and the FK itself serially after it; the FK is valid.
    const dbSchedule = buildSchedule(plan).databases.find((d) => d.database.key === sourceDb);
    const split = splitPostData(dbSchedule?.postData ?? [], dbSchedule?.copies ?? [], 0);
    expect(split.parallel.length).toBeGreaterThan(1);
    expect(split.parallel.flatMap((g) => g.entries).some((e) => /ADD CONSTRAINT customers_pkey PRIMARY KEY/.test(e.statement.sql))).toBe(true);
    expect(split.serial.some((e) => /ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY/.test(e.statement.sql))).toBe(true);
    expect(await target.query("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'", [], targetDb)).toEqual([{ convalidated: true }]);
    expect(await target.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'orders_customer_idx'", [], targetDb)).toEqual([{ n: 1 }]);
    const analysed = await target.query<{ relname: string }>(
      'SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL ORDER BY relname', [], targetDb);
    expect(analysed.map((r) => r.relname)).toEqual(['customers', 'events_high', 'events_low', 'orders']);
    expect(await target.query(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'shop.customers'::regclass`, [], targetDb)).toEqual([{ owner: role }]);
    // The schema diff of the source against the target is empty: the next plan has nothing to do there.
    const after = diffSchemas(await readModel(source, sourceDb), await readModel(target, targetDb), { targetMajor: to, create: { roles: 'copy', targetDatabase: targetDb } });
    expect(after.map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);

    // The state: role and database as planned, rows copied with their runtime, the database's throughput.
    const state = await store.read() as StateDocument;
    expect(state).toEqual(result.state);
    // 15 -> 15 runs on one cluster, where the source's role already exists: no role step then.
    const roleStep = plan.steps.some((s) => s.address === roleAddress(role));
    expect(roleStep).toBe(from !== to);
    if (roleStep) expect(findResource(state, roleAddress(role))?.attributes).toEqual({ name: role, created: true });
    const db = findResource(state, databaseAddress(sourceDb))?.attributes as Record<string, unknown>;
    expect(db).toMatchObject({ name: targetDb, created: true });
    expect((db['throughput'] as { bytes: number }).bytes).toBeGreaterThan(0);
    const oids = await target.query<{ relname: string; oid: number }>(
      "SELECT relname, oid::int AS oid FROM pg_class WHERE relname IN ('customers', 'orders', 'events_low', 'events_high')", [], targetDb);
    const oidOf = (n: string): number | undefined => oids.find((r) => r.relname === n)?.oid;
    const orders = findResource(state, rowsAddress(sourceDb, 'shop', 'orders'));
    expect(orders?.attributes).toMatchObject({
      kind: 'table', target_database: targetDb, filter: null, status: 'copied', rows: 20000, target_oid: oidOf('orders'), copied_at: NOW.toISOString(),
    });
    expect(typeof orders?.attributes['snapshot']).toBe('string');
    // A partitioned table's rows step copies its leaves; target_oid is its first copy's table.
    const eventsStep = plan.steps.find((s) => s.address === rowsAddress(sourceDb, 'public', 'events'));
    const firstLeaf = eventsStep?.operations[0]?.type === 'data-copy' ? eventsStep.operations[0].table.name : '';
    expect(eventsStep?.operations.length).toBe(2);
    expect(findResource(state, rowsAddress(sourceDb, 'public', 'events'))?.attributes).toMatchObject({ status: 'copied', rows: 5000, target_oid: oidOf(firstLeaf) });
    expect(findResource(state, rowsAddress(sourceDb, 'shop', 'invoice_no'))?.attributes).toMatchObject({ kind: 'sequence', status: 'copied', target_oid: null, rows: null });
    // Schema objects are not state resources; history has one entry.
    expect(state.resources.map((r) => r.kind).sort()).toEqual([...['database', ...Array(7).fill('rows'), ...(roleStep ? ['role'] : [])]].sort());
    expect(state.history).toEqual([{ serial: state.serial, at: NOW.toISOString(), command: 'apply', summary: `${plan.steps.length} added, 0 changed, 0 destroyed` }]);
    // Writes only when resources changed: role, database, rows copying, rows copied, history.
    expect(state.serial).toBe(roleStep ? 5 : 4);
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);

    expect(result).toMatchObject({ added: plan.steps.length, changed: 0, destroyed: 0, rows: 2000 + 20000 + 5000 });
    expect(result.bytes).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'step-start').length).toBe(plan.steps.length);
    expect(events.filter((e) => e.type === 'step-done').map((e) => (e.type === 'step-done' ? e.step.index : 0)).sort((a, b) => a - b))
      .toEqual(plan.steps.map((s) => s.index));
    const copyStart = events.find((e) => e.type === 'copy-start');
    expect(copyStart?.type === 'copy-start' ? copyStart.tables.map((t) => t.address).sort() : []).toEqual([...TABLES].sort());
    expect(events.filter((e) => e.type === 'copy-progress' && e.done).length).toBe(4);
    expect(events.find((e) => e.type === 'copy-done')).toMatchObject({ database: sourceDb, rows: 27000 });
    expect(await pgreplSessions(source)).toBe(0);
    expect(await pgreplSessions(target)).toBe(0);

    // A re-copy of the FK parent and child as one group: TRUNCATE of both in one statement, then the new rows.
    await source.query(`
      INSERT INTO shop.customers (name) SELECT 'late ' || i FROM generate_series(1, 50) i;
      DELETE FROM shop.orders WHERE id % 10 = 0;
      INSERT INTO shop.orders (customer_id, total) SELECT 2000 + i, i FROM generate_series(1, 50) i;
      SELECT nextval('shop.fresh');`, [], sourceDb);
    const recopy = await buildCopyPlan({ source, sourceDb, target, targetDb, createDatabase: false, rowsOnly: true, recopy: true, onlyRows: ['shop.customers', 'shop.orders'] });
    expect(recopy.steps.flatMap((s) => s.operations.map((op) => (op.type === 'data-copy' ? [op.table.name, op.group, op.truncateFirst.length] : [])))).toEqual([
      ['customers', 'recopy', 1], ['orders', 'recopy', 1],
    ]);
    const second = await applyPlan({
      plan: recopy, source: parse(source.url()), target: parse(target.url()), store, state, newState: () => { throw new Error('has a state'); },
      command: 'apply', now: () => NOW,
    });
    for (const t of TABLES) expect(await tableHash(target, targetDb, t), t).toEqual(await tableHash(source, sourceDb, t));
    expect(second).toMatchObject({ added: 2, changed: 0, destroyed: 2, rows: 2050 + 18050 });
    expect(findResource(second.state, rowsAddress(sourceDb, 'shop', 'customers'))?.attributes).toMatchObject({ status: 'copied', rows: 2050 });
    expect(second.state.history.map((h) => h.serial)).toEqual([state.serial, state.serial + 3]);
    expect(second.state.serial).toBe(state.serial + 3);
    expect(await target.query("SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'", [], targetDb)).toEqual([{ n: 1 }]);
  });
});

describe('applyPlan failures', () => {
  it('a failing statement names its step, SQLSTATE and statement; earlier steps are recorded', async () => {
    const target = await getCluster({ major: 15 });
    const source = await getCluster({ major: 15 });
    const targetDb = await scratch(target, 'apply_fail');
    const role = `apply_fail_${Math.random().toString(36).slice(2, 8)}`;
    cleanups.push(async () => {
      await target.query(`DROP ROLE IF EXISTS ${role}`);
    });
    const sql = (stage: 'cluster' | 'pre-data', statements: string[]) => ({
      type: 'sql' as const, side: 'target' as const, stage, order: 0,
      statements: statements.map((s) => ({ sql: s, transactional: true, phase: 'pre-data' as const, object: 'table:public.t' })),
    });
    const plan = buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
      basedOn: { spec: null, state: null, actual: 'test' }, databases: [{ key: 'app', target: targetDb }], now: NOW, diagnostics: [],
      steps: [
        { address: roleAddress(role), action: 'create', reason: '', destructive: false, before: null, after: { name: role, created: true }, operations: [sql('cluster', [`CREATE ROLE ${role}`])], sqlPreview: [] },
        { address: 'target.table.app.public.good', action: 'create', reason: '', destructive: false, before: null, after: null, operations: [sql('pre-data', ['CREATE TABLE public.good (x integer)'])], sqlPreview: [] },
        { address: 'target.table.app.public.bad', action: 'create', reason: '', destructive: false, before: null, after: null, operations: [sql('pre-data', ['CREATE TABLE public.bad (x no_such_type)'])], sqlPreview: [] },
      ],
    });
    const store = localStateStore(join(await stateDir(), 'state.json'));
    const error = await applyPlan({
      plan, source: parse(source.url()), target: parse(target.url()), store, state: null,
      newState: () => emptyState({ pgreplVersion: 'test', lineage: LINEAGE }), command: 'apply', now: () => NOW,
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyStepError);
    expect(error).toMatchObject({ address: 'target.table.app.public.bad', step: 3, code: '42704', statement: 'CREATE TABLE public.bad (x no_such_type)', position: '28' });
    expect((error as ApplyStepError).message).toBe('target.table.app.public.bad: type "no_such_type" does not exist (SQLSTATE 42704)');
    expect((error as ApplyStepError).hints).toEqual(['STATEMENT:', '  CREATE TABLE public.bad (x no_such_type)', `  ${' '.repeat(27)}^`]);
    // The batch was one transaction: the good table rolled back with it; the role step was recorded.
    expect(await target.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'good'", [], targetDb)).toEqual([{ n: 0 }]);
    const state = await store.read();
    expect(state?.resources.map((r) => r.address)).toEqual([roleAddress(role)]);
    expect(state?.history).toEqual([]);
    expect(await pgreplSessions(target)).toBe(0);
  });
});
