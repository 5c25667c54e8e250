import { describe, expect, it } from 'vitest';
import type { SchemaObjectAny, TypeObject } from '../../src/model/schema.js';
import { functionKey, objectKey } from '../../src/model/object-key.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { column, constraint, model, table } from './ddl-model-builders.js';

const base = { owner: null, acl: null, comment: null, deps: [] };

function sqlOf(objects: SchemaObjectAny[], targetMajor = 15, extra: Parameters<typeof model>[1] = {}): string[] {
  return planCreateDdl(model(objects, extra), { roles: 'copy', targetMajor }).statements.map((s) => s.sql);
}

function type(schema: string, name: string, t: TypeObject['type'], extra: Partial<TypeObject> = {}): TypeObject {
  return { key: objectKey('type', schema, name), kind: 'type', schema, name, ...base, type: t, ...extra };
}

describe('types', () => {
  it('writes enums, composites, ranges and domains (NOT VALID domain checks in post-data)', () => {
    const sch = { key: objectKey('schema', null, 'My Schema'), kind: 'schema' as const, schema: null, name: 'My Schema', ...base };
    const objects = [
      sch,
      type('My Schema', 'mood', { variant: 'enum', labels: ['sad', "it's ok", 'happy'] }, { deps: [sch.key] }),
      type('public', 'pair', { variant: 'composite', attributes: [{ name: 'left', type: 'integer', collation: null }, { name: 'Label', type: 'text', collation: 'pg_catalog."C"' }] }),
      type('public', 'floatrange', { variant: 'range', subtype: 'double precision', subtypeOpclass: null, collation: null, canonical: null, subtypeDiff: 'float8mi', multirangeName: 'public.floatmultirange' }),
      type('My Schema', 'positive', {
        variant: 'domain', baseType: 'integer', notNull: true, default: '1', collation: null,
        constraints: [
          { name: 'positive_check', definition: 'CHECK ((VALUE > 0))', validated: true, comment: 'must be > 0' },
          { name: 'small', definition: 'CHECK ((VALUE < 1000)) NOT VALID', validated: false, comment: null },
        ],
      }, { deps: [sch.key] }),
    ];
    expect(sqlOf(objects, 13)).toEqual([
      'CREATE SCHEMA "My Schema"',
      'CREATE TYPE "My Schema".mood AS ENUM (\'sad\', \'it\'\'s ok\', \'happy\')',
      'CREATE DOMAIN "My Schema".positive AS integer DEFAULT 1 CONSTRAINT positive_check CHECK ((VALUE > 0)) NOT NULL',
      'CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision,\n    subtype_diff = float8mi\n)',
      'CREATE TYPE public.pair AS (\n    "left" integer,\n    "Label" text COLLATE pg_catalog."C"\n)',
      'ALTER DOMAIN "My Schema".positive ADD CONSTRAINT small CHECK ((VALUE < 1000)) NOT VALID',
      'COMMENT ON CONSTRAINT positive_check ON DOMAIN "My Schema".positive IS \'must be > 0\'',
    ]);
    expect(sqlOf(objects, 14)).toContain('CREATE TYPE public.floatrange AS RANGE (\n    subtype = double precision,\n    subtype_diff = float8mi,\n    multirange_type_name = public.floatmultirange\n)');
  });
});

