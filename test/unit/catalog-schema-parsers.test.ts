// Pure parsers of the schema-introspection queries (src/pg/catalog/schema/*-query.ts) on hand-written rows.
import { describe, expect, it } from 'vitest';
import { parseAcl } from '../../src/pg/catalog/schema/acl.js';
import { aggregateDefinition, type AggregateParts } from '../../src/pg/catalog/schema/aggregate-definition.js';
import { parseColumn, type ColumnRow } from '../../src/pg/catalog/schema/columns-query.js';
import { parseConstraint } from '../../src/pg/catalog/schema/constraints-query.js';
import { parseDatabase } from '../../src/pg/catalog/schema/database-query.js';
import { parseDefaultPrivileges } from '../../src/pg/catalog/schema/default-privileges-query.js';
import { parseFunction, procedureIdentity } from '../../src/pg/catalog/schema/functions-query.js';
import { memberText } from '../../src/pg/catalog/schema/operator-families-query.js';
import { parseRole } from '../../src/pg/catalog/schema/roles-query.js';
import { defaultMultirangeName, parseType, type TypeRow } from '../../src/pg/catalog/schema/types-query.js';

describe('parseAcl', () => {
  it('keeps null (default privileges) apart from [] (all revoked)', () => {
    expect(parseAcl(null)).toBeNull();
    expect(parseAcl([])).toEqual([]);
  });

  it('groups aclexplode rows per grantee and grantor, sorted, with PUBLIC as the empty name first', () => {
    expect(parseAcl([
      ['zed', 'owner', 'UPDATE', false],
      ['zed', 'owner', 'SELECT', true],
      ['', 'owner', 'SELECT', false],
      ['zed', 'other', 'INSERT', false],
    ])).toEqual([
      { grantee: '', grantor: 'owner', privileges: ['SELECT'], grantable: [] },
      { grantee: 'zed', grantor: 'other', privileges: ['INSERT'], grantable: [] },
      { grantee: 'zed', grantor: 'owner', privileges: ['SELECT', 'UPDATE'], grantable: ['SELECT'] },
    ]);
  });
});

const COLUMN: ColumnRow = {
  relation: 'pg_class:16400', attrdef_token: null, name: 'id', type: 'bigint', coll_schema: null, coll_name: null,
  not_null: true, not_null_name: null, not_null_validated: null, expression: null, identity: '', identity_sequence: null, generated: '',
  storage: null, statistics_target: null, options: null, compression: null, inherited_count: 0, is_local: true, acl: null, comment: null,
};

describe('parseColumn', () => {
  it('reads an identity column with its sequence options', () => {
    const parsed = parseColumn({
      ...COLUMN, identity: 'd',
      identity_sequence: ['My Schema', 't_id_seq', { data_type: 'bigint', start: '5', increment: '2', min: '1', max: '99', cache: '1', cycle: false }],
    });
    expect(parsed.relation).toBe('pg_class:16400');
    expect(parsed.value.identity).toEqual({
      kind: 'd', sequence: '"My Schema".t_id_seq',
      options: { dataType: 'bigint', start: '5', increment: '2', min: '1', max: '99', cache: '1', cycle: false },
    });
    expect(parsed.value.default).toBeNull();
  });

  it('puts the expression under generated for a generated column and under default otherwise', () => {
    const generated = parseColumn({ ...COLUMN, attrdef_token: 'pg_attrdef:17000', expression: '(a * 2)', generated: 'v' });
    expect(generated.value.generated).toEqual({ kind: 'v', expression: '(a * 2)' });
    expect(generated.value.default).toBeNull();
    expect(generated.tokens).toEqual(['pg_attrdef:17000']);
    const plain = parseColumn({ ...COLUMN, expression: "'x'::text" });
    expect(plain.value).toMatchObject({ default: "'x'::text", generated: null });
  });

  it('quotes the collation with the shared helper and keeps the PG18 NOT NULL name', () => {
    const parsed = parseColumn({ ...COLUMN, coll_schema: 'pg_catalog', coll_name: 'C', not_null_name: 't_id_not_null' });
    expect(parsed.value).toMatchObject({ collation: 'pg_catalog."C"', notNull: true, notNullName: 't_id_not_null' });
    expect(parsed.value).not.toHaveProperty('notNullValidated');
  });

  it('keeps per-column options (sorted) and compression only when set', () => {
    const parsed = parseColumn({ ...COLUMN, options: ['n_distinct_inherited=-0.5', 'n_distinct=100'], compression: 'pglz' });
    expect(parsed.value).toMatchObject({ options: ['n_distinct=100', 'n_distinct_inherited=-0.5'], compression: 'pglz' });
    const plain = parseColumn({ ...COLUMN, options: [] });
    expect(plain.value).not.toHaveProperty('options');
    expect(plain.value).not.toHaveProperty('compression');
  });

  it('marks a PG18 NOT VALID NOT NULL, and only that', () => {
    expect(parseColumn({ ...COLUMN, not_null_name: 'nn', not_null_validated: false }).value.notNullValidated).toBe(false);
    expect(parseColumn({ ...COLUMN, not_null_name: 'nn', not_null_validated: true }).value).not.toHaveProperty('notNullValidated');
  });
});

