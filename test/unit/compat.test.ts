// The cross-major table and checkTargetCompatibility on hand-built models: each construct is an error (or a
// dropped-with-warning) below its first major and nothing from it on; the catalog lookup names what is missing.
import { describe, expect, it } from 'vitest';
import type { Column, FunctionObject, TableObject } from '../../src/model/schema.js';
import { builtinTypeName, checkTargetCompatibility, COMPAT_CONSTRUCTS, type TargetCatalogLookup, unqualifiedCalls } from '../../src/schema/compat.js';
import { unqualifiedOperators } from '../../src/schema/expression-operators.js';
import { fn, model, schema, table, view } from './schema-scope-model.js';

function column(name: string, extra: Partial<Column> = {}): Column {
  return {
    name, type: 'integer', collation: null, notNull: false, notNullName: null, default: null, identity: null, generated: null, storage: null,
    statisticsTarget: null, inheritedCount: 0, isLocal: true, acl: null, comment: null, ...extra,
  };
}

function tableWith(extra: Partial<TableObject>): TableObject {
  return { ...table('app', 't'), ...extra };
}

const ALL_BUILTINS: TargetCatalogLookup = {
  functions: new Set(['upper', 'now', 'lower', 'nextval', 'uuidv7']),
  types: new Set(['integer', 'text', 'character varying', 'timestamp with time zone', 'int4multirange']),
  collations: new Set(['C', 'POSIX', 'default']),
};

describe('COMPAT_CONSTRUCTS', () => {
  it('has unique ids and first majors after 12 (the oldest pgrepl reads)', () => {
    const ids = COMPAT_CONSTRUCTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of COMPAT_CONSTRUCTS) expect(c.firstMajor).toBeGreaterThan(12);
    expect(Object.fromEntries(COMPAT_CONSTRUCTS.map((c) => [c.id, c.firstMajor]))).toMatchObject({
      'maintain-privilege': 17, 'virtual-generated-column': 18, uuidv7: 18, 'nulls-not-distinct': 15, 'sql-standard-function-body': 14,
      multirange: 14, 'sql-json-constructors': 16, 'named-not-null': 18,
    });
  });
});

