// The engine's pure schedule: which operation runs in which stage and order, and where each step is finished.
import { describe, expect, it } from 'vitest';
import { buildSchedule, checkpointRank, stepsFinishedAt, stepPlace } from '../../src/apply/schedule.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Operation, Plan, PlanStep, SqlOperation } from '../../src/plan/types.js';
import { PgreplError } from '../../src/util/errors.js';

const sql = (stage: SqlOperation['stage'], order: number, text: string): SqlOperation => ({
  type: 'sql', side: 'target', stage, order, statements: [{ sql: text, transactional: stage !== 'cluster', phase: 'pre-data', object: 'x' }],
});
const copy = (name: string): Operation => ({
  type: 'data-copy', table: { schema: 'public', name }, columns: ['id'], filter: null, truncateFirst: [], group: null, estimate: { rows: 1, bytes: 1, seconds: 0 },
});
const step = (address: string, operations: readonly Operation[], action: PlanStep['action'] = 'create'): Omit<PlanStep, 'index'> => ({
  address, action, reason: '', destructive: false, before: null, after: null, operations, sqlPreview: [],
});

function plan(): Plan {
  return buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
    basedOn: { spec: null, state: null, actual: 'x' }, diagnostics: [], now: new Date(0),
    databases: [{ key: 'b', target: 'b2' }, { key: 'a', target: 'a' }],
    steps: [
      /* 1 */ step('target.role.app', [sql('cluster', 0, 'CREATE ROLE app')]),
      /* 2 */ step('target.database.a', [sql('cluster', 0, 'CREATE DATABASE a'), sql('post-data', 90, 'ALTER DATABASE a SET x = 1')]),
      /* 3 */ step('target.table.a.public.t', [sql('teardown', 5, 'DROP INDEX i'), sql('pre-data', 20, 'CREATE TABLE t'), sql('post-data', 30, 'ALTER TABLE t ADD PRIMARY KEY')]),
      /* 4 */ step('target.type.a.public.e', [sql('pre-data', 10, 'CREATE TYPE e')]),
      /* 5 */ step('target.rows.a.public.t', [copy('t')]),
      /* 6 */ step('target.rows.a.public.s', [{ type: 'sequence-values', sequences: [{ schema: 'public', name: 's' }] }]),
      /* 7 */ step('target.table.b.public.u', [sql('pre-data', 1, 'CREATE TABLE u')]),
      /* 8 */ step('target.rows.a.public.gone', [], 'delete'),
      /* 9 */ step('target.role.old', [], 'delete'),
      /* 10 */ step('target.view.a.public.v', [sql('pre-data', 20, 'CREATE VIEW v')]),
    ],
  });
}

