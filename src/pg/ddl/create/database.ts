// Post-data for the database itself: default privileges (pg_default_acl), settings (ALTER DATABASE … SET,
// ALTER ROLE … IN DATABASE … SET), grants on the database and its comment.
import type { DatabaseSetting, DefaultPrivilege, SchemaModel } from '../../../model/schema.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { aclStatements } from '../acl.js';
import { type BuildContext, RANK } from '../build-context.js';
import { ddlNode, type DdlNode } from '../node.js';
import type { AclKind } from '../privileges.js';

const DEFAULT_ACL_KIND: Readonly<Record<DefaultPrivilege['objectType'], { readonly kind: AclKind; readonly word: string }>> = {
  r: { kind: 'table', word: 'TABLES' },
  S: { kind: 'sequence', word: 'SEQUENCES' },
  f: { kind: 'function', word: 'FUNCTIONS' },
  T: { kind: 'type', word: 'TYPES' },
  n: { kind: 'schema', word: 'SCHEMAS' },
};

/** Settings whose value is a list of separately quoted items (GUC_LIST_QUOTE), as pg_dump treats them. */
const LIST_QUOTE_SETTINGS = new Set(['local_preload_libraries', 'search_path', 'session_preload_libraries', 'shared_preload_libraries', 'temp_tablespaces', 'unix_socket_directories']);

/** Splits a stored list value (`app, "My Schema", public`) into its items, double quotes removed. */
export function splitSettingList(value: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === ' ' || value[i] === ',') i++;
    if (i >= value.length) break;
    let item = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') { item += '"'; i += 2; } else if (value[i] === '"') { i++; break; } else item += value[i++];
      }
      while (i < value.length && value[i] !== ',') i++;
    } else {
      while (i < value.length && value[i] !== ',') item += value[i++];
      item = item.trim();
    }
    items.push(item);
  }
  return items;
}

export function settingValueSql(name: string, value: string): string {
  if (LIST_QUOTE_SETTINGS.has(name.toLowerCase())) {
    const items = splitSettingList(value);
    return items.length === 0 ? "''" : items.map(quoteLiteral).join(', ');
  }
  return quoteLiteral(value);
}

function settingSql(database: string, s: DatabaseSetting): string {
  const head = s.role === null ? `ALTER DATABASE ${quoteIdent(database)}` : `ALTER ROLE ${quoteIdent(s.role)} IN DATABASE ${quoteIdent(database)}`;
  return `${head} SET ${quoteIdent(s.name)} TO ${settingValueSql(s.name, s.value)}`;
}

function defaultPrivilegeNodes(dp: DefaultPrivilege, index: number, ctx: BuildContext): DdlNode[] {
  const key = `default-privileges:${quoteIdent(dp.role)}${dp.schema === null ? '' : ` IN SCHEMA ${quoteIdent(dp.schema)}`} ON ${DEFAULT_ACL_KIND[dp.objectType].word}`;
  const role = ctx.mapRole(dp.role);
  if (role === null) {
    ctx.warn(key, `default privileges of role ${dp.role} left out (role not on the target)`);
    return [];
  }
  const { kind, word } = DEFAULT_ACL_KIND[dp.objectType];
  const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(role)}${dp.schema === null ? '' : ` IN SCHEMA ${quoteIdent(dp.schema)}`} `;
  const sql = aclStatements(
    // Per-schema entries only add to the global ones; a global entry replaces the built-in default.
    { kind, on: word, owner: dp.role, targetOwner: role, label: key, noDefaults: dp.schema !== null },
    dp.acl,
    { sourceMajor: ctx.sourceMajor, targetMajor: ctx.targetMajor, mapRole: ctx.mapRole, warn: (m) => ctx.warn(key, m) },
  );
  const after = dp.schema === null ? [] : [`schema:${quoteIdent(dp.schema)}#create`];
  return sql.map((s, i) => ddlNode(key, `acl:${index}:${i}`, 'post-data', RANK.defaultPrivileges, prefix + s, [...after, ...(i > 0 ? [`${key}#acl:${index}:${i - 1}`] : [])]));
}

/** The database's own statements; `database` is the target database's name (it may be renamed). */
export function databaseNodes(model: SchemaModel, database: string, targetOwner: string, ctx: BuildContext): DdlNode[] {
  const key = `database:${quoteIdent(database)}`;
  const out: DdlNode[] = model.defaultPrivileges.flatMap((dp, i) => defaultPrivilegeNodes(dp, i, ctx));
  model.database.settings.forEach((s, i) => {
    if (s.role !== null && ctx.mapRole(s.role) === null) {
      ctx.warn(key, `setting ${s.name} of role ${s.role} left out (role not on the target)`);
      return;
    }
    out.push(ddlNode(key, `setting:${i}`, 'post-data', RANK.databaseSettings, settingSql(database, s)));
  });
  const acl = aclStatements(
    { kind: 'database', on: `DATABASE ${quoteIdent(database)}`, owner: model.database.owner, targetOwner, label: key },
    model.database.acl,
    { sourceMajor: ctx.sourceMajor, targetMajor: ctx.targetMajor, mapRole: ctx.mapRole, warn: (m) => ctx.warn(key, m), keepGrantors: ctx.roles === 'copy' },
  );
  out.push(...acl.map((s, i) => ddlNode(key, `acl:${i}`, 'post-data', RANK.databaseAcl, s, i > 0 ? [`${key}#acl:${i - 1}`] : [])));
  if (model.database.comment !== null) {
    out.push(ddlNode(key, 'comment', 'post-data', RANK.comment, `COMMENT ON DATABASE ${quoteIdent(database)} IS ${quoteLiteral(model.database.comment)}`));
  }
  return out;
}
