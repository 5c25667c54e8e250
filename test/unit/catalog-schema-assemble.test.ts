// assembleModel on hand-written query rows: relations get their parts, pg_depend tokens become sorted ObjectKey
// deps (sub-objects stand for their relation), OWNED BY makes no cycle, only referenced roles stay, all frozen.
import { describe, expect, it } from 'vitest';
import { assembleModel, type CatalogRows } from '../../src/pg/catalog/schema/assemble.js';
import type { RelationRow } from '../../src/pg/catalog/schema/relations-query.js';
import type { RoleRow } from '../../src/pg/catalog/schema/roles-query.js';
import type { TableObject, ViewObject } from '../../src/model/schema.js';

const RELATION: RelationRow = {
  tokens: ['pg_class:100', 'pg_type:101'], schema: 'app', name: 'orders', relkind: 'r', owner: 'alice', acl: null, comment: null,
  persistence: 'p', partition_key: null, partition_of: null, inherits: [], rls_enabled: false, rls_forced: false,
  replica_identity: 'd', replica_identity_index: null, options: ['fillfactor=70', 'autovacuum_enabled=false'],
  access_method: null, view_definition: null, populated: true,
};

function role(name: string): RoleRow {
  return {
    name, superuser: false, createdb: false, createrole: false, inherit: true, login: false, replication: false, bypassrls: false,
    connection_limit: -1, valid_until: null, member_of: [], settings: null,
  };
}

const ROWS: CatalogRows = {
  database: {
    server_version_num: 160004, name: 'shop', owner: 'dbo', encoding: 'UTF8', collate: 'C', ctype: 'C', locale_provider: 'c',
    locale: null, acl: [['', 'dbo', 'CONNECT', false]], comment: null, settings: [],
  },
  schemas: [{ token: 'pg_namespace:50', name: 'app', owner: 'alice', acl: null, comment: null }],
  extensions: [],
  collations: [],
  types: [],
  sequences: [{
    token: 'pg_class:200', schema: 'app', name: 'orders_id_seq', owner: 'alice', acl: null, comment: null, data_type: 'integer',
    start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false, persistence: 'p', owned_by: ['app', 'orders', 'id'],
  }],
  relations: [
    RELATION,
    {
      ...RELATION, tokens: ['pg_class:300', 'pg_type:301', 'pg_rewrite:302'], name: 'recent', relkind: 'v', options: null,
      view_definition: ' SELECT id FROM app.orders;',
    },
  ],
  columns: [
    {
      relation: 'pg_class:100', attrdef_token: 'pg_attrdef:110', name: 'id', type: 'integer', coll_schema: null, coll_name: null,
      not_null: true, not_null_name: null, not_null_validated: null, expression: "nextval('app.orders_id_seq'::regclass)", identity: '', identity_sequence: null,
      generated: '', storage: null, statistics_target: null, options: null, compression: null, inherited_count: 0, is_local: true,
      acl: [['bob', 'alice', 'SELECT', false]], comment: null,
    },
    {
      relation: 'pg_class:300', attrdef_token: null, name: 'id', type: 'integer', coll_schema: null, coll_name: null, not_null: false,
      not_null_name: null, not_null_validated: null, expression: null, identity: '', identity_sequence: null, generated: '', storage: null,
      statistics_target: null, options: null, compression: null, inherited_count: 0, is_local: true, acl: null, comment: 'view column',
    },
  ],
  constraints: [],
  indexes: [
    { relation: 'pg_class:100', token: 'pg_class:120', name: 'z_idx', definition: 'CREATE INDEX z_idx …', constraint: null, parent_index: null, is_replica_identity: false, clustered: false, comment: null, invalid: false },
    { relation: 'pg_class:100', token: 'pg_class:121', name: 'a_idx', definition: 'CREATE INDEX a_idx …', constraint: null, parent_index: null, is_replica_identity: false, clustered: false, comment: null, invalid: false },
  ],
  triggers: [],
  policies: [{
    relation: 'pg_class:100', token: 'pg_policy:130', name: 'p', permissive: true, command: '*', roles: ['public', 'carol'],
    using: 'true', with_check: null, comment: null,
  }],
  rules: [],
  functions: [],
  casts: [],
  operators: [],
  operatorFamilies: [],
  statistics: [],
  defaultPrivileges: [],
  depends: [
    { token: 'pg_class:100', ref: 'pg_namespace:50', deptype: 'n' },
    { token: 'pg_attrdef:110', ref: 'pg_class:200', deptype: 'n' },
    { token: 'pg_attrdef:110', ref: 'pg_class:100', deptype: 'a' },
    { token: 'pg_class:200', ref: 'pg_class:100', deptype: 'a' },
    { token: 'pg_class:200', ref: 'pg_namespace:50', deptype: 'n' },
    { token: 'pg_class:121', ref: 'pg_class:100', deptype: 'a' },
    { token: 'pg_rewrite:302', ref: 'pg_class:100', deptype: 'n' },
    { token: 'pg_rewrite:302', ref: 'pg_proc:999', deptype: 'n' },
    { token: 'pg_class:300', ref: 'pg_namespace:50', deptype: 'n' },
  ],
  roles: [
    ...['alice', 'carol', 'dbo', 'unrelated', 'org'].map(role),
    // bob is in team, team in org: copying bob's membership needs both on the target.
    { ...role('bob'), member_of: [['team', false, null, null]] },
    { ...role('team'), member_of: [['org', true, null, null]] },
  ],
};

describe('assembleModel', () => {
  const model = assembleModel(ROWS);

  it('sorts objects by key and the parts of a table by name, keeping columns in attnum order', () => {
    expect(model.objects.map((o) => o.key)).toEqual(['schema:app', 'sequence:app.orders_id_seq', 'table:app.orders', 'view:app.recent']);
    const table = model.objects[2] as TableObject;
    expect(table.indexes.map((i) => i.name)).toEqual(['a_idx', 'z_idx']);
    expect(table.options).toEqual(['autovacuum_enabled=false', 'fillfactor=70']);
    expect(table.policies[0]?.roles).toEqual(['carol', 'public']);
  });

  it('maps pg_depend tokens to keys: a default names its sequence, a view rule its table; OWNED BY makes no cycle', () => {
    const [schema, sequence, table, view] = model.objects;
    expect(schema?.deps).toEqual([]);
    expect(table?.deps).toEqual(['schema:app', 'sequence:app.orders_id_seq']);
    expect(sequence?.deps).toEqual(['schema:app']);
    // The unknown function (a built-in or an extension member) is dropped, the view's own rule is the view.
    expect(view?.deps).toEqual(['schema:app', 'table:app.orders']);
    expect((view as ViewObject).columns).toEqual([{ name: 'id', type: 'integer', default: null, comment: 'view column', acl: null }]);
  });

  it('keeps the roles the model names (owners, grantees, policy roles, database owner) and the roles they are in', () => {
    expect(model.roles.map((r) => r.name)).toEqual(['alice', 'bob', 'carol', 'dbo', 'org', 'team']);
    expect(model.roles.find((r) => r.name === 'team')?.memberOf).toEqual([{ role: 'org', admin: true, inherit: null, set: null }]);
  });

  it('is frozen all the way down and JSON-serialisable', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.objects)).toBe(true);
    expect(Object.isFrozen((model.objects[2] as TableObject).columns[0]?.acl)).toBe(true);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    expect(model.serverVersionNum).toBe(160004);
  });
});