describe('checkTargetCompatibility', () => {
  it('a virtual generated column is an error naming table and column below 18, nothing on 18', () => {
    const t = tableWith({ columns: [column('gross', { generated: { kind: 'v', expression: '(price * 1.2)' } })] });
    const m = model([schema('app'), t]);
    const older = checkTargetCompatibility(m, 17);
    expect(older.errors).toEqual([expect.objectContaining({
      construct: 'virtual-generated-column', object: 'table:app.t', action: 'error',
      message: 'table app.t: virtual generated columns (column gross) first appear in PostgreSQL 18; cannot be created on PostgreSQL 17',
    })]);
    expect(checkTargetCompatibility(m, 18)).toEqual({ errors: [], warnings: [] });
  });

  it('MAINTAIN is dropped with a warning below 17, also from default privileges', () => {
    const t = tableWith({ acl: [{ grantee: 'w', grantor: 'app', privileges: ['MAINTAIN', 'SELECT'], grantable: [] }] });
    const m = { ...model([schema('app'), t]), defaultPrivileges: [{ role: 'app', schema: 'app', objectType: 'r' as const, acl: [{ grantee: 'w', grantor: 'app', privileges: ['MAINTAIN'], grantable: [] }] }] };
    const report = checkTargetCompatibility(m, 16);
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((w) => [w.construct, w.object, w.severity])).toEqual([
      ['maintain-privilege', 'table:app.t', 'warning'], ['maintain-privilege', 'default-privileges:app', 'warning'],
    ]);
    expect(checkTargetCompatibility(m, 17).warnings).toEqual([]);
    const ownerOnly = model([tableWith({ acl: [{ grantee: 'app', grantor: 'app', privileges: ['MAINTAIN', 'SELECT'], grantable: [] }] })]);
    expect(checkTargetCompatibility(ownerOnly, 16).warnings).toEqual([]);
  });

  it('NULLS NOT DISTINCT below 15, but not when the words are inside a string literal', () => {
    const idx = (definition: string): TableObject => tableWith({ indexes: [{ name: 'i', definition, constraint: null, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null }] });
    const real = model([idx('CREATE UNIQUE INDEX i ON app.t USING btree (a) NULLS NOT DISTINCT')]);
    expect(checkTargetCompatibility(real, 14).errors.map((e) => e.construct)).toEqual(['nulls-not-distinct']);
    expect(checkTargetCompatibility(real, 15).errors).toEqual([]);
    const quoted = model([idx("CREATE INDEX i ON app.t USING btree (a) WHERE (b <> 'NULLS NOT DISTINCT'::text)")]);
    expect(checkTargetCompatibility(quoted, 14).errors).toEqual([]);
  });

  it('a SQL-standard body is an error below 14; a quoted body is not', () => {
    const atomic: FunctionObject = { ...fn('app', 'f'), language: 'sql', definition: 'CREATE OR REPLACE FUNCTION app.f()\n RETURNS bigint\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT 1;\nEND\n' };
    const quoted: FunctionObject = { ...fn('app', 'g'), language: 'sql', definition: 'CREATE OR REPLACE FUNCTION app.g()\n RETURNS bigint\n LANGUAGE sql\nAS $function$ SELECT 1 $function$\n' };
    const report = checkTargetCompatibility(model([atomic, quoted]), 13);
    expect(report.errors.map((e) => [e.construct, e.object])).toEqual([['sql-standard-function-body', 'function:app.f()']]);
  });

  it('SQL/JSON in a view below 16 and JSON_TABLE below 17', () => {
    const v16 = { ...view('app', 'v16', []), definition: " SELECT JSON_OBJECT('id' : id) AS obj FROM app.t;" };
    const v17 = { ...view('app', 'v17', []), definition: " SELECT jt.k FROM app.d, JSON_TABLE(d.body, '$' COLUMNS (k text PATH '$.k')) jt;" };
    expect(checkTargetCompatibility(model([v16, v17]), 15).errors.map((e) => [e.construct, e.object])).toEqual([
      ['sql-json-constructors', 'view:app.v16'], ['sql-json-query-functions', 'view:app.v17'],
    ]);
    expect(checkTargetCompatibility(model([v16, v17]), 16).errors.map((e) => e.object)).toEqual(['view:app.v17']);
  });

  it('a chosen NOT NULL name is dropped with a warning below 18; the automatic or inherited name is not worth one', () => {
    const t = tableWith({ columns: [
      column('a', { notNull: true, notNullName: 'a_required' }), column('b', { notNull: true, notNullName: 't_b_not_null' }),
      column('c', { notNull: true, notNullName: 'parent_c_not_null', inheritedCount: 1, isLocal: false }),
    ] });
    expect(checkTargetCompatibility(model([t]), 17).warnings.map((w) => w.message)).toEqual([
      'table app.t: named NOT NULL constraints (column a (a_required)) first appear in PostgreSQL 18; left out on PostgreSQL 17',
    ]);
  });

  it('with a lookup: names a built-in function, type or collation the target lacks, not keywords or user objects', () => {
    const t = tableWith({
      columns: [
        column('id', { type: 'uuid', default: 'uuidv7()' }),
        column('code', { type: 'character varying(10)[]', default: "upper(COALESCE(NULL::text, 'x'::text))" }),
        column('mood', { type: 'app.mood', default: "'ok'::app.mood" }),
        column('spans', { type: 'datemultirange', collation: null }),
        column('name', { type: 'text', collation: 'pg_catalog.unicode' }),
        column('seq', { default: "nextval('app.s'::regclass)" }),
        column('f', { default: 'app.helper(1)' }),
      ],
    });
    const lookup: TargetCatalogLookup = { ...ALL_BUILTINS, functions: new Set(['upper', 'nextval']) };
    const messages = checkTargetCompatibility(model([t]), 17, lookup).errors.map((e) => `${e.construct}: ${e.message}`);
    expect(messages).toEqual([
      'uuidv7: table app.t: uuidv7() (and uuidv4()) (column id default) first appear in PostgreSQL 18; cannot be created on PostgreSQL 17',
      'missing-function: table app.t: column id default calls uuidv7(), which PostgreSQL 17 does not have',
      'missing-type: table app.t: column id has type uuid, which PostgreSQL 17 does not have',
      'missing-type: table app.t: column spans has type datemultirange, which PostgreSQL 17 does not have',
      'missing-collation: table app.t: column name uses collation pg_catalog.unicode, which PostgreSQL 17 does not have',
    ]);
  });

  it('per-column compression is an error naming the column below 14, nothing from 14', () => {
    const t = tableWith({ columns: [column('body', { type: 'text', compression: 'pglz' }), column('plain', { type: 'text', compression: null })] });
    expect(checkTargetCompatibility(model([t]), 13).errors.map((e) => `${e.construct}: ${e.message}`)).toEqual([
      'column-compression: table app.t: per-column compression (SET COMPRESSION) (column body) first appear in PostgreSQL 14; cannot be created on PostgreSQL 13',
    ]);
    expect(checkTargetCompatibility(model([t]), 14).errors).toEqual([]);
  });

  it('with operators in the lookup: names an operator the target lacks, never a qualified one', () => {
    const v = { ...view('app', 'facts', []), definition: ' SELECT (5 !) AS f, (1 + (- 2)) AS s, (a OPERATOR(app.===) b) AS u FROM app.t;' };
    const lookup: TargetCatalogLookup = { ...ALL_BUILTINS, functions: new Set(), operators: new Set(['+', '-', '*']) };
    expect(checkTargetCompatibility(model([v]), 15, lookup).errors.map((e) => `${e.construct} ${e.object}: ${e.message}`)).toEqual([
      'missing-operator view:app.facts: view app.facts: definition uses the operator !, which PostgreSQL 15 does not have',
    ]);
    // Without operators in the lookup they are not checked.
    expect(checkTargetCompatibility(model([v]), 15, { ...ALL_BUILTINS, functions: new Set() }).errors).toEqual([]);
  });

  it('a predefined role newer than the target is an error', () => {
    const t = tableWith({ acl: [{ grantee: 'pg_maintain', grantor: 'app', privileges: ['SELECT'], grantable: [] }] });
    expect(checkTargetCompatibility(model([t]), 16).errors.map((e) => e.construct)).toEqual(['missing-role']);
    expect(checkTargetCompatibility(model([t]), 17).errors).toEqual([]);
  });

  it('schema public owned by pg_database_owner (15+\'s default) is not an error on an older target', () => {
    const acl = [{ grantee: 'pg_database_owner', grantor: 'pg_database_owner', privileges: ['CREATE', 'USAGE'], grantable: [] }];
    const publicSchema = { ...schema('public'), owner: 'pg_database_owner', acl };
    expect(checkTargetCompatibility(model([publicSchema]), 13).errors).toEqual([]);
    const other = { ...schema('app'), owner: 'pg_database_owner' };
    expect(checkTargetCompatibility(model([other]), 13).errors.map((e) => e.construct)).toEqual(['missing-role']);
  });
});

