// buildRoleDdl on real servers: missing roles created with their attributes, memberships (16+: INHERIT/SET
// options), settings; existing roles untouched. Role names carry a random suffix (roles are cluster-wide and
// clusters are shared between test files) and are dropped afterwards.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RoleInfo } from '../../src/model/schema.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import { getCluster, ident, type Major } from '../harness/index.js';

function role(name: string, extra: Partial<RoleInfo> = {}): RoleInfo {
  return { name, superuser: false, createdb: false, createrole: false, inherit: true, login: false, replication: false, bypassrls: false, connectionLimit: -1, validUntil: null, memberOf: [], settings: [], ...extra };
}

interface RoleRow { rolname: string; rolcanlogin: boolean; rolinherit: boolean; rolreplication: boolean; rolbypassrls: boolean; rolconnlimit: number; rolconfig: string[] | null }

describe.each([15, 17] as Major[])('buildRoleDdl on PostgreSQL %i', (major) => {
  it('creates the missing roles only, with memberships and settings, and leaves an existing one alone', async () => {
    const cluster = await getCluster({ major });
    const suffix = randomBytes(3).toString('hex');
    const group = `Ddl Group-${suffix}`;
    const member = `ddl_member_${suffix}`;
    const existing = `ddl_existing_${suffix}`;
    await cluster.query(`CREATE ROLE ${ident(existing)} NOLOGIN`);
    try {
      const roles = [
        role(group, { inherit: false, replication: true }),
        role(member, { login: true, connectionLimit: 3, memberOf: [{ role: group, admin: true, inherit: true, set: false }], settings: [{ name: 'search_path', value: 'app, "My Schema"' }] }),
        role(existing, { login: true, superuser: true }),
      ];
      const names = (await cluster.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname);
      const result = buildRoleDdl(roles, names, { canGrantSuperuser: false, canGrantReplication: true, canGrantBypassRls: false, targetMajor: major });
      const client = await cluster.connect();
      try {
        await executeDdl(client, result.statements);
      } finally {
        await client.end();
      }
      const rows = await cluster.query<RoleRow>(
        'SELECT rolname, rolcanlogin, rolinherit, rolreplication, rolbypassrls, rolconnlimit, rolconfig FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY rolname',
        [[group, member, existing]],
      );
      expect(rows).toEqual([
        { rolname: group, rolcanlogin: false, rolinherit: false, rolreplication: true, rolbypassrls: false, rolconnlimit: -1, rolconfig: null },
        { rolname: existing, rolcanlogin: false, rolinherit: true, rolreplication: false, rolbypassrls: false, rolconnlimit: -1, rolconfig: null },
        { rolname: member, rolcanlogin: true, rolinherit: true, rolreplication: false, rolbypassrls: false, rolconnlimit: 3, rolconfig: ['search_path=app, "My Schema"'] },
      ].sort((a, b) => (a.rolname < b.rolname ? -1 : 1)));
      const memberships = await cluster.query<{ admin_option: boolean; set_option?: boolean }>(
        `SELECT admin_option${major >= 16 ? ', set_option' : ''} FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = $1 AND u.rolname = $2`,
        [group, member],
      );
      expect(memberships).toEqual([major >= 16 ? { admin_option: true, set_option: false } : { admin_option: true }]);
      expect(result.passwordless.map((p) => p.role)).toEqual([member]);
    } finally {
      for (const r of [member, group, existing]) await cluster.query(`DROP ROLE IF EXISTS ${ident(r)}`);
    }
  });
});
