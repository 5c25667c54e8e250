import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/model/object-key.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { planFromSchemaChanges } from '../../src/plan/from-schema-changes.js';
import { schemaChangeAddress } from '../../src/plan/schema-change-address.js';
import type { SqlOperation } from '../../src/plan/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { executionOrder } from '../../src/schema/diff/execution-order.js';
import { baseModel, col, OPEN_ORDERS, ORDER_NO, ORDERS, tbl, withColumn, withObject } from './schema-diff-base.js';

const desired = withObject(baseModel(), OPEN_ORDERS.key, (v) => ({ ...v, comment: 'open ones' }));
const stale = tbl('sales', 'Old Lines', { deps: [objectKey('schema', null, 'sales')], columns: [col('id', 'integer')] });
const actualBase = withColumn(baseModel(), ORDERS.key, 'note', (c) => ({ ...c, type: 'text' }));
const actual: SchemaModel = {
  ...actualBase,
  objects: [...actualBase.objects, stale].sort((a, b) => (a.key < b.key ? -1 : 1)),
  database: { ...actualBase.database, name: 'shop_copy', comment: 'old' },
};

describe('planFromSchemaChanges', () => {
  const changes = diffSchemas(desired, actual, { targetMajor: 15 });
  const steps = planFromSchemaChanges('my-app', changes);

  it('makes one step per change, numbered in the diff order, addressed with the database key', () => {
    expect(steps.map((s) => [s.index, s.address, s.action])).toEqual(changes.map((c, i) => [i + 1, schemaChangeAddress('my-app', c), c.action]));
    expect(steps.map((s) => s.address)).toContain('target.table["my-app"].sales["Old Lines"]');
    expect(steps.map((s) => s.address)).toContain('target.table["my-app"].sales.orders');
    expect(steps.at(-1)?.address).toBe('target.database["my-app"]');
    const drop = steps.find((s) => s.address.endsWith('["Old Lines"]'));
    expect(drop?.action).toBe('delete');
    expect(drop?.destructive).toBe(true);
  });

  it('joins the reasons and keeps before/after', () => {
    changes.forEach((c, i) => {
      expect(steps[i]?.reason).toBe(c.reasons.join('; '));
      expect(steps[i]?.before).toBe(c.before);
      expect(steps[i]?.after).toBe(c.after);
    });
  });

  it('ranks sql operations so that running them by stage and order reproduces executionOrder', () => {
    const ops = steps.flatMap((s) => s.operations).filter((o): o is SqlOperation => o.type === 'sql');
    const stageRank = { cluster: -1, detach: -0.5, teardown: 0, 'pre-data': 1, publication: 1.5, 'post-data': 2, subscription: 3 } as const;
    const run = [...ops].sort((a, b) => stageRank[a.stage] - stageRank[b.stage] || a.order - b.order).flatMap((o) => o.statements.map((s) => s.sql));
    expect(run).toEqual(executionOrder(changes).map((s) => s.sql));
    expect(steps.flatMap((s) => s.sqlPreview)).toHaveLength(run.length);
  });

  it('keeps a change whose statements are not adjacent in the execution order in its place (a sequence OWNED BY a later table)', () => {
    const owned = withObject(baseModel(), ORDER_NO.key, (q) => ({ ...q, ownedBy: { table: ORDERS.key, column: 'id' } }));
    const empty: SchemaModel = { ...owned, objects: [] };
    const all = diffSchemas(owned, empty, { targetMajor: 15 });
    const ops = planFromSchemaChanges('shop', all).flatMap((s) => s.operations).filter((o): o is SqlOperation => o.type === 'sql');
    const stageRank = { cluster: -1, detach: -0.5, teardown: 0, 'pre-data': 1, publication: 1.5, 'post-data': 2, subscription: 3 } as const;
    const run = [...ops].sort((a, b) => stageRank[a.stage] - stageRank[b.stage] || a.order - b.order).flatMap((o) => o.statements.map((s) => s.sql));
    expect(run).toEqual(executionOrder(all).map((s) => s.sql));
    const ownedBy = run.findIndex((s) => s.includes('OWNED BY'));
    expect(ownedBy).toBeGreaterThan(run.findIndex((s) => s.startsWith('CREATE TABLE sales.orders')));
  });

  it('gives the function its identity arguments as one segment', () => {
    expect(schemaChangeAddress('shop', { kind: 'function', schema: 'sales', addressName: 'f(integer, text)' })).toBe('target.function.shop.sales["f(integer, text)"]');
    expect(schemaChangeAddress('shop', { kind: 'database', schema: null, addressName: 'shop_renamed' })).toBe('target.database.shop');
  });
});