describe('pre-data order and the other kinds', () => {
  it('creates a function before the table whose default calls it, the sequence before both, OWNED BY after the table', () => {
    const fn = functionKey('public', 'next_code', '');
    const seqKey = objectKey('sequence', 'public', 'codes');
    const t = table('public', 'items', { owner: 'app', deps: [fn, seqKey], columns: [column('code', 'text', { default: 'public.next_code()' }), column('n', 'bigint', { default: "nextval('public.codes'::regclass)" })] });
    const objects: SchemaObjectAny[] = [
      t,
      { key: seqKey, kind: 'sequence', schema: 'public', name: 'codes', ...base, owner: 'app', persistence: 'p', ownedBy: { table: t.key, column: 'n' },
        options: { dataType: 'integer', start: '10', increment: '5', min: '1', max: '2147483647', cache: '1', cycle: true } },
      { key: fn, kind: 'function', schema: 'public', name: 'next_code', ...base, owner: 'app', variant: 'f', identityArguments: '', language: 'sql',
        definition: "CREATE OR REPLACE FUNCTION public.next_code()\n RETURNS text\n LANGUAGE sql\nAS $function$select 'x'$function$\n",
        acl: [{ grantee: 'app', grantor: 'app', privileges: ['EXECUTE'], grantable: [] }] },
    ];
    expect(sqlOf(objects)).toEqual([
      "CREATE OR REPLACE FUNCTION public.next_code()\n RETURNS text\n LANGUAGE sql\nAS $function$select 'x'$function$",
      'CREATE SEQUENCE public.codes AS integer START WITH 10 INCREMENT BY 5 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 CYCLE',
      "CREATE TABLE public.items (\n    code text DEFAULT public.next_code(),\n    n bigint DEFAULT nextval('public.codes'::regclass)\n)",
      'ALTER SEQUENCE public.codes OWNED BY public.items.n',
      'ALTER FUNCTION public.next_code() OWNER TO app',
      'ALTER TABLE public.items OWNER TO app',
      'REVOKE EXECUTE ON FUNCTION public.next_code() FROM PUBLIC',
    ]);
  });

  it('creates views after their tables, matviews WITH NO DATA and refreshes them last', () => {
    const t = table('public', 't', { owner: null, columns: [column('a', 'integer')] });
    const v = { key: objectKey('view', 'public', 'v'), kind: 'view' as const, schema: 'public', name: 'v', ...base, deps: [t.key], definition: ' SELECT t.a\n   FROM public.t;', columns: [], options: ['security_barrier=true'], indexes: [], populated: true, triggers: [], rules: [] };
    const mv = { ...v, key: objectKey('matview', 'public', 'mv'), kind: 'matview' as const, name: 'mv', deps: [v.key], definition: ' SELECT v.a\n   FROM public.v;', options: [],
      indexes: [{ name: 'mv_a', definition: 'CREATE INDEX mv_a ON public.mv USING btree (a)', constraint: null, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null }] };
    expect(sqlOf([mv, v, t])).toEqual([
      'CREATE TABLE public.t (\n    a integer\n)',
      'CREATE VIEW public.v WITH (security_barrier=true) AS\nSELECT t.a\n   FROM public.t',
      'CREATE MATERIALIZED VIEW public.mv AS\nSELECT v.a\n   FROM public.v\nWITH NO DATA',
      'CREATE INDEX mv_a ON public.mv USING btree (a)',
      'REFRESH MATERIALIZED VIEW public.mv',
    ]);
  });

  it('creates the primary key of a table a GROUP BY view reads before the view (functional dependency)', () => {
    const t = table('public', 't', { owner: null, columns: [column('id', 'integer', { notNull: true }), column('name', 'text')], constraints: [constraint('t_pkey', 'p', 'PRIMARY KEY (id)')] });
    const other = table('public', 'u', { owner: null, columns: [column('id', 'integer', { notNull: true })], constraints: [constraint('u_pkey', 'p', 'PRIMARY KEY (id)')] });
    const v = { key: objectKey('view', 'public', 'v'), kind: 'view' as const, schema: 'public', name: 'v', ...base, deps: [t.key], definition: ' SELECT t.id, t.name, count(*) AS n\n   FROM public.t\n  GROUP BY t.id;', columns: [], options: [], indexes: [], populated: true, triggers: [], rules: [] };
    const result = planCreateDdl(model([t, other, v]), { roles: 'copy', targetMajor: 15 }).statements;
    expect(result.map((s) => [s.phase, s.sql.split('\n')[0]])).toEqual([
      ['pre-data', 'CREATE TABLE public.t ('],
      ['pre-data', 'CREATE TABLE public.u ('],
      ['pre-data', 'ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)'],
      ['pre-data', 'CREATE VIEW public.v AS'],
      ['post-data', 'ALTER TABLE ONLY public.u ADD CONSTRAINT u_pkey PRIMARY KEY (id)'],
    ]);
  });

  it('writes extensions, collations, casts and database settings, grants and comment', () => {
    const objects: SchemaObjectAny[] = [
      { key: objectKey('extension', null, 'pg_trgm'), kind: 'extension', schema: null, name: 'pg_trgm', ...base, extSchema: 'ext', version: '1.6', deps: [objectKey('schema', null, 'ext')] },
      { key: objectKey('schema', null, 'ext'), kind: 'schema', schema: null, name: 'ext', ...base },
      { key: objectKey('collation', 'public', 'Nocase'), kind: 'collation', schema: 'public', name: 'Nocase', ...base, provider: 'i', deterministic: false, collate: null, ctype: null, locale: 'und-u-ks-level2', icuRules: null },
      { key: 'cast:(text AS public.pair)', kind: 'cast', schema: null, name: '(text AS public.pair)', ...base, source: 'text', target: 'public.pair', function: null, method: 'i', context: 'a' },
    ];
    const database = {
      name: 'src', owner: 'app', encoding: 'UTF8', collate: 'C', ctype: 'C', localeProvider: 'c' as const, locale: null, comment: "the app's db",
      acl: [{ grantee: 'app', grantor: 'app', privileges: ['CONNECT', 'CREATE', 'TEMPORARY'], grantable: [] }, { grantee: 'reader', grantor: 'app', privileges: ['CONNECT'], grantable: [] }],
      settings: [{ role: null, name: 'search_path', value: 'app, "My Schema", public' }, { role: 'reader', name: 'statement_timeout', value: '5s' }],
    };
    expect(sqlOf(objects, 15, { database })).toEqual([
      'CREATE SCHEMA ext',
      "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ext VERSION '1.6'",
      "CREATE COLLATION public.\"Nocase\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
      'CREATE CAST (text AS public.pair) WITH INOUT AS ASSIGNMENT',
      'COMMENT ON DATABASE src IS \'the app\'\'s db\'',
      "ALTER DATABASE src SET search_path TO 'app', 'My Schema', 'public'",
      "ALTER ROLE reader IN DATABASE src SET statement_timeout TO '5s'",
      'REVOKE TEMPORARY, CONNECT ON DATABASE src FROM PUBLIC',
      'GRANT CONNECT ON DATABASE src TO reader',
    ]);
    // Another major: the extension's default version there.
    expect(sqlOf(objects, 17, { database })[1]).toBe('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ext');
  });

  it('does not copy PostgreSQL 14\'s default owner and ACL of schema public onto 15+', () => {
    const pub = { key: objectKey('schema', null, 'public'), kind: 'schema' as const, schema: null, name: 'public', ...base, owner: 'postgres', comment: 'standard public schema',
      acl: [{ grantee: 'postgres', grantor: 'postgres', privileges: ['USAGE', 'CREATE'], grantable: [] }, { grantee: '', grantor: 'postgres', privileges: ['USAGE', 'CREATE'], grantable: [] }] };
    const on14 = { serverVersionNum: 140_011 };
    expect(sqlOf([pub], 15, on14)).toEqual(["COMMENT ON SCHEMA public IS 'standard public schema'"]);
    expect(sqlOf([pub], 14, on14)).toEqual([
      "COMMENT ON SCHEMA public IS 'standard public schema'",
      'ALTER SCHEMA public OWNER TO postgres',
      'GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC',
    ]);
  });

  it('writes global and per-schema default privileges', () => {
    const defaultPrivileges = [
      { role: 'app', schema: null, objectType: 'f' as const, acl: [{ grantee: 'app', grantor: 'app', privileges: ['EXECUTE'], grantable: [] }] },
      { role: 'app', schema: 'My Schema', objectType: 'r' as const, acl: [{ grantee: 'read-only', grantor: 'app', privileges: ['SELECT'], grantable: [] }] },
    ];
    expect(sqlOf([], 15, { defaultPrivileges })).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA "My Schema" GRANT SELECT ON TABLES TO "read-only"',
      'ALTER DEFAULT PRIVILEGES FOR ROLE app REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC',
    ]);
  });
});

