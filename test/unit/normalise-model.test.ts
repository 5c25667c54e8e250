// The normaliser folds only what the server printed or defaulted differently for the same schema; each fold has
// its mutation pair: the same attribute with a real difference still shows up in the diff.
import { describe, expect, it } from 'vitest';
import type { AclEntry, SchemaModel, SchemaObjectAny, TypeObject } from '../../src/model/schema.js';
import { objectKey } from '../../src/model/object-key.js';
import { makeObjectName, normaliseDefinition, normaliseModel } from '../../src/schema/normalise.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { ORDERS, POSINT, STATUS, baseModel, withColumn, withObject, withTable } from './schema-diff-base.js';

const createDdl = (model: SchemaModel): { sql: string; transactional: boolean; phase: 'pre-data'; object: string }[] =>
  model.objects.map((o) => ({ sql: `CREATE ${o.key}`, transactional: true, phase: 'pre-data', object: o.key }));
const diff = (d: SchemaModel, a: SchemaModel, targetMajor = 18): ReturnType<typeof diffSchemas> => diffSchemas(d, a, { targetMajor, createDdl });
const at = (m: SchemaModel, major: number): SchemaModel => ({ ...m, serverVersionNum: major * 10_000 + 1 });

describe('PG18 named NOT NULL constraints', () => {
  const pg15 = at(withColumn(baseModel(), ORDERS.key, 'customer_id', (c) => ({ ...c, notNullName: null })), 15);
  const generated = at(withColumn(baseModel(), ORDERS.key, 'customer_id', (c) => ({ ...c, notNullName: 'orders_customer_id_not_null' })), 18);
  const custom = at(withColumn(baseModel(), ORDERS.key, 'customer_id', (c) => ({ ...c, notNullName: 'customer_required' })), 18);

  it('the name the server makes up equals no name at all', () => {
    expect(diff(generated, pg15)).toEqual([]);
    expect(diff(pg15, generated)).toEqual([]);
  });
  it('a name a user chose is a difference, renamed on 18', () => {
    const changes = diff(custom, generated);
    expect(changes.flatMap((c) => c.statements.map((s) => s.sql))).toEqual([
      'ALTER TABLE sales.orders RENAME CONSTRAINT orders_customer_id_not_null TO customer_required',
    ]);
  });
  it('a clash suffix is made up too, a look-alike is not', () => {
    expect(diff(withColumn(generated, ORDERS.key, 'customer_id', (c) => ({ ...c, notNullName: 'orders_customer_id_not_null1' })), pg15)).toEqual([]);
    expect(diff(withColumn(generated, ORDERS.key, 'customer_id', (c) => ({ ...c, notNullName: 'orders_customer_id_not_nullx' })), generated)).not.toEqual([]);
  });
  it('cuts long names the way the server does (the longer part first, to 63 bytes)', () => {
    const long = 'a'.repeat(60);
    expect(makeObjectName(long, 'col', 'not_null')).toBe(`${'a'.repeat(50)}_col_not_null`);
    expect(Buffer.byteLength(makeObjectName('é'.repeat(40), 'x', 'not_null'))).toBeLessThanOrEqual(63);
  });
});

describe('schema public', () => {
  const publicSchema = (owner: string, acl: readonly AclEntry[]): SchemaObjectAny => ({
    key: objectKey('schema', null, 'public'), kind: 'schema', schema: null, name: 'public', owner, acl, comment: 'standard public schema', deps: [],
  });
  const uc = (grantee: string, grantor: string, privileges: string[]): AclEntry => ({ grantee, grantor, privileges, grantable: [] });
  const pg14 = at({ ...baseModel(), objects: [publicSchema('postgres', [uc('postgres', 'postgres', ['CREATE', 'USAGE']), uc('', 'postgres', ['CREATE', 'USAGE'])])],
    roles: [{ name: 'postgres', superuser: true, createdb: true, createrole: true, inherit: true, login: true, replication: true, bypassrls: true, connectionLimit: -1, validUntil: null, memberOf: [], settings: [] }] }, 14);
  const pg15 = at({ ...baseModel(), objects: [publicSchema('pg_database_owner', [uc('pg_database_owner', 'pg_database_owner', ['CREATE', 'USAGE']), uc('', 'pg_database_owner', ['USAGE'])])] }, 15);

  it('each major\'s own default owner and ACL compare equal', () => {
    expect(diff(pg14, pg15, 15)).toEqual([]);
    expect(diff(pg15, pg14, 14)).toEqual([]);
  });
  it('a grant beyond the default is a difference', () => {
    const granted = withObject(pg15, 'schema:public', (s) => ({ ...s, acl: [...(s.acl ?? []), uc('reader', 'pg_database_owner', ['USAGE'])] }));
    expect(diff(granted, pg15, 15).flatMap((c) => c.statements.map((s) => s.sql))).toEqual(['GRANT USAGE ON SCHEMA public TO reader']);
    const ownedByApp = withObject(pg14, 'schema:public', (s) => ({ ...s, owner: 'app', acl: [uc('app', 'app', ['CREATE', 'USAGE']), uc('', 'app', ['CREATE', 'USAGE'])] }));
    expect(diff(ownedByApp, pg14, 14)).not.toEqual([]);
  });
});

