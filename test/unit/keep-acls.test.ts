// Privileges a non-owner target role cannot change are not diffed (src/schema/diff/keep-acls.ts): GRANT by such a
// role only warns "no privileges were granted", so planning it made apply "succeed" without effect and every later
// plan show it again. Pure: models by hand, then through diffSchemas.
import { describe, expect, it } from 'vitest';
import type { AclEntry, SchemaModel, SchemaObject } from '../../src/model/schema.js';
import { emptyModel } from '../../src/plan/planner/cut-model.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { keepUnadministrableAcls } from '../../src/schema/diff/keep-acls.js';

const grant = (grantee: string, privileges: string[], grantor = 'postgres'): AclEntry => ({ grantee, grantor, privileges, grantable: [] });

function schema(name: string, owner: string, acl: readonly AclEntry[] | null): SchemaObject {
  return { key: `schema:${name}`, kind: 'schema', schema: null, name, owner, acl, comment: null, deps: [] };
}

function model(owner: string, dbAcl: readonly AclEntry[] | null, objects: readonly SchemaObject[]): SchemaModel {
  const m = emptyModel(170000, { name: 'shop', owner, encoding: 'UTF8', collate: 'C', ctype: 'C' });
  return { ...m, database: { ...m.database, acl: dbAcl }, objects };
}

const app = { user: 'app', superuser: false, memberOf: ['app_group'] };

describe('keepUnadministrableAcls', () => {
  const desired = model('postgres', [grant('', ['CONNECT']), grant('postgres', ['CONNECT', 'CREATE', 'TEMPORARY'])], [
    schema('public', 'pg_database_owner', [grant('pg_database_owner', ['CREATE', 'USAGE'], 'pg_database_owner'), grant('', ['USAGE'], 'pg_database_owner')]),
    schema('mine', 'app', [grant('app', ['CREATE', 'USAGE'], 'app'), grant('reporting', ['USAGE'], 'app')]),
    schema('theirs', 'postgres', [grant('postgres', ['CREATE', 'USAGE']), grant('reporting', ['USAGE'])]),
    schema('grouped', 'app_group', [grant('app_group', ['CREATE', 'USAGE'], 'app_group'), grant('reporting', ['USAGE'], 'app_group')]),
  ]);
  const actual = model('postgres', null, [
    schema('public', 'pg_database_owner', null),
    schema('mine', 'app', null),
    schema('theirs', 'postgres', null),
    schema('grouped', 'app_group', null),
  ]);

  it('keeps the target privileges of what the role does not own, and names them', () => {
    const r = keepUnadministrableAcls(desired, actual, app);
    expect(r.kept).toEqual(['database shop (owner postgres)', 'schema public (owner pg_database_owner)', 'schema theirs (owner postgres)']);
    expect(r.model.database.acl).toBeNull();
    expect(r.model.objects.map((o) => [o.name, o.acl === null ? null : o.acl.length])).toEqual([['public', null], ['mine', 2], ['theirs', null], ['grouped', 2]]);
  });

  it('changes nothing for a superuser, for the database owner (pg_database_owner is it), or when the privileges already match', () => {
    expect(keepUnadministrableAcls(desired, actual, { ...app, superuser: true })).toEqual({ model: desired, kept: [] });
    const owning = keepUnadministrableAcls(desired, { ...actual, database: { ...actual.database, owner: 'app' } }, app);
    expect(owning.kept).toEqual(['schema theirs (owner postgres)']);
    expect(keepUnadministrableAcls(actual, actual, app)).toEqual({ model: actual, kept: [] });
  });

  it('through diffSchemas: no GRANT the role cannot make, the rest still planned, and the caller hears what was kept', () => {
    const heard: string[][] = [];
    const changes = diffSchemas(desired, actual, { targetMajor: 17, administering: app, onKeptAcls: (k) => heard.push([...k]) });
    const sql = changes.flatMap((c) => c.statements.map((s) => s.sql));
    expect(sql.filter((s) => / ON (DATABASE|SCHEMA) (shop|public|theirs) /.test(s))).toEqual([]);
    expect(sql).toContain('GRANT USAGE ON SCHEMA mine TO reporting');
    expect(sql).toContain('GRANT USAGE ON SCHEMA grouped TO reporting');
    expect(heard).toHaveLength(1);
    // Without the role, the same diff asks for all of it (what apply ran before, to no effect).
    const all = diffSchemas(desired, actual, { targetMajor: 17 }).flatMap((c) => c.statements.map((s) => s.sql));
    expect(all.filter((s) => / ON (DATABASE shop|SCHEMA theirs) /.test(s)).length).toBeGreaterThan(0);
  });
});
