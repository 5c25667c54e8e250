// Makes two models comparable: sorted lists, and what the server printed or defaulted differently across majors
// for the same schema folded into one form. Each fold is narrow (an exact default pattern, an exact generated
// name), so a real difference survives it; test/unit/normalise-*.test.ts holds a mutation pair for each. Pure.
import type {
  AclEntry, CollationObject, Column, Constraint, DomainConstraint, FunctionObject, ObjectBase, SchemaModel, SchemaObjectAny, TableObject, TypeObject, ViewObject,
} from '../model/schema.js';
import { aclEqual, defaultAcl, hasPrivileges, sortAcl } from './diff/default-acl.js';
import { UNQUALIFIED_VIEW_COLUMNS_FIRST_MAJOR, unqualifySingleRelation } from './normalise-view-text.js';

/** PostgreSQL 15 made `pg_database_owner` the owner of schema public and took CREATE from PUBLIC. */
export const PUBLIC_SCHEMA_OWNER_FIRST_MAJOR = 15;
/** NAMEDATALEN - 1. */
const NAME_MAX_BYTES = 63;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.name, b.name));
}

/** `pg_get_viewdef` and friends end with `;` and start with a space on some majors: neither means anything. */
export function normaliseDefinition(text: string): string {
  return text.trim().replace(/;$/, '').trimEnd();
}

function acl(entries: readonly AclEntry[] | null): readonly AclEntry[] | null {
  return entries === null ? null : sortAcl(entries);
}

/**
 * An explicit ACL equal to the kind's default for its owner means what a null one means (a GRANT later revoked
 * leaves one behind; 17+ adds MAINTAIN to the owner's default, so the same table prints differently on 16 and 17).
 */
function objectAcl(obj: ObjectBase, major: number): readonly AclEntry[] | null {
  if (obj.acl === null || obj.owner === null || !hasPrivileges(obj.kind)) return acl(obj.acl);
  return aclEqual(obj.acl, defaultAcl(obj.kind, obj.owner, major)) ? null : sortAcl(obj.acl);
}

/** Owner and ACL of schema public as 15+ creates it; ≤14's server default is folded into this form. */
const PUBLIC_SCHEMA_DEFAULT_OWNER = 'pg_database_owner';
const PUBLIC_SCHEMA_DEFAULT_ACL: readonly AclEntry[] = [
  { grantee: '', grantor: PUBLIC_SCHEMA_DEFAULT_OWNER, privileges: ['USAGE'], grantable: [] },
  { grantee: PUBLIC_SCHEMA_DEFAULT_OWNER, grantor: PUBLIC_SCHEMA_DEFAULT_OWNER, privileges: ['CREATE', 'USAGE'], grantable: [] },
];

/** The ACL and owner initdb gives schema public: ≤14 its bootstrap superuser with CREATE+USAGE for PUBLIC, 15+ pg_database_owner with USAGE. */
function isServerDefaultPublicSchema(obj: SchemaObjectAny, model: SchemaModel): boolean {
  if (obj.kind !== 'schema' || obj.name !== 'public' || obj.owner === null || obj.acl === null) return false;
  const major = Math.floor(model.serverVersionNum / 10_000);
  const owner = obj.owner;
  if (major >= PUBLIC_SCHEMA_OWNER_FIRST_MAJOR) {
    return owner === 'pg_database_owner' && aclEqual(obj.acl, [
      { grantee: owner, grantor: owner, privileges: ['CREATE', 'USAGE'], grantable: [] },
      { grantee: '', grantor: owner, privileges: ['USAGE'], grantable: [] },
    ]);
  }
  const role = model.roles.find((r) => r.name === owner);
  return role !== undefined && role.superuser && aclEqual(obj.acl, [
    { grantee: owner, grantor: owner, privileges: ['CREATE', 'USAGE'], grantable: [] },
    { grantee: '', grantor: owner, privileges: ['CREATE', 'USAGE'], grantable: [] },
  ]);
}

/** Longest prefix of `text` that fits `bytes` UTF-8 bytes without splitting a character. */
function clipBytes(text: string, bytes: number): string {
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}

