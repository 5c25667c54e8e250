// Cross-major spellings found by introspecting one fixture on 12..18, each with its mutation pair.
import { describe, expect, it } from 'vitest';
import type { CollationObject, ExtensionObject, FunctionObject, SchemaModel, ViewObject } from '../../src/model/schema.js';
import { functionKey, objectKey } from '../../src/model/object-key.js';
import { unqualifySingleRelation } from '../../src/schema/normalise-view-text.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { OPEN_ORDERS, baseModel } from './schema-diff-base.js';

const createDdl = (model: SchemaModel): { sql: string; transactional: boolean; phase: 'pre-data'; object: string }[] =>
  model.objects.map((o) => ({ sql: `CREATE ${o.key}`, transactional: true, phase: 'pre-data', object: o.key }));
const at = (major: number, ...objects: SchemaModel['objects']): SchemaModel => ({ ...baseModel(), serverVersionNum: major * 10_000 + 1, objects });
const diff = (d: SchemaModel, a: SchemaModel): string[] =>
  diffSchemas(d, a, { targetMajor: Math.floor(a.serverVersionNum / 10_000), createDdl }).map((c) => `${c.action} ${c.key}`);

describe('view definitions: 16+ leaves single-relation column references unqualified', () => {
  const view = (definition: string): ViewObject => ({ ...OPEN_ORDERS, key: objectKey('view', 'fx', 'v'), schema: 'fx', name: 'v', deps: [], definition });
  it('rewrites the ≤15 spelling into the 16+ one, quoted names and aliases included', () => {
    expect(unqualifySingleRelation(" SELECT customers.id,\n    customers.name\n   FROM fx.customers\n  WHERE (customers.updated_at IS NULL);"))
      .toBe(" SELECT id,\n    name\n   FROM fx.customers\n  WHERE (updated_at IS NULL);");
    expect(unqualifySingleRelation(' SELECT "Order Lines"."Line No",\n    "Order Lines"."select"\n   FROM "Sales Dept"."Order Lines";'))
      .toBe(' SELECT "Line No",\n    "select"\n   FROM "Sales Dept"."Order Lines";');
    expect(unqualifySingleRelation(' SELECT c.id\n   FROM fx.customers c\n  GROUP BY c.id;')).toBe(' SELECT id\n   FROM fx.customers c\n  GROUP BY id;');
  });
  it('leaves literals, joins, subqueries and other relations alone', () => {
    const literal = " SELECT customers.id\n   FROM fx.customers\n  WHERE (customers.note = 'customers.x'::text);";
    expect(unqualifySingleRelation(literal)).toBe(" SELECT id\n   FROM fx.customers\n  WHERE (note = 'customers.x'::text);");
    for (const kept of [
      ' SELECT a.id\n   FROM (fx.a\n     JOIN fx.b ON ((a.id = b.id)));',
      ' SELECT a.id\n   FROM fx.a\n  WHERE (a.id IN ( SELECT b.id\n           FROM fx.b));',
      ' SELECT a.id\n   FROM fx.a, fx.b;',
      ' SELECT a.id\n   FROM fx.a\nUNION\n SELECT b.id\n   FROM fx.b;',
    ]) expect(unqualifySingleRelation(kept)).toBe(kept);
  });
  it('15 and 16 printings of one view compare equal; a different column does not', () => {
    const v15 = view(' SELECT customers.id\n   FROM fx.customers;');
    expect(diff(at(15, v15), at(16, view(' SELECT id\n   FROM fx.customers;')))).toEqual([]);
    expect(diff(at(15, v15), at(16, view(' SELECT name\n   FROM fx.customers;')))).toEqual(['update view:fx.v']);
    expect(diff(at(16, view(' SELECT customers.id\n   FROM fx.customers;')), at(16, view(' SELECT id\n   FROM fx.customers;')))).toEqual(['update view:fx.v']);
  });
});

describe('procedures: 14+ prints IN before arguments', () => {
  const proc = (head: string): FunctionObject => ({
    key: functionKey('fx', 'p', 'cutoff numeric'), kind: 'function', schema: 'fx', name: 'p', owner: 'app', acl: null, comment: null, deps: [],
    variant: 'p', identityArguments: 'cutoff numeric', language: 'plpgsql', definition: `${head}\n LANGUAGE plpgsql\nAS $procedure$BEGIN NULL; END$procedure$\n`,
  });
  it('IN is the default mode', () => {
    expect(diff(at(13, proc('CREATE OR REPLACE PROCEDURE fx.p(cutoff numeric)')), at(14, proc('CREATE OR REPLACE PROCEDURE fx.p(IN cutoff numeric)')))).toEqual([]);
  });
  it('INOUT is not IN', () => {
    expect(diff(at(14, proc('CREATE OR REPLACE PROCEDURE fx.p(INOUT cutoff numeric)')), at(14, proc('CREATE OR REPLACE PROCEDURE fx.p(IN cutoff numeric)')))).toEqual(['replace function:fx.p(cutoff numeric)']);
  });
});

describe('ICU collations: ≤14 keeps the locale in collcollate/collctype', () => {
  const coll = (extra: Partial<CollationObject>): CollationObject => ({
    key: objectKey('collation', 'fx', 'de'), kind: 'collation', schema: 'fx', name: 'de', owner: 'app', acl: null, comment: null, deps: [],
    provider: 'i', deterministic: true, collate: null, ctype: null, locale: 'de-DE', icuRules: null, ...extra,
  });
  it('folds into the locale field', () => {
    expect(diff(at(14, coll({ collate: 'de-DE', ctype: 'de-DE', locale: null })), at(15, coll({})))).toEqual([]);
  });
  it('another locale is a difference; libc collations are not touched', () => {
    expect(diff(at(14, coll({ collate: 'de-AT', ctype: 'de-AT', locale: null })), at(15, coll({})))).toEqual(['replace collation:fx.de']);
    expect(diff(at(14, coll({ provider: 'c', collate: 'de_DE', ctype: 'de_DE', locale: null })), at(15, coll({ provider: 'c', locale: 'de_DE' })))).toEqual(['replace collation:fx.de']);
  });
});

describe('extension versions', () => {
  const ext = (version: string): ExtensionObject => ({ key: objectKey('extension', null, 'hstore'), kind: 'extension', schema: null, name: 'hstore', owner: 'app', acl: null, comment: null, deps: [], extSchema: 'public', version });
  it('each major ships its own default version: not compared across majors', () => {
    expect(diff(at(12, ext('1.6')), at(14, ext('1.8')))).toEqual([]);
  });
  it('compared within one major', () => {
    expect(diff(at(14, ext('1.7')), at(14, ext('1.8')))).toEqual(['update extension:hstore']);
  });
});
