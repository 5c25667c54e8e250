// Mutation pairs: for every attribute the normaliser or the diff compares, two models that differ only there give
// a non-empty diff, in both directions (so normalising can never hide a real difference), while the unchanged
// model gives none.
import { describe, expect, it } from 'vitest';
import type {
  CastObject, CollationObject, Column, Constraint, ExtensionObject, FunctionObject, Index, OperatorObject, Policy, SchemaModel,
  SchemaObjectAny, SequenceObject, StatisticsObject, TableObject, TypeObject, ViewObject,
} from '../../src/model/schema.js';
import { objectKey } from '../../src/model/object-key.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import {
  ADDRESS, CAST, COLL, CUSTOMERS, EXT, EXTRA_OBJECTS, INT_SEQ, OPEN_ORDERS, OPER, ORDER_NO, ORDERS, POSINT, SALES_SCHEMA, STAT, STATUS, TOUCH,
  baseModel, col, con, idx,
  withColumn, withObject, withTable,
} from './schema-diff-base.js';

const OPTS = { targetMajor: 18 } as const;
type Mutation = readonly [string, (m: SchemaModel) => SchemaModel];

const column = (name: string, change: (c: Column) => Column): (m: SchemaModel) => SchemaModel => (m) => withColumn(m, ORDERS.key, name, change);
const table = (change: (t: TableObject) => TableObject): (m: SchemaModel) => SchemaModel => (m) => withTable(m, ORDERS.key, change);
const constraint = (name: string, change: (c: Constraint) => Constraint) => table((t) => ({ ...t, constraints: t.constraints.map((c) => (c.name === name ? change(c) : c)) }));
const index = (name: string, change: (c: Index) => Index) => table((t) => ({ ...t, indexes: t.indexes.map((c) => (c.name === name ? change(c) : c)) }));
const policy = (change: (p: Policy) => Policy) => table((t) => ({ ...t, policies: t.policies.map(change) }));
const type = <T extends TypeObject['type']>(key: string, change: (t: T) => T) => (m: SchemaModel) => withObject<TypeObject>(m, key, (o) => ({ ...o, type: change(o.type as T) }));
const object = <T extends SchemaObjectAny>(key: string, change: (o: T) => T) => (m: SchemaModel) => withObject<T>(m, key, change);
const seqOption = (field: keyof typeof INT_SEQ, value: string | boolean) => object<SequenceObject>(ORDER_NO.key, (s) => ({ ...s, options: { ...s.options, [field]: value } }));
const identityOption = (field: keyof typeof INT_SEQ, value: string | boolean) => column('id', (c) => ({
  ...c, identity: c.identity === null ? null : { ...c.identity, options: { ...c.identity.options, [field]: value } },
}));
const addObject = (o: SchemaObjectAny) => (m: SchemaModel): SchemaModel => ({ ...m, objects: [...m.objects, o] });
const grant = { grantee: 'reader', grantor: 'app', privileges: ['SELECT'], grantable: [] };