describe('default ACLs', () => {
  const ownerAll = (major: number): AclEntry => ({ grantee: 'app', grantor: 'app', privileges: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE', ...(major >= 17 ? ['MAINTAIN'] : [])], grantable: [] });
  it('an explicit ACL equal to the default is the default, on 16 and on 17 (MAINTAIN)', () => {
    const m16 = at(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, acl: [ownerAll(16)] })), 16);
    const m17 = at(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, acl: [ownerAll(17)] })), 17);
    expect(normaliseModel(m17).objects.find((o) => o.key === ORDERS.key)?.acl).toBeNull();
    expect(diff(m16, at(baseModel(), 17), 17)).toEqual([]);
    expect(diff(m17, at(baseModel(), 16), 16)).toEqual([]);
  });
  it('one privilege less is a difference', () => {
    const less = at(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, acl: [{ ...ownerAll(17), privileges: ownerAll(17).privileges.filter((p) => p !== 'TRUNCATE') }] })), 17);
    expect(diff(less, at(baseModel(), 17), 17).flatMap((c) => c.statements.map((s) => s.sql))).toEqual(['REVOKE TRUNCATE ON TABLE sales.orders FROM app']);
  });
  it('MAINTAIN is compared when source and target both have it', () => {
    const noMaintain = at(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, acl: [ownerAll(16)] })), 17);
    expect(diff(noMaintain, at(baseModel(), 17), 17).flatMap((c) => c.statements.map((s) => s.sql))).toEqual(['REVOKE MAINTAIN ON TABLE sales.orders FROM app']);
  });
});

describe('domain NOT NULL (17+ lists it as a constraint)', () => {
  const withDomain = (m: SchemaModel, change: (t: Extract<TypeObject['type'], { variant: 'domain' }>) => TypeObject['type']): SchemaModel =>
    withObject<TypeObject>(m, POSINT.key, (o) => ({ ...o, type: change(o.type as Extract<TypeObject['type'], { variant: 'domain' }>) }));
  const flag = withDomain(at(baseModel(), 16), (t) => ({ ...t, notNull: true }));
  const listed = withDomain(at(baseModel(), 17), (t) => ({ ...t, notNull: true, constraints: [...t.constraints, { name: 'posint_not_null', definition: 'NOT NULL', validated: true, comment: null }] }));
  it('folds into the flag', () => expect(diff(listed, flag, 17)).toEqual([]));
  it('a NOT NULL the other side lacks is a difference', () => {
    expect(diff(listed, at(baseModel(), 16), 17).flatMap((c) => c.statements.map((s) => s.sql))).toEqual(['ALTER DOMAIN sales.posint SET NOT NULL']);
  });
});

describe('sorting and printed definitions', () => {
  it('order of parts and of privilege lists does not matter', () => {
    const shuffled = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, constraints: [...t.constraints].reverse(), indexes: [...t.indexes].reverse() }));
    expect(diff(shuffled, baseModel())).toEqual([]);
    const objects = { ...baseModel(), objects: [...baseModel().objects].reverse() };
    expect(diff(objects, baseModel())).toEqual([]);
  });
  it('a trailing semicolon and surrounding blanks mean nothing; the text itself does', () => {
    expect(normaliseDefinition(' SELECT 1;\n')).toBe('SELECT 1');
    const semicolonLess = withObject(baseModel(), 'view:sales.open_orders', (v) => ({ ...v, definition: normaliseDefinition((v as { definition: string }).definition) }));
    expect(diff(semicolonLess, baseModel())).toEqual([]);
    expect(diff(withObject(baseModel(), STATUS.key, (t) => ({ ...t, comment: 'x' })), baseModel())).not.toEqual([]);
  });
});