/** The server's makeObjectName(): `name1_name2_label`, the longer name cut first until it fits 63 bytes. */
export function makeObjectName(name1: string, name2: string, label: string): string {
  const available = NAME_MAX_BYTES - Buffer.byteLength(label) - 2;
  let n1 = Buffer.byteLength(name1);
  let n2 = Buffer.byteLength(name2);
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clipBytes(name1, n1)}_${clipBytes(name2, n2)}_${label}`;
}

/**
 * PG18 names every NOT NULL constraint it makes up `<table>_<column>_not_null` (`…_not_null1`, … on a clash);
 * earlier majors name none, so only such made-up names are folded, never one a user chose.
 */
function isGeneratedNotNullName(table: TableObject, column: string, name: string): boolean {
  const suffix = /^not_null(\d*)$/.exec(name.slice(name.lastIndexOf('_not_null') + 1));
  if (suffix === null) return false;
  return name === makeObjectName(table.name, column, `not_null${suffix[1] ?? ''}`);
}

function column(table: TableObject, c: Column): Column {
  const notNullName = c.notNullName !== null && isGeneratedNotNullName(table, c.name, c.notNullName) ? null : c.notNullName;
  return { ...c, notNullName, default: c.default, acl: acl(c.acl) };
}

function constraint(c: Constraint): Constraint {
  return { ...c, definition: normaliseDefinition(c.definition) };
}

function table(t: TableObject): TableObject {
  return {
    ...t,
    columns: t.columns.map((c) => column(t, c)),
    // PG18 may list named NOT NULL constraints ('n'); they are the columns' flags already.
    constraints: byName(t.constraints.filter((c) => (c.type as string) !== 'n').map(constraint)),
    indexes: byName(t.indexes),
    triggers: byName(t.triggers),
    policies: byName(t.policies.map((p) => ({ ...p, roles: [...p.roles].sort() }))),
    rules: byName(t.rules.map((r) => ({ ...r, definition: normaliseDefinition(r.definition) }))),
    options: [...t.options].sort(),
    inherits: [...t.inherits],
  };
}

/** 17+ lists a domain's NOT NULL as a constraint named like any other; fold it into the flag as ≤16 has it. */
function typeObject(t: TypeObject): TypeObject {
  if (t.type.variant !== 'domain') return t;
  const isNotNull = (c: DomainConstraint): boolean => c.definition.trim() === 'NOT NULL';
  const notNull = t.type.notNull || t.type.constraints.some(isNotNull);
  const constraints = byName(t.type.constraints.filter((c) => !isNotNull(c)).map((c) => ({ ...c, definition: normaliseDefinition(c.definition) })));
  return { ...t, type: { ...t.type, notNull, constraints } };
}

function view(v: ViewObject, major: number): ViewObject {
  const definition = normaliseDefinition(v.definition);
  return {
    ...v,
    definition: major < UNQUALIFIED_VIEW_COLUMNS_FIRST_MAJOR ? unqualifySingleRelation(definition) : definition,
    columns: v.columns.map((c) => ({ ...c, acl: acl(c.acl) })),
    options: [...v.options].sort(),
    indexes: byName(v.indexes),
    triggers: byName(v.triggers),
    rules: byName(v.rules.map((r) => ({ ...r, definition: normaliseDefinition(r.definition) }))),
  };
}

/**
 * 14+ prints a procedure's argument modes, IN included (procedures got OUT arguments in 14); IN is the default,
 * so `(IN cutoff numeric)` and 13's `(cutoff numeric)` are one signature. Only the CREATE line is touched.
 */
function functionDefinition(fn: FunctionObject): string {
  const text = normaliseDefinition(fn.definition);
  if (fn.variant !== 'p') return text;
  const newline = text.indexOf('\n');
  const head = newline < 0 ? text : text.slice(0, newline);
  return head.replace(/([(,]\s*)IN /g, '$1') + (newline < 0 ? '' : text.slice(newline));
}

/** ≤14 keeps an ICU collation's locale in collcollate/collctype; 15+ in its own column. */
function collation(c: CollationObject): CollationObject {
  if (c.provider !== 'i' || c.locale !== null || c.collate === null || c.collate !== c.ctype) return c;
  return { ...c, locale: c.collate, collate: null, ctype: null };
}

function object(obj: SchemaObjectAny, model: SchemaModel): SchemaObjectAny {
  const major = Math.floor(model.serverVersionNum / 10_000);
  const base = { deps: [...new Set(obj.deps)].sort(compareText) };
  // Each major's own default for schema public reads as 15+'s, so ≤14's CREATE for PUBLIC is never copied to 15+.
  if (isServerDefaultPublicSchema(obj, model)) return { ...obj, ...base, owner: PUBLIC_SCHEMA_DEFAULT_OWNER, acl: PUBLIC_SCHEMA_DEFAULT_ACL };
  const withBase = { ...obj, ...base, acl: objectAcl(obj, major) } as SchemaObjectAny;
  switch (withBase.kind) {
    case 'table': return table(withBase);
    case 'type': return typeObject(withBase);
    case 'view': case 'matview': return view(withBase, major);
    case 'function': return { ...withBase, definition: functionDefinition(withBase) };
    case 'collation': return collation(withBase);
    case 'opfamily': case 'opclass': return { ...withBase, members: [...withBase.members].sort() };
    default: return withBase;
  }
}

/** The model with lists sorted and cross-major spellings of the same schema folded into one. */
export function normaliseModel(model: SchemaModel): SchemaModel {
  return {
    ...model,
    objects: model.objects.map((o) => object(o, model)).sort((a, b) => compareText(a.key, b.key)),
    defaultPrivileges: [...model.defaultPrivileges]
      .map((d) => ({ ...d, acl: sortAcl(d.acl) }))
      .sort((a, b) => compareText(`${a.role}\0${a.schema ?? ''}\0${a.objectType}`, `${b.role}\0${b.schema ?? ''}\0${b.objectType}`)),
    roles: byName(model.roles),
  };
}
