// Roles with their pg_roles flags, memberships (16+: INHERIT and SET options per grant) and role-wide settings.
// pg_roles, not pg_authid: managed services hide pg_authid, and passwords are never read.
import type { RoleInfo } from '../../../model/schema.js';
import { compareText } from './acl.js';
import { splitSetting } from './parsed.js';

export interface RoleRow {
  readonly name: string;
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly inherit: boolean;
  readonly login: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  readonly connection_limit: number;
  readonly valid_until: string | null;
  /** [role, admin, inherit (16+), set (16+)]. */
  readonly member_of: readonly (readonly [string, boolean, boolean | null, boolean | null])[];
  readonly settings: readonly string[] | null;
}

export function rolesSql(versionNum: number): string {
  const options = versionNum >= 160000 ? 'm.inherit_option, m.set_option' : 'NULL::boolean, NULL::boolean';
  return `
SELECT r.rolname::text AS name, r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole,
       r.rolinherit AS inherit, r.rolcanlogin AS login, r.rolreplication AS replication, r.rolbypassrls AS bypassrls,
       r.rolconnlimit AS connection_limit, r.rolvaliduntil::text AS valid_until,
       coalesce((SELECT json_agg(json_build_array(pg_get_userbyid(m.roleid)::text, m.admin_option, ${options}))
                 FROM pg_auth_members m WHERE m.member = r.oid), '[]'::json) AS member_of,
       r.rolconfig::text[] AS settings
FROM pg_roles r
ORDER BY r.rolname`;
}

export function parseRole(row: RoleRow): RoleInfo {
  const seen = new Set<string>();
  const memberOf = row.member_of
    .map(([role, admin, inherit, set]) => ({ role, admin, inherit, set }))
    .filter((m) => {
      const id = JSON.stringify(m);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
  return {
    name: row.name, superuser: row.superuser, createdb: row.createdb, createrole: row.createrole, inherit: row.inherit,
    login: row.login, replication: row.replication, bypassrls: row.bypassrls, connectionLimit: row.connection_limit,
    validUntil: row.valid_until, memberOf,
    settings: (row.settings ?? []).map(splitSetting).sort((a, b) => compareText(a.name, b.name)),
  };
}