const MUTATIONS: readonly Mutation[] = [
  // columns
  ['column type', column('amount', (c) => ({ ...c, type: 'numeric(12,2)' }))],
  ['column collation', column('note', (c) => ({ ...c, collation: 'pg_catalog."POSIX"' }))],
  ['column NOT NULL', column('amount', (c) => ({ ...c, notNull: true }))],
  ['column default', column('amount', (c) => ({ ...c, default: '1' }))],
  ['column default removed', column('amount', (c) => ({ ...c, default: null }))],
  ['identity kind', column('id', (c) => ({ ...c, identity: c.identity && { ...c.identity, kind: 'd' } }))],
  ['identity removed', column('id', (c) => ({ ...c, identity: null }))],
  ['identity sequence name', column('id', (c) => ({ ...c, identity: c.identity && { ...c.identity, sequence: 'sales.orders_id_seq1' } }))],
  ...(['start', 'increment', 'min', 'max', 'cache'] as const).map((f): Mutation => [`identity ${f}`, identityOption(f, '7')]),
  ['identity cycle', identityOption('cycle', true)],
  ['generated expression', column('total', (c) => ({ ...c, generated: { kind: 's', expression: '(amount * (2)::numeric)' } }))],
  ['generated removed', column('total', (c) => ({ ...c, generated: null }))],
  ['generated virtual', column('total', (c) => ({ ...c, generated: { kind: 'v', expression: c.generated?.expression ?? '' } }))],
  ['column storage', column('note', (c) => ({ ...c, storage: 'm' }))],
  ['column statistics', column('note', (c) => ({ ...c, statisticsTarget: 500 }))],
  ['column comment', column('note', (c) => ({ ...c, comment: 'free text' }))],
  ['column privileges', column('note', (c) => ({ ...c, acl: [{ grantee: 'reader', grantor: 'app', privileges: ['SELECT'], grantable: [] }] }))],
  ['column grant option', (m) => withColumn(column('note', (c) => ({ ...c, acl: [{ ...grant }] }))(m), ORDERS.key, 'note', (c) => ({ ...c, acl: [{ ...grant, grantable: ['SELECT'] }] }))],
  ['column added', table((t) => ({ ...t, columns: [...t.columns, col('extra', 'text')] }))],
  ['column dropped', table((t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'note') }))],
  // constraints
  ['constraint definition', constraint('orders_amount_check', (c) => ({ ...c, definition: 'CHECK ((amount > (0)::numeric))' }))],
  ['constraint deferrable', constraint('orders_customer_fk', (c) => ({ ...c, deferrable: true }))],
  ['constraint deferred', constraint('orders_customer_fk', (c) => ({ ...c, deferred: true }))],
  ['constraint validated', constraint('orders_amount_check', (c) => ({ ...c, validated: false }))],
  ['constraint no inherit', constraint('orders_amount_check', (c) => ({ ...c, noInherit: true }))],
  ['constraint references', constraint('orders_customer_fk', (c) => ({ ...c, references: ORDERS.key }))],
  ['constraint type', constraint('orders_amount_check', (c) => ({ ...c, type: 'u' }))],
  ['constraint comment', constraint('orders_amount_check', (c) => ({ ...c, comment: 'why' }))],
  ['constraint added', table((t) => ({ ...t, constraints: [...t.constraints, con('orders_x', 'u', 'UNIQUE (order_no)')] }))],
  ['constraint dropped', table((t) => ({ ...t, constraints: t.constraints.filter((c) => c.type !== 'c') }))],
  // indexes
  ['index definition', index('orders_status_idx', (i) => ({ ...i, definition: 'CREATE INDEX orders_status_idx ON sales.orders USING hash (status)' }))],
  ['index parent', index('orders_status_idx', (i) => ({ ...i, parentIndex: 'sales.parent_idx' }))],
  ['index clustered', index('orders_status_idx', (i) => ({ ...i, clustered: true }))],
  ['index comment', index('orders_status_idx', (i) => ({ ...i, comment: 'hot' }))],
  ['index added', table((t) => ({ ...t, indexes: [...t.indexes, idx('orders_amount_idx', 'CREATE INDEX orders_amount_idx ON sales.orders USING btree (amount)')] }))],
  ['index dropped', table((t) => ({ ...t, indexes: t.indexes.filter((i) => i.constraint !== null) }))],
  // triggers, policies, rules
  ['trigger definition', table((t) => ({ ...t, triggers: t.triggers.map((x) => ({ ...x, definition: x.definition.replace('BEFORE UPDATE', 'BEFORE INSERT') })) }))],
  ['trigger enabled', table((t) => ({ ...t, triggers: t.triggers.map((x) => ({ ...x, enabled: 'R' as const })) }))],
  ['trigger comment', table((t) => ({ ...t, triggers: t.triggers.map((x) => ({ ...x, comment: 'c' })) }))],
  ['trigger dropped', table((t) => ({ ...t, triggers: [] }))],
  ['policy permissive', policy((p) => ({ ...p, permissive: false }))],
  ['policy command', policy((p) => ({ ...p, command: '*' }))],
  ['policy roles', policy((p) => ({ ...p, roles: ['public'] }))],
  ['policy using', policy((p) => ({ ...p, using: '(customer_id > 1)' }))],
  ['policy with check', policy((p) => ({ ...p, withCheck: '(customer_id > 0)' }))],
  ['policy comment', policy((p) => ({ ...p, comment: 'c' }))],
  ['policy dropped', table((t) => ({ ...t, policies: [] }))],
  ['rule definition', table((t) => ({ ...t, rules: t.rules.map((r) => ({ ...r, definition: r.definition.replace('DELETE', 'UPDATE') })) }))],
  ['rule enabled', table((t) => ({ ...t, rules: t.rules.map((r) => ({ ...r, enabled: 'D' as const })) }))],
  ['rule comment', table((t) => ({ ...t, rules: t.rules.map((r) => ({ ...r, comment: 'c' })) }))],
  // table settings
  ['row security enabled', table((t) => ({ ...t, rowSecurity: { ...t.rowSecurity, enabled: false } }))],
  ['row security forced', table((t) => ({ ...t, rowSecurity: { ...t.rowSecurity, forced: true } }))],
  ['replica identity', table((t) => ({ ...t, replicaIdentity: 'f' }))],
  ['replica identity index', table((t) => ({ ...t, replicaIdentity: 'i', replicaIdentityIndex: 'orders_pkey' }))],
  ['storage options', table((t) => ({ ...t, options: ['fillfactor=90'] }))],
  ['persistence', table((t) => ({ ...t, persistence: 'u' }))],
  ['access method', table((t) => ({ ...t, accessMethod: 'heap2' }))],
  ['partition key', table((t) => ({ ...t, partitionKey: 'RANGE (id)' }))],
  ['partition of', table((t) => ({ ...t, partitionOf: { parent: CUSTOMERS.key, bound: 'DEFAULT' } }))],
  ['inherits', table((t) => ({ ...t, inherits: [CUSTOMERS.key] }))],
  ['table owner', table((t) => ({ ...t, owner: 'other' }))],
  ['table comment', table((t) => ({ ...t, comment: 'orders' }))],
  ['table privileges', table((t) => ({ ...t, acl: [{ grantee: 'app', grantor: 'app', privileges: ['SELECT'], grantable: [] }] }))],
  ['table grant to PUBLIC', table((t) => ({ ...t, acl: [
    { grantee: 'app', grantor: 'app', privileges: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'], grantable: [] },
    { grantee: '', grantor: 'app', privileges: ['SELECT'], grantable: [] }] }))],
  // types
  ['enum value added', type<{ variant: 'enum'; labels: readonly string[] }>(STATUS.key, (t) => ({ ...t, labels: [...t.labels, 'lost'] }))],
  ['enum value removed', type<{ variant: 'enum'; labels: readonly string[] }>(STATUS.key, (t) => ({ ...t, labels: t.labels.slice(1) }))],
  ['enum values reordered', type<{ variant: 'enum'; labels: readonly string[] }>(STATUS.key, (t) => ({ ...t, labels: [...t.labels].reverse() }))],
  ['domain default', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, default: '1' }))],
  ['domain NOT NULL', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, notNull: true }))],
  ['domain base type', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, baseType: 'bigint' }))],
  ['domain collation', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, collation: 'pg_catalog."C"' }))],
  ['domain constraint', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, constraints: t.constraints.map((c) => ({ ...c, definition: 'CHECK ((VALUE > 1))' })) }))],
  ['domain constraint validated', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, constraints: t.constraints.map((c) => ({ ...c, validated: false })) }))],
  ['domain constraint comment', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, constraints: t.constraints.map((c) => ({ ...c, comment: 'c' })) }))],
  ['domain constraint dropped', type<Extract<TypeObject['type'], { variant: 'domain' }>>(POSINT.key, (t) => ({ ...t, constraints: [] }))],
  ['composite attribute added', type<Extract<TypeObject['type'], { variant: 'composite' }>>(ADDRESS.key, (t) => ({ ...t, attributes: [...t.attributes, { name: 'city', type: 'text', collation: null }] }))],
  ['composite attribute type', type<Extract<TypeObject['type'], { variant: 'composite' }>>(ADDRESS.key, (t) => ({ ...t, attributes: t.attributes.map((a) => ({ ...a, type: 'character varying(20)' })) }))],
  ['composite attribute collation', type<Extract<TypeObject['type'], { variant: 'composite' }>>(ADDRESS.key, (t) => ({ ...t, attributes: t.attributes.map((a) => ({ ...a, collation: 'pg_catalog."C"' })) }))],
  ['type owner', object<TypeObject>(STATUS.key, (t) => ({ ...t, owner: 'other' }))],
  ['type comment', object<TypeObject>(STATUS.key, (t) => ({ ...t, comment: 'c' }))],
  ['type privileges', object<TypeObject>(STATUS.key, (t) => ({ ...t, acl: [{ grantee: 'app', grantor: 'app', privileges: ['USAGE'], grantable: [] }] }))],
  // sequences
  ...(['dataType', 'start', 'increment', 'min', 'max', 'cache'] as const).map((f): Mutation => [`sequence ${f}`, seqOption(f, f === 'dataType' ? 'integer' : '5')]),
  ['sequence cycle', seqOption('cycle', true)],
  ['sequence owned by', object<SequenceObject>(ORDER_NO.key, (s) => ({ ...s, ownedBy: { table: ORDERS.key, column: 'order_no' } }))],
  ['sequence persistence', object<SequenceObject>(ORDER_NO.key, (s) => ({ ...s, persistence: 'u' }))],
  ['sequence privileges', object<SequenceObject>(ORDER_NO.key, (s) => ({ ...s, acl: [{ grantee: 'reader', grantor: 'app', privileges: ['USAGE'], grantable: [] }] }))],
  // views, functions
  ['view definition', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, definition: v.definition.replace("'shipped'", "'paid'") }))],
  ['view column added', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, columns: [...v.columns, { name: 'amount', type: 'numeric(10,2)', default: null, comment: null, acl: null }] }))],
  ['view column type', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, columns: v.columns.map((c) => ({ ...c, type: 'text' })) }))],
  ['view options', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, options: ['security_barrier=true'] }))],
  ['view column default', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, columns: v.columns.map((c) => ({ ...c, default: '0' })) }))],
  ['view column comment', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, columns: v.columns.map((c) => ({ ...c, comment: 'c' })) }))],
  ['view column privileges', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, columns: v.columns.map((c) => ({ ...c, acl: [grant] })) }))],
  ['view owner', object<ViewObject>(OPEN_ORDERS.key, (v) => ({ ...v, owner: 'other' }))],
  ['function body', object<FunctionObject>(TOUCH.key, (f) => ({ ...f, definition: f.definition.replace('RETURN NEW', 'RETURN OLD') }))],
  ['function result type', object<FunctionObject>(TOUCH.key, (f) => ({ ...f, definition: f.definition.replace('RETURNS trigger', 'RETURNS integer') }))],
  ['function variant', object<FunctionObject>(TOUCH.key, (f) => ({ ...f, variant: 'p' }))],
  ['function language', object<FunctionObject>(TOUCH.key, (f) => ({ ...f, language: 'sql' }))],
  ['function privileges', object<FunctionObject>(TOUCH.key, (f) => ({ ...f, acl: [{ grantee: 'app', grantor: 'app', privileges: ['EXECUTE'], grantable: [] }] }))],
  // schemas and whole objects
  ['schema owner', object(SALES_SCHEMA.key, (s) => ({ ...s, owner: 'other' }))],
  ['schema comment', object(SALES_SCHEMA.key, (s) => ({ ...s, comment: 'c' }))],
  ['schema privileges', object(SALES_SCHEMA.key, (s) => ({ ...s, acl: [{ grantee: 'app', grantor: 'app', privileges: ['CREATE', 'USAGE'], grantable: [] }, { grantee: 'reader', grantor: 'app', privileges: ['USAGE'], grantable: [] }] }))],
  ['object missing', (m) => ({ ...m, objects: m.objects.filter((o) => o.key !== CUSTOMERS.key) })],
  ['object added', addObject({ ...CUSTOMERS, key: objectKey('table', 'sales', 'clients'), name: 'clients' })],
];

