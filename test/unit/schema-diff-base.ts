// One hand-built model with every kind of object and part the diff compares, for the mutation-pair tests: each
// test changes exactly one attribute of a copy and expects the diff to see it.
import type {
  CastObject, CollationObject, Column, Constraint, ExtensionObject, FunctionObject, Index, OperatorObject, SchemaModel, SchemaObjectAny,
  SequenceObject, SequenceOptions, StatisticsObject, TableObject, TypeObject, ViewObject,
} from '../../src/model/schema.js';
import { castKey, functionKey, objectKey, operatorKey } from '../../src/model/object-key.js';

export const INT_SEQ: SequenceOptions = { dataType: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false };

export function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name, type, collation: null, notNull: false, notNullName: null, default: null, identity: null, generated: null,
    storage: null, statisticsTarget: null, inheritedCount: 0, isLocal: true, acl: null, comment: null, ...extra,
  };
}

export function con(name: string, type: Constraint['type'], definition: string, extra: Partial<Constraint> = {}): Constraint {
  return { name, type, definition, deferrable: false, deferred: false, validated: true, inherited: false, noInherit: false, references: null, comment: null, ...extra };
}

export function idx(name: string, definition: string, extra: Partial<Index> = {}): Index {
  return { name, definition, constraint: null, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null, ...extra };
}

export function tbl(schema: string, name: string, extra: Partial<TableObject> = {}): TableObject {
  return {
    key: objectKey('table', schema, name), kind: 'table', schema, name, owner: 'app', acl: null, comment: null, deps: [],
    persistence: 'p', partitionKey: null, partitionOf: null, inherits: [], columns: [], constraints: [], indexes: [], triggers: [],
    policies: [], rules: [], rowSecurity: { enabled: false, forced: false }, replicaIdentity: 'd', replicaIdentityIndex: null,
    options: [], accessMethod: null, ...extra,
  };
}

const base = { owner: 'app', acl: null, comment: null, deps: [] } as const;

export const STATUS: TypeObject = {
  ...base, key: objectKey('type', 'sales', 'status'), kind: 'type', schema: 'sales', name: 'status',
  deps: [objectKey('schema', null, 'sales')], type: { variant: 'enum', labels: ['new', 'paid', 'shipped'] },
};
export const POSINT: TypeObject = {
  ...base, key: objectKey('type', 'sales', 'posint'), kind: 'type', schema: 'sales', name: 'posint', deps: [objectKey('schema', null, 'sales')],
  type: { variant: 'domain', baseType: 'integer', notNull: false, default: null, collation: null,
    constraints: [{ name: 'posint_check', definition: 'CHECK ((VALUE > 0))', validated: true, comment: null }] },
};
export const ADDRESS: TypeObject = {
  ...base, key: objectKey('type', 'sales', 'address'), kind: 'type', schema: 'sales', name: 'address', deps: [objectKey('schema', null, 'sales')],
  type: { variant: 'composite', attributes: [{ name: 'street', type: 'text', collation: null }, { name: 'zip', type: 'character varying(10)', collation: null }] },
};
export const ORDER_NO: SequenceObject = {
  ...base, key: objectKey('sequence', 'sales', 'order_no'), kind: 'sequence', schema: 'sales', name: 'order_no', deps: [objectKey('schema', null, 'sales')],
  options: { ...INT_SEQ, dataType: 'bigint', max: '9223372036854775807' }, persistence: 'p', ownedBy: null,
};
export const CUSTOMERS = tbl('sales', 'customers', {
  deps: [objectKey('schema', null, 'sales')],
  columns: [col('id', 'integer', { notNull: true }), col('name', 'text', { notNull: true })],
  constraints: [con('customers_pkey', 'p', 'PRIMARY KEY (id)')],
  indexes: [idx('customers_pkey', 'CREATE UNIQUE INDEX customers_pkey ON sales.customers USING btree (id)', { constraint: 'customers_pkey' })],
});
export const ORDERS = tbl('sales', 'orders', {
  deps: [objectKey('schema', null, 'sales'), STATUS.key, POSINT.key, ORDER_NO.key, CUSTOMERS.key],
  columns: [
    col('id', 'integer', { notNull: true, identity: { kind: 'a', sequence: 'sales.orders_id_seq', options: INT_SEQ } }),
    col('customer_id', 'integer', { notNull: true }),
    col('status', 'sales.status', { notNull: true, default: "'new'::sales.status" }),
    col('qty', 'sales.posint'),
    col('amount', 'numeric(10,2)', { default: '0', options: ['n_distinct=100'], compression: 'pglz' }),
    col('note', 'character varying(200)', { collation: 'pg_catalog."C"' }),
    col('order_no', 'bigint', { default: "nextval('sales.order_no'::regclass)" }),
    col('total', 'numeric', { generated: { kind: 's', expression: '(amount * (qty)::numeric)' } }),
  ],
  constraints: [
    con('orders_pkey', 'p', 'PRIMARY KEY (id)'),
    con('orders_amount_check', 'c', 'CHECK ((amount >= (0)::numeric))'),
    con('orders_customer_fk', 'f', 'FOREIGN KEY (customer_id) REFERENCES sales.customers(id) ON DELETE CASCADE', { references: CUSTOMERS.key }),
  ],
  indexes: [
    idx('orders_pkey', 'CREATE UNIQUE INDEX orders_pkey ON sales.orders USING btree (id)', { constraint: 'orders_pkey' }),
    idx('orders_status_idx', 'CREATE INDEX orders_status_idx ON sales.orders USING btree (status) WHERE (status <> \'shipped\'::sales.status)'),
  ],
  triggers: [{ name: 'orders_touch', definition: 'CREATE TRIGGER orders_touch BEFORE UPDATE ON sales.orders FOR EACH ROW EXECUTE FUNCTION sales.touch()', enabled: 'O', inherited: false, comment: null }],
  policies: [{ name: 'orders_mine', permissive: true, command: 'r', roles: ['reader'], using: '(customer_id > 0)', withCheck: null, comment: null }],
  rules: [{ name: 'orders_no_delete', definition: 'CREATE RULE orders_no_delete AS\n    ON DELETE TO sales.orders DO INSTEAD NOTHING;', enabled: 'O', comment: null }],
  rowSecurity: { enabled: true, forced: false },
});
export const TOUCH: FunctionObject = {
  ...base, key: functionKey('sales', 'touch', ''), kind: 'function', schema: 'sales', name: 'touch', deps: [objectKey('schema', null, 'sales')],
  variant: 'f', identityArguments: '', language: 'plpgsql',
  definition: 'CREATE OR REPLACE FUNCTION sales.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$BEGIN RETURN NEW; END$function$\n',
};
export const OPEN_ORDERS: ViewObject = {
  ...base, key: objectKey('view', 'sales', 'open_orders'), kind: 'view', schema: 'sales', name: 'open_orders', deps: [ORDERS.key],
  definition: " SELECT id,\n    status\n   FROM sales.orders\n  WHERE (status <> 'shipped'::sales.status);",
  columns: [{ name: 'id', type: 'integer', default: null, comment: null, acl: null }, { name: 'status', type: 'sales.status', default: null, comment: null, acl: null }],
  options: [], indexes: [], populated: true, triggers: [], rules: [],
};
export const SALES_SCHEMA: SchemaObjectAny = { ...base, key: objectKey('schema', null, 'sales'), kind: 'schema', schema: null, name: 'sales' };

