// Planner fixtures: a small source model (schema sales with customers <- orders <- order_lines, an identity column,
// a serial sequence, a generated column), the ActualState around it and the state the engine would have written
// after copying it, so a test changes one thing and looks at the plan. No replication objects unless a test adds
// them with withReplication().
import type { ActualState, DatabaseActual, PublicationFacts, ServerActual, SlotFacts, SubscriptionFacts } from '../../src/introspect/types.js';
import { objectKey } from '../../src/model/object-key.js';
import { rowsAddress, databaseAddress } from '../../src/model/address.js';
import type { RoleInfo, SchemaModel, SchemaObjectAny, SequenceObject } from '../../src/model/schema.js';
import { planChanges } from '../../src/plan/planner/plan-changes.js';
import type { PlanOptions, RowsRecord } from '../../src/plan/planner/types.js';
import type { Plan } from '../../src/plan/types.js';
import { loadSpecText } from '../../src/spec/load.js';
import type { Spec } from '../../src/spec/model.js';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';
import { column, constraint, index, model, table } from './ddl-model-builders.js';

/** What a PostgreSQL 15 target's pg_catalog offers, as far as the fixture's model uses it. */
export const LOOKUP = {
  functions: new Set(['upper', 'nextval']), types: new Set(['integer', 'bigint', 'text', 'timestamp with time zone', 'regclass']), collations: new Set(['C', 'POSIX', 'default']),
};

export const NOW = '2026-11-26 09:00:00+00';

const schema = (name: string): SchemaObjectAny => ({ key: objectKey('schema', null, name), kind: 'schema', schema: null, name, owner: 'app_owner', acl: null, comment: null, deps: [] });

export const ORDER_SEQ: SequenceObject = {
  key: objectKey('sequence', 'sales', 'order_no_seq'), kind: 'sequence', schema: 'sales', name: 'order_no_seq', owner: 'app_owner', acl: null, comment: null, deps: [],
  options: { dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false }, persistence: 'p', ownedBy: null,
};

export function sourceModel(): SchemaModel {
  const customers = table('sales', 'customers', {
    columns: [
      column('id', 'integer', { notNull: true, identity: { kind: 'd', sequence: 'sales.customers_id_seq', options: ORDER_SEQ.options } }),
      column('name', 'text'),
      column('name_upper', 'text', { generated: { kind: 's', expression: 'upper(name)' } }),
    ],
    constraints: [constraint('customers_pkey', 'p', 'PRIMARY KEY (id)')],
    indexes: [index('customers_pkey', 'CREATE UNIQUE INDEX customers_pkey ON sales.customers USING btree (id)', { constraint: 'customers_pkey' })],
    deps: [objectKey('schema', null, 'sales')],
  });
  const orders = table('sales', 'orders', {
    columns: [
      column('id', 'integer', { notNull: true }), column('customer_id', 'integer'), column('created_at', 'timestamp with time zone'),
      column('order_no', 'bigint', { default: "nextval('sales.order_no_seq'::regclass)" }),
    ],
    constraints: [
      constraint('orders_pkey', 'p', 'PRIMARY KEY (id)'),
      constraint('orders_customer_id_fkey', 'f', 'FOREIGN KEY (customer_id) REFERENCES sales.customers(id)', { references: customers.key }),
    ],
    deps: [objectKey('schema', null, 'sales'), ORDER_SEQ.key, customers.key],
  });
  const lines = table('sales', 'order_lines', {
    columns: [column('order_id', 'integer'), column('qty', 'integer')],
    constraints: [constraint('order_lines_order_id_fkey', 'f', 'FOREIGN KEY (order_id) REFERENCES sales.orders(id)', { references: orders.key })],
    deps: [objectKey('schema', null, 'sales'), orders.key],
  });
  const owner: RoleInfo = {
    name: 'app_owner', superuser: false, createdb: false, createrole: false, inherit: true, login: false, replication: false, bypassrls: false,
    connectionLimit: -1, validUntil: null, memberOf: [], settings: [],
  };
  return model([schema('sales'), customers, orders, lines, ORDER_SEQ], { roles: [owner], database: { ...model([]).database, name: 'shop', owner: 'app_owner' } });
}

export function server(extra: Partial<ServerActual> = {}): ServerActual {
  return {
    display: 'postgres://127.0.0.1:5432', versionNum: 150_018, major: 15, user: 'postgres', superuser: true, createdb: true, createrole: true,
    roles: ['pg_read_all_data', 'postgres'], memberOf: [], databases: [], libcLocales: ['C', 'C.UTF-8', 'POSIX'], now: NOW, slots: [], walLevel: 'logical', ...extra,
  };
}

export function specText(databaseBlock = 'shop: { sync: false }'): Spec {
  return loadSpecText(`version: 1\nsource: { url: "postgres://src/shop" }\ntarget: { url: "postgres://dst/shop" }\ndatabases:\n  ${databaseBlock}\n`, '/tmp/pgrepl.yaml');
}

/** The actual state before anything ran: the source holds `source`, the target has no database. */
export function freshActual(source: SchemaModel = sourceModel()): ActualState {
  const sizes = Object.fromEntries(source.objects.filter((o) => o.kind === 'table').map((o) => [o.key, { bytes: 8192 * 10, rowEstimate: 100 }]));
  const db: DatabaseActual = { key: 'shop', targetDatabase: 'shop', source: { model: source, sizes, largeObjects: 0, publications: [] }, target: null };
  return {
    source: server({ databases: [{ name: 'shop', owner: 'app_owner', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null }] }),
    target: server(), databases: [db], sampledThroughput: { bytesPerSecond: 8192 * 100, basis: 'sampled' }, diagnostics: [],
  };
}