const TYPE: TypeRow = {
  tokens: ['pg_type:17001'], schema: 'app', name: 't', typtype: 'd', owner: 'o', acl: null, comment: null, labels: null,
  base_type: 'integer', not_null: false, default: null, coll_schema: null, coll_name: null, domain_constraints: [],
  attributes: null, subtype: null, subtype_opclass: null, canonical: null, subtype_diff: null, multirange_schema: null, multirange_name: null,
};

describe('parseType', () => {
  it("folds a PG17+ domain NOT NULL constraint (contype 'n') into notNull, so 16 and 17 read the same", () => {
    const on17 = parseType({ ...TYPE, not_null: true, domain_constraints: [['t_not_null', 'NOT NULL', true, 'n', null], ['pos', 'CHECK (VALUE > 0)', false, 'c', 'why']] });
    const on16 = parseType({ ...TYPE, not_null: true, domain_constraints: [['pos', 'CHECK (VALUE > 0)', false, 'c', 'why']] });
    expect(on17.value).toEqual(on16.value);
    expect(on17.value.type).toEqual({
      variant: 'domain', baseType: 'integer', notNull: true, default: null, collation: null,
      constraints: [{ name: 'pos', definition: 'CHECK (VALUE > 0)', validated: false, comment: 'why' }],
    });
  });

  it('names a range\'s multirange only when it is not the default name', () => {
    expect(defaultMultirangeName('floatrange')).toBe('floatmultirange');
    expect(defaultMultirangeName('span')).toBe('span_multirange');
    const range = { ...TYPE, typtype: 'r' as const, subtype: 'double precision', subtype_opclass: ['app', 'My Ops'] as const };
    expect(parseType({ ...range, name: 'floatrange', multirange_schema: 'app', multirange_name: 'floatmultirange' }).value.type)
      .toMatchObject({ multirangeName: null, subtypeOpclass: 'app."My Ops"' });
    expect(parseType({ ...range, name: 'floatrange', multirange_schema: 'app', multirange_name: 'many_floats' }).value.type)
      .toMatchObject({ multirangeName: 'app.many_floats' });
  });

  it('reads enum labels in their sort order and composite attributes with collations', () => {
    expect(parseType({ ...TYPE, typtype: 'e', labels: ['b', 'a'] }).value.type).toEqual({ variant: 'enum', labels: ['b', 'a'] });
    expect(parseType({ ...TYPE, typtype: 'c', attributes: [['x', 'text', 'pg_catalog', 'C', 'the x'], ['y', 'integer', null, null, null]] }).value.type).toEqual({
      variant: 'composite',
      attributes: [{ name: 'x', type: 'text', collation: 'pg_catalog."C"', comment: 'the x' }, { name: 'y', type: 'integer', collation: null, comment: null }],
    });
  });
});

