// The database's schema-level attributes as one change (plan address `target.database.<key>`): settings, default
// privileges, grants on the database and its comment. Its owner, encoding and locale belong to the database
// resource itself, not to the schema diff. Statements name the target's database (it may be renamed).
import type { AclEntry, DatabaseSetting, DefaultPrivilege, SchemaModel } from '../../model/schema.js';
import {
  commentOnDatabase, databaseGrantStatements, databaseKey, defaultPrivilegeStatements, resetDatabaseSetting, setDatabaseSetting,
} from '../../pg/ddl/alter/database.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import { ChangeBuilder } from './change-builder.js';
import { defaultAcl } from './default-acl.js';
import { aclAfterOwnerChange, diffAcl, maintainComparable } from './diff-acl.js';
import type { DiffContext } from './diff-context.js';
import type { SchemaChange } from './types.js';

const DEFAULT_ACL_KIND = { r: 'table', S: 'sequence', f: 'function', T: 'type', n: 'schema' } as const;

/** acldefault('d', owner): the owner has CREATE, TEMPORARY and CONNECT, PUBLIC TEMPORARY and CONNECT. */
function databaseDefaultAcl(owner: string): readonly AclEntry[] {
  return [
    { grantee: '', grantor: owner, privileges: ['CONNECT', 'TEMPORARY'], grantable: [] },
    { grantee: owner, grantor: owner, privileges: ['CONNECT', 'CREATE', 'TEMPORARY'], grantable: [] },
  ];
}

function settingKey(s: Pick<DatabaseSetting, 'role' | 'name'>): string {
  return `${s.role ?? ''}\0${s.name}`;
}

function dpKey(d: Pick<DefaultPrivilege, 'role' | 'schema' | 'objectType'>): string {
  return `${d.role}\0${d.schema ?? ''}\0${d.objectType}`;
}

/** A global entry replaces the built-in default (so a missing one means that default); a per-schema one adds to it. */
function dpAcl(d: Pick<DefaultPrivilege, 'role' | 'schema' | 'objectType'>, entry: DefaultPrivilege | undefined, major: number): readonly AclEntry[] {
  if (entry !== undefined) return entry.acl;
  return d.schema === null ? defaultAcl(DEFAULT_ACL_KIND[d.objectType], d.role, major) : [];
}

export function diffDatabase(desired: SchemaModel, actual: SchemaModel, ctx: DiffContext): SchemaChange | null {
  const database = actual.database.name;
  const out = new ChangeBuilder();
  const want = new Map(desired.database.settings.map((s) => [settingKey(s), s]));
  const have = new Map(actual.database.settings.map((s) => [settingKey(s), s]));
  const who = (s: Pick<DatabaseSetting, 'role'>): string => (s.role === null ? '' : ` for role ${quoteIdent(s.role)}`);
  for (const [k, s] of have) if (!want.has(k)) out.add(`setting ${s.name}${who(s)} reset`, [resetDatabaseSetting(database, s)]);
  for (const [k, s] of want) {
    const h = have.get(k);
    if (h === undefined || h.value !== s.value) out.add(`setting ${s.name}${who(s)} = ${s.value}`, [setDatabaseSetting(database, s)]);
  }

  const compareMaintain = maintainComparable(ctx.desiredMajor, ctx.targetMajor);
  const wantDp = new Map(desired.defaultPrivileges.map((d) => [dpKey(d), d]));
  const haveDp = new Map(actual.defaultPrivileges.map((d) => [dpKey(d), d]));
  const keys = [...new Set([...wantDp.keys(), ...haveDp.keys()])].sort();
  for (const k of keys) {
    const d = (wantDp.get(k) ?? haveDp.get(k)) as DefaultPrivilege;
    const changes = diffAcl({ desired: dpAcl(d, wantDp.get(k), ctx.desiredMajor), actual: dpAcl(d, haveDp.get(k), ctx.actualMajor), compareMaintain });
    for (const change of changes) {
      const where = d.schema === null ? '' : ` in schema ${quoteIdent(d.schema)}`;
      out.add(`default privileges of ${quoteIdent(d.role)}${where} on ${DEFAULT_ACL_KIND[d.objectType]}s for ${change.grantee === '' ? 'PUBLIC' : change.grantee} changed`,
        defaultPrivilegeStatements(database, d, change));
    }
  }

  if (desired.database.acl !== null || actual.database.acl !== null) {
    // The database keeps its own owner here: the source owner's entries are compared as the target owner's.
    const desiredAcl = aclAfterOwnerChange(desired.database.acl ?? databaseDefaultAcl(desired.database.owner), desired.database.owner, actual.database.owner);
    const actualAcl = actual.database.acl ?? databaseDefaultAcl(actual.database.owner);
    for (const change of diffAcl({ desired: desiredAcl, actual: actualAcl, compareMaintain })) {
      out.add(`privileges on the database of ${change.grantee === '' ? 'PUBLIC' : change.grantee} changed`, databaseGrantStatements(database, change));
    }
  }
  if (desired.database.comment !== actual.database.comment) out.add('database comment changed', [commentOnDatabase(database, desired.database.comment)]);

  if (out.empty) return null;
  return {
    key: databaseKey(database), kind: 'database', schema: null, addressName: database, action: 'update', destructive: false,
    before: null, after: null, teardown: [], statements: out.statements, reasons: out.reasons,
  };
}
