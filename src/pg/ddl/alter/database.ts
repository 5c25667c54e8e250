// The database's own schema-level attributes: settings (ALTER DATABASE / ALTER ROLE … IN DATABASE … SET),
// default privileges, grants on the database and its comment. `database` is the target database's name.
import type { DatabaseSetting, DefaultPrivilege } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { settingValueSql } from '../create/database.js';
import type { GrantChange } from './privileges.js';
import { ddl } from './statement.js';

const DEFAULT_ACL_WORD: Readonly<Record<DefaultPrivilege['objectType'], string>> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES', n: 'SCHEMAS' };

/** The object key database-level statements carry. */
export function databaseKey(database: string): string {
  return `database:${quoteIdent(database)}`;
}

function settingHead(database: string, role: string | null): string {
  return role === null ? `ALTER DATABASE ${quoteIdent(database)}` : `ALTER ROLE ${quoteIdent(role)} IN DATABASE ${quoteIdent(database)}`;
}

export function setDatabaseSetting(database: string, s: DatabaseSetting): DdlStatement {
  return ddl(databaseKey(database), `${settingHead(database, s.role)} SET ${quoteIdent(s.name)} TO ${settingValueSql(s.name, s.value)}`, 'post-data');
}

export function resetDatabaseSetting(database: string, s: Pick<DatabaseSetting, 'role' | 'name'>): DdlStatement {
  return ddl(databaseKey(database), `${settingHead(database, s.role)} RESET ${quoteIdent(s.name)}`, 'post-data');
}

export function commentOnDatabase(database: string, comment: string | null): DdlStatement {
  return ddl(databaseKey(database), `COMMENT ON DATABASE ${quoteIdent(database)} IS ${comment === null ? 'NULL' : quoteLiteral(comment)}`, 'post-data');
}

function grantSql(on: string, change: GrantChange, prefix: string): string[] {
  const to = change.grantee === '' ? 'PUBLIC' : quoteIdent(change.grantee);
  const out: string[] = [];
  if (change.revoke.length > 0) out.push(`${prefix}REVOKE ${change.revoke.join(', ')} ON ${on} FROM ${to}`);
  if (change.revokeGrantOption.length > 0) out.push(`${prefix}REVOKE GRANT OPTION FOR ${change.revokeGrantOption.join(', ')} ON ${on} FROM ${to}`);
  const plain = change.grant.filter((p) => !change.grantOption.includes(p));
  if (plain.length > 0) out.push(`${prefix}GRANT ${plain.join(', ')} ON ${on} TO ${to}`);
  if (change.grantOption.length > 0) out.push(`${prefix}GRANT ${change.grantOption.join(', ')} ON ${on} TO ${to} WITH GRANT OPTION`);
  return out;
}

export function databaseGrantStatements(database: string, change: GrantChange): DdlStatement[] {
  return grantSql(`DATABASE ${quoteIdent(database)}`, change, '').map((sql) => ddl(databaseKey(database), sql, 'post-data'));
}

/** `ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] GRANT … ON TABLES TO …` and the REVOKE forms. */
export function defaultPrivilegeStatements(database: string, dp: Pick<DefaultPrivilege, 'role' | 'schema' | 'objectType'>, change: GrantChange): DdlStatement[] {
  const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(dp.role)}${dp.schema === null ? '' : ` IN SCHEMA ${quoteIdent(dp.schema)}`} `;
  return grantSql(DEFAULT_ACL_WORD[dp.objectType], change, prefix).map((sql) => ddl(databaseKey(database), sql, 'post-data'));
}