describe('functions and aggregates', () => {
  it('drops the IN that 14+ prints before a procedure\'s arguments, so the key is the same on 12-13', () => {
    expect(procedureIdentity('IN n integer, IN "IN x" text')).toBe('n integer, "IN x" text');
    expect(procedureIdentity('INOUT n integer, OUT r text')).toBe('INOUT n integer, OUT r text');
    const row = {
      token: 'pg_proc:17002', schema: 'app', name: 'p', kind: 'p' as const, identity_arguments: 'IN n integer', definition: 'CREATE …',
      aggregate: null, language: 'sql', owner: 'o', acl: null, comment: null,
    };
    expect(parseFunction(row).value).toMatchObject({ key: 'function:app.p(n integer)', identityArguments: 'n integer' });
    expect(parseFunction({ ...row, kind: 'f' }).value.key).toBe('function:app.p(IN n integer)');
  });

  const AGG: AggregateParts = {
    arguments: 'integer', kind: 'n', parallel: 'u', sfunc: 'int4pl', stype: 'integer', sspace: 0, finalfunc: null,
    finalExtra: false, finalModify: 'r', combinefunc: null, serialfunc: null, deserialfunc: null, initcond: null,
    msfunc: null, minvfunc: null, mstype: null, msspace: 0, mfinalfunc: null, mfinalExtra: false, mfinalModify: 'r',
    minitcond: null, sortop: null,
  };

  it('prints CREATE AGGREGATE with only the options that differ from the defaults', () => {
    expect(aggregateDefinition('app', 'total', AGG)).toBe('CREATE OR REPLACE AGGREGATE app.total(integer) (\n    SFUNC = int4pl,\n    STYPE = integer\n)');
    expect(aggregateDefinition('My App', 'big', {
      ...AGG, finalfunc: 'app.fin', finalExtra: true, finalModify: 'w', combinefunc: 'int4pl', initcond: "it's",
      msfunc: 'int4pl', minvfunc: 'int4mi', mstype: 'integer', sortop: ['pg_catalog', '>'], parallel: 's',
    })).toBe([
      'CREATE OR REPLACE AGGREGATE "My App".big(integer) (',
      '    SFUNC = int4pl,', '    STYPE = integer,', '    FINALFUNC = app.fin,', '    FINALFUNC_EXTRA,',
      '    FINALFUNC_MODIFY = READ_WRITE,', '    COMBINEFUNC = int4pl,', "    INITCOND = 'it''s',", '    MSFUNC = int4pl,',
      '    MINVFUNC = int4mi,', '    MSTYPE = integer,', '    SORTOP = OPERATOR(pg_catalog.>),', '    PARALLEL = SAFE', ')',
    ].join('\n'));
  });

  it('treats READ_WRITE as the default final-function mode of ordered-set aggregates', () => {
    const text = aggregateDefinition('app', 'pct', { ...AGG, kind: 'h', arguments: 'VARIADIC "any" ORDER BY VARIADIC "any"', finalfunc: 'app.f', finalModify: 'w' });
    expect(text).not.toContain('FINALFUNC_MODIFY');
    expect(text).toContain('HYPOTHETICAL');
  });
});

describe('other parsers', () => {
  it('prints operator-class members', () => {
    expect(memberText(['OPERATOR', 1, 'app.<(integer,integer)', null, null])).toBe('OPERATOR 1 app.<(integer,integer)');
    expect(memberText(['OPERATOR', 15, 'app.<->(point,point)', 'pg_catalog', 'float_ops'])).toBe('OPERATOR 15 app.<->(point,point) FOR ORDER BY pg_catalog.float_ops');
    expect(memberText(['FUNCTION', 1, 'integer', 'integer', 'app.cmp(integer,integer)'])).toBe('FUNCTION 1 (integer, integer) app.cmp(integer,integer)');
  });

  it('marks a constraint made by a parent as inherited and keys its referenced table', () => {
    const parsed = parseConstraint({
      relation: 'pg_class:1', token: 'pg_constraint:2', name: 'fk', type: 'f', definition: 'FOREIGN KEY …', deferrable: false,
      deferred: false, validated: true, is_local: true, has_parent: true, no_inherit: false, references: ['Sales', 'order'], comment: null,
    });
    expect(parsed.value).toMatchObject({ inherited: true, references: 'table:"Sales"."order"' });
  });

  it('splits settings at the first = and sorts them (database, role, default privileges)', () => {
    const db = parseDatabase({
      server_version_num: 170004, name: 'd', owner: 'o', encoding: 'UTF8', collate: 'C', ctype: 'C', locale_provider: 'b',
      locale: 'C.UTF-8', acl: null, comment: null, settings: [['r', 'search_path=a,b=c'], [null, 'work_mem=4MB']],
    });
    expect(db.settings).toEqual([{ role: null, name: 'work_mem', value: '4MB' }, { role: 'r', name: 'search_path', value: 'a,b=c' }]);
    expect(db.localeProvider).toBe('b');
    const role = parseRole({
      name: 'r', superuser: false, createdb: false, createrole: false, inherit: true, login: true, replication: false,
      bypassrls: false, connection_limit: -1, valid_until: null, settings: ['z=1', 'a=x=y'],
      member_of: [['b', false, true, true], ['a', true, null, null], ['b', false, true, true]],
    });
    expect(role.settings).toEqual([{ name: 'a', value: 'x=y' }, { name: 'z', value: '1' }]);
    expect(role.memberOf).toEqual([{ role: 'a', admin: true, inherit: null, set: null }, { role: 'b', admin: false, inherit: true, set: true }]);
    expect(parseDefaultPrivileges([
      { role: 'r', schema: 's', object_type: 'r', acl: [] },
      { role: 'r', schema: null, object_type: 'f', acl: [['', 'r', 'EXECUTE', false]] },
    ]).map((d) => [d.schema, d.objectType])).toEqual([[null, 'f'], ['s', 'r']]);
  });
});
