import { describe, expect, it } from 'vitest';
import type { RoleInfo } from '../../src/model/schema.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';

function role(name: string, extra: Partial<RoleInfo> = {}): RoleInfo {
  return { name, superuser: false, createdb: false, createrole: false, inherit: true, login: false, replication: false, bypassrls: false, connectionLimit: -1, validUntil: null, memberOf: [], settings: [], ...extra };
}
const ALL_ALLOWED = { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: 17 };

describe('buildRoleDdl', () => {
  it('creates only missing roles, memberships after every CREATE, settings last, and lists LOGIN roles without a password', () => {
    const roles = [
      role('app-writer', { login: true, connectionLimit: 5, memberOf: [{ role: 'Readers', admin: true, inherit: null, set: null }], settings: [{ name: 'search_path', value: 'app, public' }] }),
      role('Readers', { inherit: false }),
      role('existing', { superuser: true }),
      role('pg_read_all_data'),
    ];
    const result = buildRoleDdl(roles, ['existing', 'postgres'], ALL_ALLOWED);
    expect(result.statements.map((s) => s.sql)).toEqual([
      'CREATE ROLE "Readers" NOINHERIT NOLOGIN',
      'CREATE ROLE "app-writer" INHERIT LOGIN CONNECTION LIMIT 5',
      'GRANT "Readers" TO "app-writer" WITH ADMIN OPTION',
      "ALTER ROLE \"app-writer\" SET search_path TO 'app', 'public'",
    ]);
    expect(result.passwordless).toEqual([{ role: 'app-writer', sql: 'ALTER ROLE "app-writer" PASSWORD \'<password>\'' }]);
    expect(result.warnings).toEqual([]);
  });

  it('leaves out SUPERUSER, REPLICATION and BYPASSRLS the target role may not grant, with warnings', () => {
    const result = buildRoleDdl([role('boss', { superuser: true, createdb: true, replication: true, bypassrls: true })], [], { canGrantSuperuser: false, canGrantReplication: true, canGrantBypassRls: false, canGrantCreatedb: false });
    expect(result.statements.map((s) => s.sql)).toEqual(['CREATE ROLE boss INHERIT NOLOGIN REPLICATION']);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'role:boss: created without SUPERUSER: the target role may not grant it',
      'role:boss: created without CREATEDB: the target role may not grant it',
      'role:boss: created without BYPASSRLS: the target role may not grant it',
    ]);
  });

  it('writes INHERIT/SET membership options only on 16+, and skips memberships in roles that will not exist', () => {
    const r = role('member', { memberOf: [{ role: 'group', admin: false, inherit: false, set: false }, { role: 'ghost', admin: false, inherit: null, set: null }] });
    const g = role('group');
    expect(buildRoleDdl([r, g], [], { ...ALL_ALLOWED, targetMajor: 16 }).statements.map((s) => s.sql)[2]).toBe('GRANT "group" TO member WITH INHERIT FALSE, SET FALSE');
    const on15 = buildRoleDdl([r, g], [], { ...ALL_ALLOWED, targetMajor: 15 });
    expect(on15.statements.map((s) => s.sql)).toEqual(['CREATE ROLE "group" INHERIT NOLOGIN', 'CREATE ROLE member INHERIT NOLOGIN', 'GRANT "group" TO member']);
    expect(on15.warnings.map((w) => w.message)).toEqual(['role:member: membership in ghost left out (role neither on the target nor copied)']);
  });
});
