// Pre-data segments (src/schema/diff/execution-order.ts) and how the apply cuts them (splitPreData), without servers.
import { describe, expect, it } from 'vitest';
import { splitPreData } from '../../src/apply/pre-data-stage.js';
import type { SqlItem } from '../../src/apply/schedule.js';
import { objectKey } from '../../src/model/object-key.js';
import type { SchemaModel, TableObject } from '../../src/model/schema.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import { planFromSchemaChanges } from '../../src/plan/from-schema-changes.js';
import type { SqlOperation } from '../../src/plan/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { executionPlan } from '../../src/schema/diff/execution-order.js';
import { baseModel, col, con, CUSTOMERS, ORDERS, tbl, withColumn } from './schema-diff-base.js';
import { step } from './plan-step-fixtures.js';

const SALES = objectKey('schema', null, 'sales');
const plain = (name: string, extra: Partial<TableObject> = {}): TableObject => tbl('sales', name, { deps: [SALES], columns: [col('id', 'integer')], ...extra });

function model(...tables: TableObject[]): SchemaModel {
  const m = baseModel();
  return { ...m, objects: [...m.objects, ...tables].sort((a, b) => (a.key < b.key ? -1 : 1)) };
}

/** The segment of each created table's CREATE TABLE, by table name. */
function segments(desired: SchemaModel, actual: SchemaModel): Record<string, number | 'serial'> {
  const plan = executionPlan(diffSchemas(desired, actual, { targetMajor: 15 }));
  const out: Record<string, number | 'serial'> = {};
  for (const s of plan.order) {
    if (s.phase === 'pre-data' && /^CREATE TABLE/.test(s.sql)) out[s.object.replace('table:sales.', '')] = plan.parallel.get(s) ?? 'serial';
  }
  return out;
}

describe('executionPlan: pre-data segments', () => {
  const empty: SchemaModel = { ...baseModel(), objects: [] };

  it('puts new tables that need no other new table in segment 1, a partition, an inheritance child and a row-type user in segment 2', () => {
    const parent = plain('parent', { partitionKey: 'RANGE (id)' });
    const part = plain('part', { partitionOf: { parent: parent.key, bound: 'FOR VALUES FROM (0) TO (10)' } });
    const child = plain('child', { inherits: [CUSTOMERS.key] });
    const holder = plain('holder', { deps: [SALES, ORDERS.key], columns: [col('o', 'sales.orders')] });
    const got = segments(model(parent, part, child, holder), empty);
    // orders has an FK to customers, which only post-data needs: the same segment.
    expect(got).toMatchObject({ customers: 1, orders: 1, parent: 1, part: 2, child: 2, holder: 2 });
  });

  it('keeps types, functions and sequences before the first segment and views after the tables they read', () => {
    const plan = executionPlan(diffSchemas(baseModel(), empty, { targetMajor: 15 }));
    const pre = plan.order.filter((s) => s.phase === 'pre-data');
    const firstParallel = pre.findIndex((s) => plan.parallel.has(s));
    const lastParallel = pre.length - 1 - [...pre].reverse().findIndex((s) => plan.parallel.has(s));
    const kinds = (list: readonly DdlStatement[]): string[] => [...new Set(list.map((s) => s.object.split(':')[0] ?? ''))].sort();
    expect(kinds(pre.slice(0, firstParallel))).toEqual(expect.arrayContaining(['schema', 'sequence', 'type']));
    expect(kinds(pre.slice(firstParallel, lastParallel + 1))).toEqual(['table']);
    expect(kinds(pre.slice(lastParallel + 1))).toContain('view');
  });

  it('keeps a table whose column has the row type of a table it also references after that table', () => {
    const parent = plain('parent');
    const both = plain('row_user', {
      deps: [SALES, parent.key], columns: [col('p', 'sales.parent[]')],
      constraints: [con('row_user_fk', 'f', 'FOREIGN KEY (id) REFERENCES sales.parent(id)', { references: parent.key })],
    });
    const fkOnly = plain('fk_only', { deps: [SALES, parent.key], constraints: [con('fk_only_fk', 'f', 'FOREIGN KEY (id) REFERENCES sales.parent(id)', { references: parent.key })] });
    expect(segments(model(parent, both, fkOnly), empty)).toMatchObject({ parent: 1, row_user: 2, fk_only: 1 });
  });

  it('leaves an altered table serial: only new tables run beside each other', () => {
    const changed = withColumn(baseModel(), ORDERS.key, 'note', (c) => ({ ...c, type: 'text' }));
    const plan = executionPlan(diffSchemas(baseModel(), changed, { targetMajor: 15 }));
    expect(plan.order.filter((s) => s.phase === 'pre-data').length).toBeGreaterThan(0);
    expect(plan.parallel.size).toBe(0);
  });

  it('numbers the operations of the plan with their segment; one table\'s pre-data statements stay one operation', () => {
    const steps = planFromSchemaChanges('shop', diffSchemas(baseModel(), empty, { targetMajor: 15 }));
    const ops = steps.flatMap((s) => s.operations).filter((o): o is SqlOperation => o.type === 'sql' && o.stage === 'pre-data');
    const tables = ops.filter((o) => o.statements[0]?.object.startsWith('table:') === true);
    expect(tables.map((o) => [o.statements[0]?.object, o.parallel])).toEqual([['table:sales.customers', 1], ['table:sales.orders', 1]]);
    for (const o of ops.filter((x) => !tables.includes(x))) expect(o.parallel).toBeUndefined();
  });
});

describe('splitPreData', () => {
  const item = (i: number, parallel?: number, statements = 1): SqlItem => {
    const op: SqlOperation = {
      type: 'sql', side: 'target', stage: 'pre-data', order: i,
      statements: Array.from({ length: statements }, (_, k) => ({ sql: `CREATE TABLE t${String(i)}_${String(k)} ()`, transactional: true, phase: 'pre-data', object: `table:public.t${String(i)}` })),
      ...(parallel === undefined ? {} : { parallel }),
    };
    return { step: step(i, `target.table.db.public.t${String(i)}`), op };
  };

  it('cuts serial runs and segments; adjacent segments stay apart; chunks hold whole tables', () => {
    const items = [item(1), item(2, 1, 30), item(3, 1, 30), item(4, 1, 30), item(5, 2), item(6, 2), item(7)];
    const parts = splitPreData(items, 2);
    expect(parts.map((p) => p.kind)).toEqual(['serial', 'parallel', 'parallel', 'serial']);
    const first = parts[1];
    if (first?.kind !== 'parallel') throw new Error('expected a parallel part');
    expect(first.chunks.map((c) => c.length)).toEqual([60, 30]);
    expect(first.chunks.map((c) => [...new Set(c.map((e) => e.step.index))])).toEqual([[2, 3], [4]]);
  });

  it('runs everything serially, in order, with one worker or a segment of one operation', () => {
    const items = [item(1), item(2, 1), item(3, 1), item(4, 2), item(5)];
    expect(splitPreData(items, 1).map((p) => p.kind)).toEqual(['serial']);
    const parts = splitPreData(items, 2);
    expect(parts.map((p) => p.kind)).toEqual(['serial', 'parallel', 'serial']);
    const last = parts[2];
    expect(last?.kind === 'serial' ? last.entries.map((e) => e.step.index) : []).toEqual([4, 5]);
  });
});