describe('what the target major cannot take', () => {
  it('lists every such object at once', () => {
    const coll = (name: string, extra: Record<string, unknown>): SchemaObjectAny => ({ key: objectKey('collation', 'public', name), kind: 'collation', schema: 'public', name, ...base, provider: 'i', deterministic: true, collate: null, ctype: null, locale: 'und', icuRules: null, ...extra } as SchemaObjectAny);
    const t = table('public', 't', { owner: null, columns: [column('v', 'integer', { generated: { kind: 'v', expression: '1' } })] });
    expect(() => sqlOf([coll('b', { provider: 'b', locale: 'C' }), coll('r', { icuRules: '&a < b' }), t], 15)).toThrow(
      'PostgreSQL 15 cannot take these 3 objects:\n' +
      '  collation:public.b: the builtin collation provider is first in PostgreSQL 17\n' +
      '  collation:public.r: ICU tailoring rules are first in PostgreSQL 16\n' +
      '  table:public.t: column v is a VIRTUAL generated column (first in PostgreSQL 18)',
    );
    const seq: SchemaObjectAny = { key: objectKey('sequence', 'public', 's'), kind: 'sequence', schema: 'public', name: 's', ...base, persistence: 'u', ownedBy: null,
      options: { dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false } };
    expect(() => sqlOf([seq], 14)).toThrow('sequence:public.s: unlogged sequences are first in PostgreSQL 15');
    expect(sqlOf([seq], 15)).toEqual(['CREATE UNLOGGED SEQUENCE public.s AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE']);
    expect(sqlOf([coll('r', { icuRules: '&a < b' })], 16)).toEqual(["CREATE COLLATION public.r (provider = icu, locale = 'und', rules = '&a < b')"]);
  });

  it('refuses what only a superuser may create when the target role is not one', () => {
    const fn = (name: string, language: string, definition: string): SchemaObjectAny => ({
      key: functionKey('public', name, 'integer'), kind: 'function', schema: 'public', name, ...base, variant: 'f', identityArguments: 'integer', language, definition,
    });
    const objects: SchemaObjectAny[] = [
      fn('leaky', 'sql', 'CREATE OR REPLACE FUNCTION public.leaky(integer)\n RETURNS boolean\n LANGUAGE sql\n IMMUTABLE LEAKPROOF STRICT\nAS $function$ SELECT true $function$\n'),
      fn('fine', 'sql', 'CREATE OR REPLACE FUNCTION public.fine(integer)\n RETURNS boolean\n LANGUAGE sql\nAS $function$ SELECT \'LEAKPROOF\' <> \'\' $function$\n'),
      fn('native', 'c', "CREATE OR REPLACE FUNCTION public.native(integer)\n RETURNS boolean\n LANGUAGE c\nAS '$libdir/x', $function$native$function$\n"),
      // Aggregates report language internal, yet anyone may create one.
      { ...fn('total', 'internal', 'CREATE AGGREGATE public.total(integer) (SFUNC = int4pl, STYPE = integer)'), variant: 'a' } as SchemaObjectAny,
      { key: 'cast:(integer AS public.myint)', kind: 'cast', schema: null, name: '(integer AS public.myint)', ...base, source: 'integer', target: 'public.myint', function: null, method: 'b', context: 'e' },
      { key: 'opfamily:public.f USING hash', kind: 'opfamily', schema: 'public', name: 'f', ...base, accessMethod: 'hash', inputType: null, isDefault: false, family: null, storageType: null, members: [] },
    ];
    const plan = (targetIsSuperuser: boolean) => planCreateDdl(model(objects), { roles: 'copy', targetMajor: 15, targetIsSuperuser });
    expect(() => plan(false)).toThrow(
      'PostgreSQL 15 cannot take these 4 objects:\n' +
      '  cast:(integer AS public.myint): a cast WITHOUT FUNCTION: only a superuser may create it, and the target role is not one\n' +
      '  function:public.leaky(integer): a LEAKPROOF function: only a superuser may create it, and the target role is not one\n' +
      '  function:public.native(integer): a function in language c: only a superuser may create it, and the target role is not one\n' +
      '  opfamily:public.f USING hash: an operator family: only a superuser may create it, and the target role is not one',
    );
    expect(plan(true).statements.length).toBeGreaterThan(0);
  });
});
