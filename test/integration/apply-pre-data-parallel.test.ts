// Pre-data on several sessions (src/apply/pre-data-stage.ts, segments from src/schema/diff/execution-order.ts) on
// real servers: 120 tables with serial columns, an enum, a function and a shared sequence in their defaults, a
// partitioned table and its partitions, an inheritance parent and child, a table with a column of another table's row
// type, an FK child and a view. The tables that need another table (partitions, the inheritance child, the row-type
// column) must wait for a later segment; everything else, the FK child included (its key is post-data), is created
// on two sessions at once. An event
// trigger on the target (added after planning, removed before the comparison) records which backend created what.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { splitPreData } from '../../src/apply/pre-data-stage.js';
import { buildSchedule } from '../../src/apply/schedule.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { localStateStore } from '../../src/state/local-store.js';
import { emptyState } from '../../src/state/state-edits.js';
import { getCluster, useScratchDatabases } from '../harness/index.js';
import { buildCopyPlan, NOW, tableHash } from './apply-engine-plan.js';
import { readModel } from './schema-oracle-write.js';

const scratch = useScratchDatabases();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
const TABLES = 120;

const SOURCE = `
CREATE SCHEMA p;
CREATE TYPE p.mood AS ENUM ('ok', 'sad');
CREATE FUNCTION p.twice(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
CREATE SEQUENCE p.shared_seq;
DO $$
BEGIN
  FOR i IN 1..${String(TABLES)} LOOP
    EXECUTE format('CREATE TABLE p.t%s (id serial PRIMARY KEY, v integer DEFAULT p.twice(%s), m p.mood, c bigint DEFAULT nextval(''p.shared_seq''))', i, i);
    EXECUTE format('INSERT INTO p.t%s (m) SELECT ''ok'' FROM generate_series(1, 3)', i);
  END LOOP;
END $$;
CREATE TABLE p.parted (id integer NOT NULL, k integer NOT NULL) PARTITION BY RANGE (k);
CREATE TABLE p.part_low PARTITION OF p.parted FOR VALUES FROM (0) TO (100);
CREATE TABLE p.part_high PARTITION OF p.parted FOR VALUES FROM (100) TO (200);
INSERT INTO p.parted SELECT g, g FROM generate_series(0, 199) g;
CREATE TABLE p.base (id integer NOT NULL);
CREATE TABLE p.derived (extra text) INHERITS (p.base);
INSERT INTO p.derived VALUES (1, 'one'), (2, 'two');
CREATE TABLE p.holder (id integer PRIMARY KEY, row_of p.t1);
INSERT INTO p.holder SELECT id, t FROM p.t1 t;
CREATE TABLE p.child (id integer PRIMARY KEY, t1_id integer REFERENCES p.t1 (id));
INSERT INTO p.child SELECT id, id FROM p.t1;
CREATE VIEW p.joined AS SELECT a.id, a.v, b.v AS v2 FROM p.t1 a JOIN p.t2 b USING (id);
`;

const AUDIT = `
CREATE SCHEMA audit;
CREATE TABLE audit.ddl (n bigserial, pid integer, tag text, obj text);
CREATE FUNCTION audit.log() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.ddl (pid, tag, obj) SELECT pg_backend_pid(), command_tag, object_identity FROM pg_event_trigger_ddl_commands();
END $$;
CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION audit.log();
ALTER EVENT TRIGGER audit_ddl ENABLE ALWAYS;
`;

describe('pre-data on two sessions', () => {
  it('creates independent tables on two backends and the dependent ones after them; data and schema converge', async () => {
    const cluster = await getCluster({ major: 15 });
    const sourceDb = await scratch(cluster, 'pre_par_src');
    const targetDb = await scratch(cluster, 'pre_par_tgt');
    await cluster.query(SOURCE, [], sourceDb);
    const plan = await buildCopyPlan({ source: cluster, sourceDb, target: cluster, targetDb, createDatabase: false });

    // The planner's segments: the independent tables in the first, the ones needing a table in a later one.
    const db = buildSchedule(plan).databases.find((d) => d.database.key === sourceDb);
    const segmentOf = (table: string): number | undefined =>
      db?.preData.find((i) => i.op.statements.some((s) => s.object === `table:p.${table}`))?.op.parallel;
    expect(segmentOf('t1')).toBe(1);
    expect(segmentOf('t120')).toBe(1);
    expect(segmentOf('parted')).toBe(1);
    expect(segmentOf('base')).toBe(1);
    // The FK child needs its parent only in post-data: the first segment too.
    expect(segmentOf('child')).toBe(1);
    for (const t of ['part_low', 'part_high', 'derived', 'holder']) expect(segmentOf(t), t).toBe(2);
    // Types, functions and sequences come before, serially; the view after the tables it reads (between the segments).
    const parts = splitPreData(db?.preData ?? [], 2);
    expect(parts.map((p) => p.kind)).toEqual(['serial', 'parallel', 'serial', 'parallel']);
    const between = parts[2];
    expect(between?.kind === 'serial' ? between.entries.map((e) => e.statement.object) : []).toEqual(['view:p.joined']);
    const first = parts[1];
    expect(first?.kind === 'parallel' ? first.chunks.length : 0).toBeGreaterThan(1);

    const dir = await mkdtemp(join(tmpdir(), 'pgrepl-pre-par-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cluster.query(AUDIT, [], targetDb);
    await applyPlan({
      plan, source: parse(cluster.url({ database: sourceDb })), target: parse(cluster.url({ database: targetDb })),
      store: localStateStore(join(dir, 'state.json')), state: null, workers: 2,
      newState: () => emptyState({ pgreplVersion: 'test', lineage: '7e0f1a52-3c3b-4e1e-9c55-1f2b3c4d5e6f' }), command: 'apply', now: () => NOW,
    });

    const log = await cluster.query<{ n: string; pid: number; obj: string }>(
      "SELECT n::text AS n, pid, obj FROM audit.ddl WHERE tag = 'CREATE TABLE' AND obj LIKE 'p.%' ORDER BY n", [], targetDb);
    const created = new Map(log.map((r) => [r.obj, r]));
    const independent = log.filter((r) => /^p\.t\d+$/.test(r.obj));
    expect(independent).toHaveLength(TABLES);
    expect(new Set(independent.map((r) => r.pid)).size).toBe(2);
    const at = (obj: string): number => Number(created.get(obj)?.n ?? Number.NaN);
    const lastOfFirst = Math.max(...['p.parted', 'p.base', 'p.child', ...independent.map((r) => r.obj)].map(at));
    for (const t of ['p.part_low', 'p.part_high', 'p.derived', 'p.holder']) expect(at(t), t).toBeGreaterThan(lastOfFirst);
    await cluster.query('DROP EVENT TRIGGER audit_ddl; DROP SCHEMA audit CASCADE', [], targetDb);

    for (const t of ['p.t1', 'p.t77', `p.t${String(TABLES)}`, 'p.parted', 'p.part_low', 'p.base', 'p.derived', 'p.holder', 'p.child', 'p.joined']) {
      expect(await tableHash(cluster, targetDb, t), t).toEqual(await tableHash(cluster, sourceDb, t));
    }
    const after = diffSchemas(await readModel(cluster, sourceDb), await readModel(cluster, targetDb), { targetMajor: 15, create: { roles: 'copy', targetDatabase: targetDb } });
    expect(after.map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);
  });
});
