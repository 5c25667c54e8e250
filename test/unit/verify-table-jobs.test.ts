// What verify checks per table, decided from models and state (no servers): the recorded filter (anchored window
// literal) rather than the spec's window, the key (primary key; none -> keyless), columns both sides have, tables
// missing on the target or never copied; and the schema part: a converged target has no schema difference.
import { describe, expect, it } from 'vitest';
import { rowsAddress } from '../../src/model/address.js';
import { objectKey } from '../../src/model/object-key.js';
import type { SchemaModel, TableObject } from '../../src/model/schema.js';
import { scopeDatabase } from '../../src/plan/planner/database-plan.js';
import { emptyState, withResource } from '../../src/state/state-edits.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { schemaDifferences } from '../../src/verify/schema-differences.js';
import { tableJob } from '../../src/verify/table-jobs.js';
import { convergedActual, rowsRecord, sourceModel, specText } from './planner-fixtures.js';

const ORDERS = objectKey('table', 'sales', 'orders');
const LINES = objectKey('table', 'sales', 'order_lines');
const WINDOW_FILTER = "created_at >= '2026-08-28 09:00:00+00'::timestamp with time zone";

function stateWith(filter: string | null): StateDocument {
  return withResource(emptyState({ pgreplVersion: 'test', lineage: '3f8a1c2e-0000-4000-8000-000000000001' }), {
    address: rowsAddress('shop', 'sales', 'orders'), kind: 'rows', updated_at: '2026-11-26T09:00:01.000Z',
    attributes: rowsRecord({ filter, window: { column: 'created_at', last: '90 days', anchor: '2026-11-26 09:00:00+00', bound: '2026-08-28 09:00:00+00' } }) as unknown as StateDocument['resources'][number]['attributes'],
  });
}

const db = (block = 'shop: { sync: false }') => specText(block).databases[0] ?? (() => { throw new Error('no database'); })();

describe('tableJob', () => {
  it('reads the source under the filter the state records (the anchored window), keyed by the primary key', () => {
    const spec = db('shop: { sync: false, time_filters: [{ table: sales.orders, column: created_at, last: 90 days }] }');
    const job = tableJob(spec, ORDERS, sourceModel(), sourceModel(), stateWith(WINDOW_FILTER));
    expect(job).toMatchObject({
      display: 'sales.orders', only: true, filter: WINDOW_FILTER, key: [{ name: 'id', type: 'integer' }],
      columns: ['id', 'customer_id', 'created_at', 'order_no'], notes: [],
    });
    expect(job?.error).toBeUndefined();
  });
  it('refuses a windowed table the state has no copy of (no anchor yet)', () => {
    const spec = db('shop: { sync: false, time_filters: [{ table: sales.orders, column: created_at, last: 90 days }] }');
    expect(tableJob(spec, ORDERS, sourceModel(), sourceModel(), null)?.error).toMatch(/no anchor yet/);
  });
  it('a table without key is keyless; a table missing on the target is an error', () => {
    expect(tableJob(db(), LINES, sourceModel(), sourceModel(), null)).toMatchObject({ key: null, filter: null });
    const target: SchemaModel = { ...sourceModel(), objects: sourceModel().objects.filter((o) => o.key !== LINES) };
    expect(tableJob(db(), LINES, sourceModel(), target, null)?.error).toBe('sales.order_lines is missing on the target database shop');
  });
  it('compares the columns both sides have and says which are left out', () => {
    const target: SchemaModel = {
      ...sourceModel(),
      objects: sourceModel().objects.map((o) => (o.key === ORDERS ? { ...(o as TableObject), columns: (o as TableObject).columns.filter((c) => c.name !== 'order_no') } : o)),
    };
    const job = tableJob(db(), ORDERS, sourceModel(), target, stateWith(null));
    expect(job?.columns).toEqual(['id', 'customer_id', 'created_at']);
    expect(job?.notes).toContain('not on the target, not compared: order_no');
  });
});

describe('schemaDifferences', () => {
  it('a converged target has none; a target without the database says so', () => {
    const actual = convergedActual();
    const a = actual.databases[0];
    if (a?.source == null) throw new Error('fixture');
    const scope = scopeDatabase(db(), a, a.source.model);
    expect(schemaDifferences(scope, a, actual.target)).toEqual([]);
    expect(schemaDifferences(scope, { ...a, target: null }, actual.target)).toEqual(['the target database shop does not exist']);
  });
  it('lists a table the target lacks', () => {
    const actual = convergedActual();
    const a = actual.databases[0];
    if (a?.source == null || a.target === null) throw new Error('fixture');
    const scope = scopeDatabase(db(), a, a.source.model);
    const target = { ...a.target, model: { ...a.target.model, objects: a.target.model.objects.filter((o) => o.key !== LINES) } };
    expect(schemaDifferences(scope, { ...a, target }, actual.target)).toEqual([expect.stringMatching(/^table:sales\.order_lines missing on the target/)]);
  });
});