describe('helpers', () => {
  it('unqualifiedCalls finds built-in calls only', () => {
    expect(unqualifiedCalls("lower((email)::text) || app.f(x) || COALESCE(a, b) || \"Quoted\"(1) || 'now()'")).toEqual(['lower']);
    expect(unqualifiedCalls('SELECT g.x FROM generate_series(1, 3) g(x), LATERAL (SELECT 1) AS t(a) WHERE (upper(g.x::text) <> btrim(t.a::text))'))
      .toEqual(['btrim', 'generate_series', 'upper']);
    expect(unqualifiedCalls('WITH c(a) AS (SELECT now()) SELECT a FROM c')).toEqual(['now']);
    expect(unqualifiedCalls('COALESCE(lower(btrim(x)), upper(y))')).toEqual(['btrim', 'lower', 'upper']);
  });
  it('unqualifiedOperators splits runs as the lexer does and skips literals, names, OPERATOR(…) and =>', () => {
    expect(unqualifiedOperators("((a >= 0) AND (b <> '<<'::text) AND (\"x->y\" @> c) AND (d = -1) AND f(n => 1))")).toEqual(['-', '<>', '=', '>=', '@>']);
    expect(unqualifiedOperators('(a OPERATOR(app.===) b) AND (p @-@ q) AND (j #>> k) AND (e ?| ARRAY[x])')).toEqual(['#>>', '?|', '@-@']);
    expect(unqualifiedOperators('(x::integer * 2)')).toEqual(['*']);
  });
  it('builtinTypeName strips modifiers and arrays, and skips qualified types', () => {
    expect(builtinTypeName('character varying(10)[]')).toBe('character varying');
    expect(builtinTypeName('numeric(12,2)')).toBe('numeric');
    expect(builtinTypeName('ext.citext')).toBeNull();
    expect(builtinTypeName('"Sales Dept".positive_amount')).toBeNull();
  });
});