export function baseModel(extra: Partial<SchemaModel> = {}): SchemaModel {
  const objects: SchemaObjectAny[] = [SALES_SCHEMA, STATUS, POSINT, ADDRESS, ORDER_NO, CUSTOMERS, ORDERS, TOUCH, OPEN_ORDERS];
  return {
    formatVersion: 1,
    serverVersionNum: 150_018,
    database: { name: 'shop', owner: 'app', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null, acl: null, comment: null, settings: [] },
    objects: [...objects].sort((a, b) => (a.key < b.key ? -1 : 1)),
    defaultPrivileges: [],
    roles: [],
    ...extra,
  };
}

/** A copy of the model with one object changed. */
export function withObject<T extends SchemaObjectAny>(model: SchemaModel, key: string, change: (o: T) => T): SchemaModel {
  return { ...model, objects: model.objects.map((o) => (o.key === key ? change(o as T) : o)) };
}

/** A copy of the model with one table changed. */
export function withTable(model: SchemaModel, key: string, change: (t: TableObject) => TableObject): SchemaModel {
  return withObject<TableObject>(model, key, change);
}

/** A copy with one column of a table changed. */
export function withColumn(model: SchemaModel, table: string, column: string, change: (c: Column) => Column): SchemaModel {
  return withTable(model, table, (t) => ({ ...t, columns: t.columns.map((c) => (c.name === column ? change(c) : c)) }));
}

// Objects of the kinds the base model lacks: an extension, a collation, a cast, extended statistics, an operator.
export const EXT: ExtensionObject = { key: objectKey('extension', null, 'citext'), kind: 'extension', schema: null, name: 'citext', owner: 'app', acl: null, comment: null, deps: [], extSchema: 'public', version: '1.6' };
export const COLL: CollationObject = { key: objectKey('collation', 'sales', 'de'), kind: 'collation', schema: 'sales', name: 'de', owner: 'app', acl: null, comment: null, deps: [], provider: 'i', deterministic: true, collate: null, ctype: null, locale: 'de-DE', icuRules: null };
export const CAST: CastObject = { key: castKey('sales.address', 'text'), kind: 'cast', schema: null, name: '(sales.address AS text)', owner: null, acl: null, comment: null, deps: [], source: 'sales.address', target: 'text', function: null, method: 'i', context: 'e' };
export const STAT: StatisticsObject = { key: objectKey('statistics', 'sales', 'orders_stat'), kind: 'statistics', schema: 'sales', name: 'orders_stat', owner: 'app', acl: null, comment: null, deps: [ORDERS.key], definition: 'CREATE STATISTICS sales.orders_stat ON status, amount FROM sales.orders', table: ORDERS.key, statisticsTarget: null };
export const OPER: OperatorObject = { key: operatorKey('sales', '===', 'integer', 'integer'), kind: 'operator', schema: 'sales', name: '===', owner: 'app', acl: null, comment: null, deps: [], left: 'integer', right: 'integer', function: functionKey('pg_catalog', 'int4eq', 'integer, integer'), commutator: null, negator: null, restrict: null, join: null, hashes: false, merges: false };
export const EXTRA_OBJECTS: readonly SchemaObjectAny[] = [EXT, COLL, CAST, STAT, OPER];
