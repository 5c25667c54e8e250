// Scope closure on hand-built models: what selected tables need comes along, tables never come silently, views
// over excluded tables are left out with a warning naming the table.
import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/model/object-key.js';
import { computeSchemaScope } from '../../src/schema/scope.js';
import { cast, enumType, fn, model, schema, sequence, statistics, table, view } from './schema-scope-model.js';

describe('computeSchemaScope: what the selected tables need', () => {
  it('takes schemas, types, sequences and functions transitively, and nothing unrelated', () => {
    const helper = fn('util', 'helper');
    const mood = enumType('app', 'mood');
    const seq = sequence('app', 'invoice_no');
    const codeFn = fn('app', 'next_code', [seq.key, helper.key]);
    const orders = table('app', 'orders', { deps: [mood.key, codeFn.key] });
    const m = model([schema('app'), schema('util'), schema('unused'), helper, mood, seq, codeFn, orders, enumType('unused', 'other'), table('app', 'audit')]);
    const scope = computeSchemaScope(m, [orders.key]);
    expect(scope.errors).toEqual([]);
    expect(scope.objects).toEqual([
      'function:app.next_code()', 'function:util.helper()', 'schema:app', 'schema:util', 'sequence:app.invoice_no', 'table:app.orders', 'type:app.mood',
    ]);
  });

  it('takes the partitions of a selected partitioned table, and a partition its parent', () => {
    const events = table('app', 'events');
    const p2024 = table('app', 'events_2024', { partitionOf: events.key, deps: [events.key] });
    const p2024a = table('app', 'events_2024_a', { partitionOf: p2024.key, deps: [p2024.key] });
    const m = model([schema('app'), events, p2024, p2024a]);
    expect(computeSchemaScope(m, [events.key]).objects).toEqual(['schema:app', events.key, p2024.key, p2024a.key]);
    expect(computeSchemaScope(m, [p2024a.key]).objects).toEqual(['schema:app', events.key, p2024.key, p2024a.key]);
    expect(computeSchemaScope(m, [events.key]).errors).toEqual([]);
  });

  it('an FK to a table outside the selection is an error naming the FK and both tables', () => {
    const customers = table('app', 'customers');
    const orders = table('app', 'orders', { deps: [customers.key], fks: [{ name: 'orders_customer_fk', references: customers.key }] });
    const m = model([schema('app'), customers, orders]);
    const scope = computeSchemaScope(m, [orders.key]);
    expect(scope.objects).toEqual(['schema:app', orders.key]);
    expect(scope.errors).toEqual([expect.objectContaining({
      severity: 'error', code: 'fk-out-of-scope', object: orders.key, related: [customers.key],
      message: 'foreign key orders_customer_fk of table app.orders references table app.customers, which is not selected',
    })]);
    expect(computeSchemaScope(m, [orders.key, customers.key]).errors).toEqual([]);
  });

  it('sees an FK even when deps do not list the referenced table, and a self-reference is fine', () => {
    const customers = table('app', 'customers');
    const orders = table('app', 'orders', { fks: [{ name: 'fk', references: customers.key }, { name: 'self', references: 'table:app.orders' }] });
    const scope = computeSchemaScope(model([schema('app'), customers, orders]), [orders.key]);
    expect(scope.errors.map((e) => [e.code, e.related])).toEqual([['fk-out-of-scope', [customers.key]]]);
  });

  it('a partition does not repeat its parent\'s FK error', () => {
    const customers = table('app', 'customers');
    const events = table('app', 'events', { deps: [customers.key], fks: [{ name: 'events_fk', references: customers.key }] });
    const part = table('app', 'events_1', { partitionOf: events.key, deps: [events.key, customers.key], fks: [{ name: 'events_fk', references: customers.key }] });
    const scope = computeSchemaScope(model([schema('app'), customers, events, part]), [events.key]);
    expect(scope.errors.map((e) => e.object)).toEqual([events.key]);
  });

  it('an INHERITS parent outside the selection is an error; selected, it is fine', () => {
    const vehicles = table('app', 'vehicles');
    const cars = table('app', 'cars', { inherits: [vehicles.key], deps: [vehicles.key] });
    const m = model([schema('app'), vehicles, cars]);
    expect(computeSchemaScope(m, [cars.key]).errors).toEqual([expect.objectContaining({
      code: 'parent-out-of-scope', message: 'table app.cars inherits from table app.vehicles, which is not selected',
    })]);
    expect(computeSchemaScope(m, [cars.key, vehicles.key]).errors).toEqual([]);
  });

  it('a function the table needs that itself needs an unselected table is an error naming the chain', () => {
    const secret = table('app', 'secret');
    const atomic = fn('app', 'count_secret', [secret.key]);
    const orders = table('app', 'orders', { deps: [atomic.key] });
    const scope = computeSchemaScope(model([schema('app'), secret, atomic, orders]), [orders.key]);
    expect(scope.objects).not.toContain(secret.key);
    expect(scope.errors).toEqual([expect.objectContaining({
      code: 'needs-unselected-table', object: atomic.key, related: [secret.key, orders.key],
      message: 'function app.count_secret() (needed by table app.orders) needs table app.secret, which is not selected',
    })]);
  });

  it('names an unknown selected key', () => {
    const scope = computeSchemaScope(model([schema('app')]), ['table:app.nope']);
    expect(scope.errors).toEqual([expect.objectContaining({ code: 'unknown-table', object: 'table:app.nope' })]);
  });

  it('quotes awkward names in keys and messages as the object keys do', () => {
    const s = { ...schema('x'), key: objectKey('schema', null, 'Sales Dept'), name: 'Sales Dept' };
    const customers = { ...table('x', 'c'), key: objectKey('table', 'Sales Dept', 'customers'), schema: 'Sales Dept', deps: [s.key] };
    const lines = {
      ...table('x', 'l', { fks: [{ name: 'Order Lines_fk', references: customers.key }] }),
      key: objectKey('table', 'Sales Dept', 'Order Lines'), schema: 'Sales Dept', name: 'Order Lines', deps: [s.key, customers.key],
    };
    const scope = computeSchemaScope(model([s, customers, lines]), [lines.key]);
    expect(scope.objects).toEqual(['schema:"Sales Dept"', 'table:"Sales Dept"."Order Lines"']);
    expect(scope.errors.map((e) => e.message)).toEqual([
      'foreign key "Order Lines_fk" of table "Sales Dept"."Order Lines" references table "Sales Dept".customers, which is not selected',
    ]);
  });
});

