// introspectSchema on real servers: a fixture with one of every kind (introspect-fixture.ts), read back precisely
// on 12, 15, 17 and 18, and a query count that stays the same as tables are added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import type {
  FunctionObject, SchemaModel, SchemaObjectAny, SequenceObject, TableObject, TypeObject, ViewObject,
} from '../../src/model/schema.js';
import { getCluster, type Cluster, type Major } from '../harness/index.js';
import { databaseSettingsSql, ensureRoleSql, FIXTURE_SQL, INTROSPECT_ROLE } from './introspect-fixture.js';

const MAJORS: readonly Major[] = [12, 15, 17, 18];

function find<T extends SchemaObjectAny>(model: SchemaModel, key: string): T {
  const o = model.objects.find((x) => x.key === key);
  if (o === undefined) throw new Error(`no ${key} in ${model.objects.map((x) => x.key).join(', ')}`);
  return o as T;
}

async function introspect(cluster: Cluster, database: string): Promise<SchemaModel> {
  const client: pg.Client = await cluster.connect({ database });
  try {
    return await introspectSchema(client);
  } finally {
    await client.end();
  }
}

describe.each(MAJORS)('introspectSchema on PostgreSQL %i', (major) => {
  let cluster: Cluster;
  let db = '';
  let model: SchemaModel;
  beforeAll(async () => {
    cluster = await getCluster({ major });
    await cluster.query(ensureRoleSql);
    db = await cluster.createDatabase('introspect');
    await cluster.query(FIXTURE_SQL, [], db);
    await cluster.query(databaseSettingsSql(db), [], db);
    model = await introspect(cluster, db);
  });
  afterAll(async () => {
    if (db) await cluster.dropDatabase(db);
  });

  it('lists every object once, sorted by key, extension members left out', () => {
    expect(model.serverVersionNum).toBeGreaterThanOrEqual(major * 10000);
    expect(model.serverVersionNum).toBeLessThan((major + 1) * 10000);
    expect(model.objects.map((o) => o.key)).toEqual([
      'cast:(app.pair AS text)',
      'collation:app.nocase',
      'extension:citext',
      'function:app.largest(integer)',
      'function:app.moving_sum(integer)',
      'function:app.my_percentile(double precision ORDER BY double precision)',
      'function:app.next_code()',
      'function:app.noop(n integer)',
      'function:app.pair_text(app.pair)',
      'function:app.same_code(text, text)',
      'function:app.total(integer)',
      'function:app.touch()',
      'matview:app.order_totals',
      'operator:app.=~=(text, text)',
      'schema:"Sales Data"',
      'schema:app',
      'schema:ext',
      'schema:public',
      'sequence:app.counter',
      'statistics:app.orders_stats',
      'table:"Sales Data"."Order Lines"',
      'table:app.base',
      'table:app.child',
      'table:app.customers',
      'table:app.orders',
      'table:app.orders_2024',
      'table:app.orders_rest',
      'table:app.refunds',
      'type:app.code',
      'type:app.floatrange',
      'type:app.mood',
      'type:app.pair',
      'type:app.positive',
      'view:app.customer_codes',
    ]);
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(find<TableObject>(model, 'table:app.customers').columns[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('reads identity options, generated columns, collations, defaults and NOT NULL (folded on 18)', () => {
    const customers = find<TableObject>(model, 'table:app.customers');
    expect(customers.columns.map((c) => c.name)).toEqual(['id', 'Name', 'code', 'mood', 'score', 'doubled']);
    const [id, name, code, , , doubled] = customers.columns;
    expect(id?.identity).toEqual({
      kind: 'a', sequence: 'app.customers_id_seq',
      options: { dataType: 'bigint', start: '100', increment: '7', min: '1', max: '9223372036854775807', cache: '1', cycle: false },
    });
    expect(name).toMatchObject({ type: 'ext.citext', notNull: true, comment: 'display name', collation: null });
    expect(name?.acl).toEqual([{ grantee: INTROSPECT_ROLE, grantor: 'postgres', privileges: ['INSERT'], grantable: [] }]);
    expect(code).toMatchObject({ type: 'text', collation: 'pg_catalog."C"', default: 'app.next_code()', notNull: true });
    expect(doubled?.generated).toEqual({ kind: 's', expression: '((id)::integer * 2)' });
    expect(doubled?.default).toBeNull();
    expect(code?.notNullName).toBe(major >= 18 ? 'customers_code_not_null' : null);
    // Named NOT NULL constraints never show up as constraints.
    expect(customers.constraints.map((c) => [c.name, c.type])).toEqual([['customers_code_key', 'u'], ['customers_pkey', 'p']]);
    expect(customers.constraints[0]).toMatchObject({ deferrable: true, deferred: true, comment: 'one code per customer' });
    expect(customers.rowSecurity).toEqual({ enabled: true, forced: false });
    expect(customers.policies).toEqual([{
      name: 'own_rows', permissive: false, command: 'r', roles: [INTROSPECT_ROLE],
      using: "(mood <> 'sad'::app.mood)", withCheck: null, comment: null,
    }]);
    expect(customers.acl).toContainEqual({ grantee: INTROSPECT_ROLE, grantor: 'postgres', privileges: ['SELECT', 'UPDATE'], grantable: ['SELECT', 'UPDATE'] });
    expect(customers.deps).toEqual(['extension:citext', 'function:app.next_code()', 'schema:app', 'type:app.mood', 'type:app.positive']);
  });

  it('reads partitioning: key, bounds, attached indexes, cloned triggers and constraints', () => {
    const orders = find<TableObject>(model, 'table:app.orders');
    expect(orders.partitionKey).toBe('RANGE (placed)');
    expect(orders.indexes.map((i) => [i.name, i.constraint, i.parentIndex])).toEqual([
      ['orders_customer_idx', null, null], ['orders_pkey', 'orders_pkey', null],
    ]);
    expect(orders.indexes[0]?.definition).toBe(
      'CREATE INDEX orders_customer_idx ON ONLY app.orders USING btree (customer_id) WHERE (customer_id IS NOT NULL)');
    const fk = orders.constraints.find((c) => c.type === 'f');
    expect(fk).toMatchObject({
      definition: 'FOREIGN KEY (customer_id) REFERENCES app.customers(id) ON DELETE CASCADE DEFERRABLE',
      references: 'table:app.customers', inherited: false,
    });
    expect(orders.triggers).toEqual([{
      name: 'orders_touch', enabled: 'O', inherited: false, comment: null,
      definition: 'CREATE TRIGGER orders_touch AFTER INSERT ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch()',
    }]);
    const p2024 = find<TableObject>(model, 'table:app.orders_2024');
    expect(p2024.partitionOf).toEqual({ parent: 'table:app.orders', bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
    expect(find<TableObject>(model, 'table:app.orders_rest').partitionOf).toEqual({ parent: 'table:app.orders', bound: 'DEFAULT' });
    expect(p2024.indexes.map((i) => [i.name, i.parentIndex])).toEqual([
      ['orders_2024_customer_id_idx', 'app.orders_customer_idx'], ['orders_2024_pkey', 'app.orders_pkey'],
    ]);
    expect(p2024.triggers.map((t) => [t.name, t.inherited])).toEqual([['orders_touch', true]]);
    expect(p2024.constraints.every((c) => c.inherited)).toBe(true);
    expect(p2024.columns.every((c) => !c.isLocal && c.inheritedCount === 1)).toBe(true);
    expect(p2024.deps).toContain('table:app.orders');
  });

  it('lists one FK on a table that references a partitioned table, not the per-partition copies', () => {
    const refunds = find<TableObject>(model, 'table:app.refunds');
    expect(refunds.constraints.map((c) => [c.name, c.type, c.inherited, c.references])).toEqual([
      ['refunds_order_id_placed_fkey', 'f', false, 'table:app.orders'],
    ]);
    expect(refunds.deps).toEqual(['schema:app', 'table:app.orders']);
  });

  it('prints aggregates that recreate themselves exactly', async () => {
    const aggregates = model.objects.filter((o): o is FunctionObject => o.kind === 'function' && o.variant === 'a');
    expect(aggregates.map((a) => a.name)).toEqual(['largest', 'moving_sum', 'my_percentile', 'total']);
    expect(aggregates.map((a) => a.definition.split('\n').slice(1, -1).map((line) => line.trim()).join(' '))).toEqual([
      'SFUNC = int4larger, STYPE = integer, SORTOP = OPERATOR(pg_catalog.>)',
      'SFUNC = int4pl, STYPE = integer, COMBINEFUNC = int4pl, MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, ' +
        "MINITCOND = '0', PARALLEL = SAFE",
      'SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA',
      "SFUNC = int4pl, STYPE = integer, INITCOND = '0'",
    ]);
    const copy = await cluster.createDatabase('introspect_agg');
    try {
      await cluster.query('CREATE SCHEMA app', [], copy);
      for (const a of aggregates) await cluster.query(a.definition, [], copy);
      const again = await introspect(cluster, copy);
      const strip = (f: FunctionObject): unknown => ({ ...f, deps: [], owner: null });
      expect(again.objects.filter((o): o is FunctionObject => o.kind === 'function').map(strip)).toEqual(aggregates.map(strip));
    } finally {
      await cluster.dropDatabase(copy);
    }
  });

  it('reads inheritance, rules, UNLOGGED, replica identity and awkward names', () => {
    const child = find<TableObject>(model, 'table:app.child');
    expect(child.inherits).toEqual(['table:app.base']);
    expect(child.columns.map((c) => [c.name, c.inheritedCount, c.isLocal])).toEqual([['id', 1, false], ['extra', 0, true]]);
    expect(find<TableObject>(model, 'table:app.base').rules).toEqual([{
      name: 'no_delete', enabled: 'O', comment: null, definition: 'CREATE RULE no_delete AS\n    ON DELETE TO app.base DO INSTEAD NOTHING;',
    }]);
    const lines = find<TableObject>(model, 'table:"Sales Data"."Order Lines"');
    expect(lines).toMatchObject({ schema: 'Sales Data', name: 'Order Lines', persistence: 'u', replicaIdentity: 'f' });
    expect(lines.columns.map((c) => c.name)).toEqual(['line no', 'select']);
  });

  it('reads types: enum label order, domain with constraints, composite collation, range', () => {
    // A domain CHECK that calls a function needs the function first: the constraint's dependency is the domain's.
    expect(find<TypeObject>(model, 'type:app.code').deps).toEqual(['function:app.same_code(text, text)', 'schema:app']);
    expect(find<TypeObject>(model, 'type:app.mood').type).toEqual({ variant: 'enum', labels: ['sad', 'meh', 'ok', 'happy'] });
    expect(find<TypeObject>(model, 'type:app.positive').type).toEqual({
      variant: 'domain', baseType: 'integer', notNull: true, default: '1', collation: null,
      constraints: [{ name: 'positive_check', definition: 'CHECK (VALUE > 0)', validated: true, comment: null }],
    });
    expect(find<TypeObject>(model, 'type:app.pair').type).toEqual({
      variant: 'composite',
      attributes: [{ name: 'a', type: 'integer', collation: null, comment: null }, { name: 'b', type: 'text', collation: 'pg_catalog."C"', comment: 'second' }],
    });
    expect(find<TypeObject>(model, 'type:app.floatrange').type).toEqual({
      variant: 'range', subtype: 'double precision', subtypeOpclass: null, collation: null, canonical: null,
      subtypeDiff: 'float8mi', multirangeName: null,
    });
  });

  it('reads sequences with OWNED BY, views with deps, functions, aggregates, casts, operators, statistics', () => {
    expect(find<SequenceObject>(model, 'sequence:app.counter')).toMatchObject({
      options: { dataType: 'integer', start: '10', increment: '5', min: '5', max: '1000', cache: '3', cycle: true },
      ownedBy: { table: 'table:app.customers', column: 'code' }, deps: ['schema:app'],
    });
    const view = find<ViewObject>(model, 'view:app.customer_codes');
    expect(view.deps).toEqual(['schema:app', 'table:app.customers']);
    expect(view.columns.map((c) => [c.name, c.type])).toEqual([['id', 'bigint'], ['code', 'text']]);
    const matview = find<ViewObject>(model, 'matview:app.order_totals');
    expect(matview).toMatchObject({ populated: false, deps: ['schema:app', 'table:app.orders'] });
    expect(find<FunctionObject>(model, 'function:app.noop(n integer)')).toMatchObject({ variant: 'p', identityArguments: 'n integer' });
    expect(find<FunctionObject>(model, 'function:app.total(integer)').definition).toBe(
      "CREATE OR REPLACE AGGREGATE app.total(integer) (\n    SFUNC = int4pl,\n    STYPE = integer,\n    INITCOND = '0'\n)");
    const nextCode = find<FunctionObject>(model, 'function:app.next_code()');
    expect(nextCode.definition).toContain('CREATE OR REPLACE FUNCTION app.next_code()');
    expect(nextCode.acl).toEqual([{ grantee: 'postgres', grantor: 'postgres', privileges: ['EXECUTE'], grantable: [] }]);
    expect(find(model, 'cast:(app.pair AS text)')).toMatchObject({
      function: 'function:app.pair_text(app.pair)', method: 'f', context: 'e', deps: ['function:app.pair_text(app.pair)', 'type:app.pair'],
    });
    expect(find(model, 'operator:app.=~=(text, text)')).toMatchObject({
      function: 'function:app.same_code(text, text)', commutator: 'app.=~=(text,text)',
    });
    expect(find(model, 'statistics:app.orders_stats')).toMatchObject({
      table: 'table:app.orders_2024', definition: 'CREATE STATISTICS app.orders_stats (dependencies) ON customer_id, amount FROM app.orders_2024',
    });
  });

  it('reads the database, its settings and grants, default privileges and the referenced roles', () => {
    expect(model.database).toMatchObject({ name: db, owner: 'postgres', encoding: 'UTF8', comment: 'introspection fixture' });
    expect(model.database.localeProvider).toBe(major >= 15 ? 'c' : null);
    expect(model.database.settings).toEqual([
      { role: null, name: 'search_path', value: 'app, public' },
      { role: INTROSPECT_ROLE, name: 'statement_timeout', value: '5s' },
    ]);
    expect(model.database.acl).toEqual([
      { grantee: INTROSPECT_ROLE, grantor: 'postgres', privileges: ['CONNECT'], grantable: [] },
      { grantee: 'postgres', grantor: 'postgres', privileges: ['CONNECT', 'CREATE', 'TEMPORARY'], grantable: [] },
    ]);
    expect(model.defaultPrivileges).toEqual([
      { role: 'postgres', schema: null, objectType: 'f', acl: [{ grantee: 'postgres', grantor: 'postgres', privileges: ['EXECUTE'], grantable: [] }] },
      { role: 'postgres', schema: 'app', objectType: 'r', acl: [{ grantee: INTROSPECT_ROLE, grantor: 'postgres', privileges: ['SELECT'], grantable: [] }] },
    ]);
    const reader = model.roles.find((r) => r.name === INTROSPECT_ROLE);
    expect(reader).toMatchObject({ login: true, superuser: false, connectionLimit: 5, settings: [{ name: 'work_mem', value: '8MB' }] });
    expect(model.roles.map((r) => r.name)).toEqual(major >= 15 ? ['pg_database_owner', INTROSPECT_ROLE, 'postgres'] : [INTROSPECT_ROLE, 'postgres']);
    expect(find(model, 'schema:app').acl).toContainEqual({ grantee: INTROSPECT_ROLE, grantor: 'postgres', privileges: ['USAGE'], grantable: [] });
  });
});
