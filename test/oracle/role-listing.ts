// Oracle for copied roles: their attributes, memberships and role-wide settings as the catalogs hold them, by
// name (no OIDs), sorted, so roles created by pgrepl on another cluster can be compared with the originals.
// Passwords are never read (they cannot be on managed services, and pgrepl does not copy them).
import type { Cluster } from '../harness/index.js';

export async function listRoles(cluster: Cluster, names: readonly string[]): Promise<string[]> {
  const rows = await cluster.query<{ line: string }>(`
    SELECT line FROM (
    SELECT format('role|%s|super=%s|inherit=%s|createrole=%s|createdb=%s|login=%s|replication=%s|bypassrls=%s|connlimit=%s|until=%s',
             r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication, r.rolbypassrls,
             r.rolconnlimit, coalesce(r.rolvaliduntil::text, '∅')) AS line
    FROM pg_catalog.pg_roles r WHERE r.rolname = ANY($1::text[])
    UNION ALL
    SELECT format('member|%s|of|%s|admin=%s', pg_catalog.pg_get_userbyid(m.member), pg_catalog.pg_get_userbyid(m.roleid), m.admin_option)
    FROM pg_catalog.pg_auth_members m WHERE pg_catalog.pg_get_userbyid(m.member) = ANY($1::text[])
    UNION ALL
    SELECT format('setting|%s|%s', pg_catalog.pg_get_userbyid(s.setrole), cfg)
    FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) cfg
    WHERE s.setdatabase = 0 AND pg_catalog.pg_get_userbyid(s.setrole) = ANY($1::text[])
    ) roles ORDER BY line COLLATE "C"`, [[...names]]);
  return rows.map((r) => r.line);
}