describe('buildSchedule', () => {
  it('puts cluster SQL first in step order, and each database stage in `order`, ties by step index, databases in plan order', () => {
    const s = buildSchedule(plan());
    expect(s.cluster.map((i) => i.op.statements[0]?.sql)).toEqual(['CREATE ROLE app', 'CREATE DATABASE a']);
    expect(s.databases.map((d) => d.database.key)).toEqual(['b', 'a']);
    const a = s.databases[1];
    expect(a?.teardown.map((i) => i.step.index)).toEqual([3]);
    expect(a?.preData.map((i) => i.op.statements[0]?.sql)).toEqual(['CREATE TYPE e', 'CREATE TABLE t', 'CREATE VIEW v']);
    expect(a?.postData.map((i) => i.op.statements[0]?.sql)).toEqual(['ALTER TABLE t ADD PRIMARY KEY', 'ALTER DATABASE a SET x = 1']);
    expect(a?.copies.map((c) => c.op.table.name)).toEqual(['t']);
    expect(a?.sequences.map((c) => c.step.index)).toEqual([6]);
    expect(a?.dataSteps.map((x) => x.index)).toEqual([5, 6]);
    expect(s.databases[0]?.preData.map((i) => i.step.index)).toEqual([7]);
  });

  it('finishes a step at the last checkpoint holding one of its operations; no-op steps at their database end or the very end', () => {
    const p = plan();
    const s = buildSchedule(p);
    const at = (c: Parameters<typeof stepsFinishedAt>[2]): number[] => stepsFinishedAt(p, s, c).map((x) => x.index);
    expect(at({ at: 'cluster', step: 1 })).toEqual([1]);
    expect(at({ at: 'cluster', step: 2 })).toEqual([]);
    expect(at({ at: 'database', database: 0, phase: 'pre-data' })).toEqual([7]);
    expect(at({ at: 'database', database: 1, phase: 'teardown' })).toEqual([]);
    expect(at({ at: 'database', database: 1, phase: 'pre-data' })).toEqual([4, 10]);
    expect(at({ at: 'database', database: 1, phase: 'data' })).toEqual([5, 6]);
    expect(at({ at: 'database', database: 1, phase: 'post-data' })).toEqual([2, 3, 8]);
    expect(at({ at: 'end' })).toEqual([9]);
    // Every step finishes exactly once.
    expect([...s.finishAt.keys()].sort((x, y) => x - y)).toEqual(p.steps.map((x) => x.index));
  });

  it('orders checkpoints: cluster steps, databases in order and their phases, then the end', () => {
    const ranks = [
      checkpointRank({ at: 'cluster', step: 1 }), checkpointRank({ at: 'cluster', step: 9 }),
      checkpointRank({ at: 'database', database: 0, phase: 'teardown' }), checkpointRank({ at: 'database', database: 0, phase: 'post-data' }),
      checkpointRank({ at: 'database', database: 1, phase: 'teardown' }), checkpointRank({ at: 'end' }),
    ];
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
  });

  it('refuses what it cannot run: source SQL outside the replication stages, two slots for one database, a database missing from the list', () => {
    const make = (steps: Omit<PlanStep, 'index'>[]): Plan => buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000', basedOn: { spec: null, state: null, actual: 'x' }, diagnostics: [], now: new Date(0), databases: [{ key: 'a', target: 'a' }], steps });
    expect(() => buildSchedule(make([step('target.table.zz.public.t', [sql('pre-data', 1, 'CREATE TABLE t')])]))).toThrow(/database "zz", which is not in the plan's database list/);
    const slot = { type: 'create-slot', slot: 's', plugin: 'pgoutput', exportSnapshot: true } as const;
    expect(() => buildSchedule(make([step('source.slot.a', [slot, slot])]))).toThrow(PgreplError);
    expect(() => buildSchedule(make([step('source.publication.a', [{ ...sql('pre-data', 1, 'CREATE PUBLICATION p'), side: 'source' }])]))).toThrow(/SQL on the source/);
    expect(() => buildSchedule(make([step('source.publication.a', [sql('publication', 1, 'CREATE PUBLICATION p')])]))).toThrow(/publication SQL on the target/);
  });

  it('places replication operations: detach before everything, publication before the slot, subscription after post-data', () => {
    const make = (steps: Omit<PlanStep, 'index'>[]): Plan => buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000', basedOn: { spec: null, state: null, actual: 'x' }, diagnostics: [], now: new Date(0), databases: [{ key: 'a', target: 'a' }], steps });
    const plan = make([
      step('target.subscription.a', [sql('detach', 0, 'DROP SUBSCRIPTION s'), {
        type: 'create-subscription', subscription: 's', publication: 'p', slot: 's', options: {}, copyData: false, enabled: true, comment: 'c', storesPassword: false,
      }]),
      step('source.slot.a', [{ type: 'drop-slot', slot: 's' }, { type: 'create-slot', slot: 's', plugin: 'pgoutput', exportSnapshot: true }]),
      step('source.publication.a', [{ ...sql('detach', -1, 'ALTER PUBLICATION p DROP TABLE t'), side: 'source' }, { ...sql('publication', 0, 'ALTER PUBLICATION p ADD TABLE t'), side: 'source' }]),
    ]);
    const s = buildSchedule(plan);
    const db = s.databases[0];
    expect(db?.detach.map((d) => (d.op.type === 'sql' ? d.op.statements[0]?.sql : d.op.type))).toEqual(['ALTER PUBLICATION p DROP TABLE t', 'DROP SUBSCRIPTION s', 'drop-slot']);
    expect(db?.publication.map((p) => p.op.statements[0]?.sql)).toEqual(['ALTER PUBLICATION p ADD TABLE t']);
    expect(db?.slot?.op.slot).toBe('s');
    expect(db?.subscription.map((x) => x.op.type)).toEqual(['create-subscription']);
    expect(s.finishAt.get(1)).toEqual({ at: 'database', database: 0, phase: 'subscription' });
    expect(s.finishAt.get(2)).toEqual({ at: 'database', database: 0, phase: 'slot' });
    expect(s.finishAt.get(3)).toEqual({ at: 'database', database: 0, phase: 'publication' });
  });

  it('reads kind and database from an address', () => {
    expect(stepPlace('target.role.app')).toEqual({ kind: 'role', database: null });
    expect(stepPlace('target.database["my-app"]')).toEqual({ kind: 'database', database: 'my-app' });
    expect(stepPlace('target.rows["my-app"]["Sales"]["Order Lines"]')).toEqual({ kind: 'rows', database: 'my-app' });
  });
});