describe('computeSchemaScope: what depends only on the selection', () => {
  const customers = table('app', 'customers');
  const orders = table('app', 'orders', { deps: [customers.key], fks: [{ name: 'fk', references: customers.key }] });
  const secret = table('app', 'secret');
  const formatter = fn('app', 'fmt');
  const totals = view('app', 'totals', [customers.key, orders.key, formatter.key]);
  const big = view('app', 'big', [totals.key]);
  const leaky = view('app', 'leaky', [customers.key, secret.key]);
  const leakier = view('app', 'leakier', [leaky.key]);
  const secretOnly = view('app', 'secret_only', [secret.key], 'matview');
  const stats = statistics('app', 'customers_stats', customers.key);
  const mood = enumType('app', 'mood');
  const moodFn = fn('app', 'mood_to_int', [mood.key]);
  const moodCast = cast(mood.key, 'integer', moodFn.key);
  const withMood = table('app', 'with_mood', { deps: [mood.key] });
  const m = model([schema('app'), customers, orders, secret, formatter, totals, big, leaky, leakier, secretOnly, stats, mood, moodFn, moodCast, withMood]);

  it('takes views over selected tables (and views over them), their functions, and statistics', () => {
    const scope = computeSchemaScope(m, [customers.key, orders.key]);
    expect(scope.objects).toEqual(expect.arrayContaining([totals.key, big.key, formatter.key, stats.key]));
    expect(scope.objects).not.toContain(secretOnly.key);
    expect(scope.objects).not.toContain(leaky.key);
  });

  it('leaves out a view that needs an excluded table, with a warning naming both; and the views built on it', () => {
    const scope = computeSchemaScope(m, [customers.key, orders.key]);
    expect(scope.warnings).toEqual([expect.objectContaining({
      severity: 'warning', code: 'view-left-out', object: leaky.key, related: [secret.key],
      message: 'view app.leaky is left out: it needs table app.secret, which is not in scope',
    })]);
    expect(scope.objects).not.toContain(leakier.key);
    expect(scope.errors).toEqual([]);
  });

  it('a view over a table selected later is not left out', () => {
    expect(computeSchemaScope(m, [customers.key, orders.key, secret.key]).objects).toEqual(expect.arrayContaining([leaky.key, leakier.key, secretOnly.key]));
  });

  it('takes a cast when its type is in scope, not otherwise', () => {
    expect(computeSchemaScope(m, [withMood.key]).objects).toEqual(expect.arrayContaining([moodCast.key, moodFn.key, mood.key]));
    expect(computeSchemaScope(m, [customers.key]).objects).not.toContain(moodCast.key);
  });

  it('dependents: false takes only what the tables need', () => {
    expect(computeSchemaScope(m, [customers.key, orders.key], { dependents: false }).objects).toEqual(['schema:app', customers.key, orders.key]);
  });

  it('takes an OWNED BY sequence only through the table\'s deps, and the extension schema with an extension', () => {
    const t = table('app', 'items', { deps: ['sequence:app.items_id_seq', 'extension:hstore'] });
    const seq = sequence('app', 'items_id_seq', t.key);
    const ext = { key: 'extension:hstore', kind: 'extension' as const, schema: null, name: 'hstore', owner: 'app', acl: null, comment: null, deps: [], extSchema: 'ext', version: '1.8' };
    const scope = computeSchemaScope(model([schema('app'), schema('ext'), t, seq, ext]), [t.key]);
    expect(scope.objects).toEqual(['extension:hstore', 'schema:app', 'schema:ext', seq.key, t.key]);
  });
});