const EXTRA_MUTATIONS: readonly Mutation[] = [
  ['extension version', object<ExtensionObject>(EXT.key, (e) => ({ ...e, version: '1.5' }))],
  ['extension schema', object<ExtensionObject>(EXT.key, (e) => ({ ...e, extSchema: 'sales' }))],
  ['collation locale', object<CollationObject>(COLL.key, (c) => ({ ...c, locale: 'de-AT' }))],
  ['collation deterministic', object<CollationObject>(COLL.key, (c) => ({ ...c, deterministic: false }))],
  ['cast context', object<CastObject>(CAST.key, (c) => ({ ...c, context: 'a' }))],
  ['statistics definition', object<StatisticsObject>(STAT.key, (s) => ({ ...s, definition: s.definition.replace('status, amount', 'status, note') }))],
  ['statistics target', object<StatisticsObject>(STAT.key, (s) => ({ ...s, statisticsTarget: 50 }))],
  ['operator hashes', object<OperatorObject>(OPER.key, (o) => ({ ...o, hashes: true }))],
  ['operator comment', object<OperatorObject>(OPER.key, (o) => ({ ...o, comment: 'c' }))],
];

function fakeCreate(model: SchemaModel): ReturnType<NonNullable<Parameters<typeof diffSchemas>[2]['createDdl']>> {
  return model.objects.map((o) => ({ sql: `CREATE ${o.key}`, transactional: true, phase: 'pre-data' as const, object: o.key }));
}

describe('schema diff mutation pairs', () => {
  const model = baseModel();
  const extended: SchemaModel = { ...model, objects: [...model.objects, ...EXTRA_OBJECTS] };
  const opts = { ...OPTS, createDdl: fakeCreate };

  it('an unchanged model gives no changes', () => {
    expect(diffSchemas(model, model, opts)).toEqual([]);
    expect(diffSchemas(extended, extended, opts)).toEqual([]);
  });

  it.each([...MUTATIONS.map(([n, f]) => [n, f, model] as const), ...EXTRA_MUTATIONS.map(([n, f]) => [n, f, extended] as const)])(
    '%s is seen in both directions', (_name, mutate, from) => {
      const changed = mutate(from);
      expect(changed).not.toEqual(from);
      const forward = diffSchemas(changed, from, opts);
      const backward = diffSchemas(from, changed, opts);
      expect(forward.length).toBeGreaterThan(0);
      expect(backward.length).toBeGreaterThan(0);
      // Every change does something: a plan step without statements could never make the next diff empty.
      for (const c of [...forward, ...backward]) expect(c.teardown.length + c.statements.length).toBeGreaterThan(0);
    });
});
