// Roles the schema needs (owners, grantees, policy roles) that the target lacks: created, never altered or
// dropped. Attributes the applying role may not grant are left out with a warning; passwords are never copied
// (managed services hide them): LOGIN roles come back with the line to run.
import type { RoleInfo } from '../../model/schema.js';
import type { Diagnostic } from '../../util/errors.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { settingValueSql } from './create/database.js';
import type { DdlStatement } from './types.js';

/** PostgreSQL 16 is the first with INHERIT/SET options on a membership (GRANT … WITH INHERIT …, SET …). */
export const MEMBERSHIP_OPTIONS_FIRST_MAJOR = 16;

export interface RoleDdlOptions {
  readonly canGrantSuperuser: boolean;
  readonly canGrantReplication: boolean;
  readonly canGrantBypassRls: boolean;
  /** 16+: a CREATEROLE role may give CREATEDB only when it has it. Default true. */
  readonly canGrantCreatedb?: boolean;
  /** Default 16: membership INHERIT/SET options are written only for 16+ targets. */
  readonly targetMajor?: number;
}

export interface PasswordlessLogin {
  readonly role: string;
  /** The statement to run by hand, with a placeholder to replace. */
  readonly sql: string;
}

export interface RoleDdlResult {
  /** CREATE ROLE, then memberships, then role settings; phase pre-data, object `role:<name>`. */
  readonly statements: readonly DdlStatement[];
  readonly warnings: readonly Diagnostic[];
  readonly passwordless: readonly PasswordlessLogin[];
}

function roleKey(name: string): string {
  return `role:${quoteIdent(name)}`;
}

function statement(role: string, sql: string): DdlStatement {
  return { sql, transactional: true, phase: 'pre-data', object: roleKey(role) };
}

export function buildRoleDdl(roles: readonly RoleInfo[], existing: readonly string[], opts: RoleDdlOptions): RoleDdlResult {
  const have = new Set(existing);
  const missing = [...roles].filter((r) => !have.has(r.name) && !r.name.startsWith('pg_')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const creating = new Set(missing.map((r) => r.name));
  const warnings: Diagnostic[] = [];
  const warn = (role: string, message: string): void => { warnings.push({ severity: 'warning', message: `${roleKey(role)}: ${message}` }); };
  const creates: DdlStatement[] = [];
  const grants: DdlStatement[] = [];
  const settings: DdlStatement[] = [];
  const passwordless: PasswordlessLogin[] = [];
  const targetMajor = opts.targetMajor ?? MEMBERSHIP_OPTIONS_FIRST_MAJOR;
  for (const r of missing) {
    const attrs: string[] = [];
    const restricted = (flag: boolean, allowed: boolean, word: string): void => {
      if (!flag) return;
      if (allowed) attrs.push(word);
      else warn(r.name, `created without ${word}: the target role may not grant it`);
    };
    restricted(r.superuser, opts.canGrantSuperuser, 'SUPERUSER');
    restricted(r.createdb, opts.canGrantCreatedb ?? true, 'CREATEDB');
    if (r.createrole) attrs.push('CREATEROLE');
    attrs.push(r.inherit ? 'INHERIT' : 'NOINHERIT');
    attrs.push(r.login ? 'LOGIN' : 'NOLOGIN');
    restricted(r.replication, opts.canGrantReplication, 'REPLICATION');
    restricted(r.bypassrls, opts.canGrantBypassRls, 'BYPASSRLS');
    if (r.connectionLimit !== -1) attrs.push(`CONNECTION LIMIT ${r.connectionLimit}`);
    if (r.validUntil !== null) attrs.push(`VALID UNTIL ${quoteLiteral(r.validUntil)}`);
    creates.push(statement(r.name, `CREATE ROLE ${quoteIdent(r.name)} ${attrs.join(' ')}`));
    if (r.login) passwordless.push({ role: r.name, sql: `ALTER ROLE ${quoteIdent(r.name)} PASSWORD '<password>'` });
    for (const m of r.memberOf) {
      if (!have.has(m.role) && !creating.has(m.role) && !m.role.startsWith('pg_')) {
        warn(r.name, `membership in ${m.role} left out (role neither on the target nor copied)`);
        continue;
      }
      const options: string[] = [];
      if (m.admin) options.push('ADMIN OPTION');
      if (targetMajor >= MEMBERSHIP_OPTIONS_FIRST_MAJOR) {
        if (m.inherit !== null && m.inherit !== r.inherit) options.push(`INHERIT ${m.inherit ? 'TRUE' : 'FALSE'}`);
        if (m.set === false) options.push('SET FALSE');
      }
      grants.push(statement(r.name, `GRANT ${quoteIdent(m.role)} TO ${quoteIdent(r.name)}${options.length === 0 ? '' : ` WITH ${options.join(', ')}`}`));
    }
    for (const s of r.settings) settings.push(statement(r.name, `ALTER ROLE ${quoteIdent(r.name)} SET ${quoteIdent(s.name)} TO ${settingValueSql(s.name, s.value)}`));
  }
  return { statements: [...creates, ...grants, ...settings], warnings, passwordless };
}
