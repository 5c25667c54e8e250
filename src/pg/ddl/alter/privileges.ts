// GRANT and REVOKE for one grantee on one object (or some of a table's columns).
import type { DdlStatement } from '../types.js';
import type { SchemaObjectAny } from '../../../model/schema.js';
import { quoteIdent } from '../../sql/quote.js';
import { grantTargetSql } from './object-name.js';

/** What changes for one grantee: privileges to grant (some with grant option) and to revoke. */
export interface GrantChange {
  /** '' = PUBLIC. */
  readonly grantee: string;
  readonly grant: readonly string[];
  readonly grantOption: readonly string[];
  readonly revoke: readonly string[];
  /** Privileges kept but whose grant option goes. */
  readonly revokeGrantOption: readonly string[];
  /** Set for column privileges. */
  readonly column?: string;
}

function granteeSql(grantee: string): string {
  return grantee === '' ? 'PUBLIC' : quoteIdent(grantee);
}

function privilegeList(privileges: readonly string[], column: string | undefined): string {
  const col = column === undefined ? '' : ` (${quoteIdent(column)})`;
  return privileges.map((p) => `${p}${col}`).join(', ');
}

/**
 * Revokes before grants, so a privilege that moves from plain to WITH GRANT OPTION (or back) ends right.
 * Grants are post-data: they may name roles or columns that other steps create first.
 */
export function grantStatements(obj: SchemaObjectAny, change: GrantChange): DdlStatement[] {
  const target = grantTargetSql(obj);
  if (target === null) throw new Error(`${obj.key} has no privileges to grant`);
  const to = granteeSql(change.grantee);
  const { column } = change;
  const out: string[] = [];
  if (change.revoke.length > 0) out.push(`REVOKE ${privilegeList(change.revoke, column)} ON ${target} FROM ${to}`);
  if (change.revokeGrantOption.length > 0) {
    out.push(`REVOKE GRANT OPTION FOR ${privilegeList(change.revokeGrantOption, column)} ON ${target} FROM ${to}`);
  }
  const plain = change.grant.filter((p) => !change.grantOption.includes(p));
  if (plain.length > 0) out.push(`GRANT ${privilegeList(plain, column)} ON ${target} TO ${to}`);
  if (change.grantOption.length > 0) {
    out.push(`GRANT ${privilegeList(change.grantOption, column)} ON ${target} TO ${to} WITH GRANT OPTION`);
  }
  return out.map((sql) => ({ sql, transactional: true, phase: 'post-data', object: obj.key }));
}