/**
 * The actual state after a full apply: the target database holds the same schema (the diff compares normalised
 * models, so the source model stands in for the target's) and every table has rows.
 */
export function convergedActual(source: SchemaModel = sourceModel(), hasRows = true): ActualState {
  const fresh = freshActual(source);
  const tables = Object.fromEntries(source.objects.filter((o) => o.kind === 'table').map((o, i) => [o.key, { oid: 16_400 + i, hasRows }]));
  const dbActual = fresh.databases[0] as DatabaseActual;
  const target = { ...dbActual, target: { model: { ...source, database: { ...source.database } }, lookup: LOOKUP, tables, subscriptions: [] } };
  return {
    ...fresh,
    target: server({ roles: ['app_owner', 'pg_read_all_data', 'postgres'], databases: [{ name: 'shop', owner: 'app_owner', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null }] }),
    databases: [target],
  };
}

/**
 * `actual` with replication objects: the source's slots, and the publications / subscriptions of database `shop`
 * (subscriptions need a target database: use convergedActual()). What is not given stays as it was.
 */
export function withReplication(
  actual: ActualState,
  objects: { slots?: readonly SlotFacts[]; publications?: readonly PublicationFacts[]; subscriptions?: readonly SubscriptionFacts[] },
): ActualState {
  const databases = actual.databases.map((d): DatabaseActual => {
    if (d.key !== 'shop') return d;
    if (objects.subscriptions && d.target === null) throw new Error('withReplication: subscriptions need a target database (convergedActual())');
    return {
      ...d,
      source: d.source === null || !objects.publications ? d.source : { ...d.source, publications: objects.publications },
      target: d.target === null || !objects.subscriptions ? d.target : { ...d.target, subscriptions: objects.subscriptions },
    };
  });
  return { ...actual, source: objects.slots ? { ...actual.source, slots: objects.slots } : actual.source, databases };
}

export function rowsRecord(extra: Partial<RowsRecord> = {}): RowsRecord {
  return {
    kind: 'table', target_database: 'shop', where: null, window: null, filter: null, table_created: true, status: 'copied', snapshot: '00000003-00000002-1',
    target_oid: null, rows: 100, bytes: 4000, seconds: 0.1, copied_at: '2026-11-26T09:00:01.000Z', ...extra,
  };
}

function resource(address: string, kind: string, attributes: object): StateResource {
  return { address, kind, attributes: attributes as StateResource['attributes'], updated_at: '2026-11-26T09:00:01.000Z' };
}

/** The state a full apply of `plan` would leave, with target oids from `actual`. */
export function stateAfter(plan: Plan, actual: ActualState, serial = 5): StateDocument {
  const tables = actual.databases[0]?.target?.tables ?? {};
  const resources: StateResource[] = plan.steps.flatMap((s): StateResource[] => {
    if (s.address.startsWith('target.rows.')) {
      const first = s.operations.find((o) => o.type === 'data-copy');
      const oid = first?.type === 'data-copy' ? tables[objectKey('table', first.table.schema, first.table.name)]?.oid ?? null : null;
      return [resource(s.address, 'rows', { ...(s.after as object), ...rowsRecord({ ...(s.after as object), target_oid: oid }) })];
    }
    if (s.address.startsWith('target.database.')) return [resource(s.address, 'database', { ...(s.after as object), throughput: { bytes: 1_000_000, seconds: 2 } })];
    if (s.address.startsWith('target.role.')) return [resource(s.address, 'role', s.after as object)];
    return [];
  });
  return {
    version: 1, lineage: '3f8a1c2e-0000-4000-8000-000000000001', serial, pgrepl_version: '0.0.0', spec: null,
    resources: resources.sort((a, b) => (a.address < b.address ? -1 : 1)), history: [],
  };
}

export const BASIS = { spec: null, state: null, actual: 'sha256:0' } as const;
export const OPTIONS: PlanOptions = { destroy: false, refreshWindows: false };

/** The lineage plan() uses without a state (a state brings its own), and the target identity for derived names. */
export const FRESH_LINEAGE = '3f8a1c2e-0000-4000-8000-000000000002';
export const TARGET_IDENTITY = JSON.stringify(['postgres', 'dst', 5432, 'shop', 'postgres']);

export function plan(spec: Spec, actual: ActualState, state: StateDocument | null, options: Partial<PlanOptions> = {}): Plan {
  return planChanges({
    spec, actual, state, basedOn: BASIS, now: new Date('2026-11-26T09:00:00Z'), options: { ...OPTIONS, ...options },
    lineage: state?.lineage ?? FRESH_LINEAGE, targetIdentity: TARGET_IDENTITY,
  });
}

export const ADDR = {
  db: databaseAddress('shop'),
  orders: rowsAddress('shop', 'sales', 'orders'),
  lines: rowsAddress('shop', 'sales', 'order_lines'),
  customers: rowsAddress('shop', 'sales', 'customers'),
  seq: rowsAddress('shop', 'sales', 'order_no_seq'),
};
