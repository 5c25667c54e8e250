// The create DDL run by the target role of the harness (tgt_user: CREATEDB, not superuser) on a database it
// owns, with roles: skip: everything it is allowed to create is created and owned by it. Operator classes and
// families and LEAKPROOF functions need a superuser (PostgreSQL refuses them to anyone else), so the source
// drops the fixture's first.
import { afterAll, describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../src/model/schema.js';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import { UnsupportedOnTargetError } from '../../src/pg/ddl/unsupported-error.js';
import { type Cluster, getCluster, type Major, TARGET_ROLE } from '../harness/index.js';
import { loadDatabaseLevel, loadSchemaFixture } from '../fixtures/schema/load.js';

const created: { cluster: Cluster; database: string }[] = [];
afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

async function introspect(cluster: Cluster, database: string): Promise<SchemaModel> {
  const client = await cluster.connect({ database });
  try {
    return await introspectSchema(client);
  } finally {
    await client.end();
  }
}

describe.each([15, 17] as Major[])('create DDL as a non-superuser owner of the target database on PostgreSQL %i', (major) => {
  it('creates every object, owned by the target role', async () => {
    const cluster = await getCluster({ major });
    const sourceDb = await cluster.createDatabase('ddl_src');
    created.push({ cluster, database: sourceDb });
    await loadSchemaFixture(cluster, sourceDb);
    await loadDatabaseLevel(cluster, sourceDb);
    // As it is, the fixture holds what only a superuser may create: refused before anything runs.
    const full = await introspect(cluster, sourceDb);
    let refused: unknown;
    try {
      planCreateDdl(full, { roles: 'skip', targetRole: TARGET_ROLE.user, targetMajor: major, existingRoles: [], targetIsSuperuser: false });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(UnsupportedOnTargetError);
    expect((refused as UnsupportedOnTargetError).problems.map((p) => p.object)).toEqual(expect.arrayContaining([
      'function:fx.safe_eq(integer, integer)', 'opclass:fx.int4_reverse_ops USING btree', 'opfamily:fx.loose_ops USING hash',
    ]));
    // Only a superuser may create operator classes and families or mark a function LEAKPROOF: take those off the source.
    await cluster.query(`DO $$ DECLARE f record; BEGIN
      FOR f IN SELECT n.nspname, o.opfname, a.amname FROM pg_opfamily o JOIN pg_namespace n ON n.oid = o.opfnamespace
               JOIN pg_am a ON a.oid = o.opfmethod WHERE n.nspname = 'fx' LOOP
        EXECUTE format('DROP OPERATOR FAMILY %I.%I USING %I CASCADE', f.nspname, f.opfname, f.amname);
      END LOOP;
      FOR f IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'fx' AND p.proleakproof LOOP
        EXECUTE format('ALTER FUNCTION %s NOT LEAKPROOF', f.fn);
      END LOOP; END $$`, [], sourceDb);
    const model = await introspect(cluster, sourceDb);
    expect(model.objects.filter((o) => o.kind === 'opclass' || o.kind === 'opfamily')).toEqual([]);
    const targetDb = await cluster.createDatabase('ddl_tgt', { owner: TARGET_ROLE.user });
    created.push({ cluster, database: targetDb });
    const { statements, warnings } = planCreateDdl(model, { roles: 'skip', targetRole: TARGET_ROLE.user, targetMajor: major, targetDatabase: targetDb, existingRoles: [], targetIsSuperuser: false });
    const client = await cluster.connect({ database: targetDb, user: TARGET_ROLE.user });
    try {
      await executeDdl(client, statements);
    } finally {
      await client.end();
    }
    expect(warnings.length).toBeGreaterThan(0);
    const copy = await introspect(cluster, targetDb);
    expect(copy.objects.map((o) => o.key)).toEqual(model.objects.map((o) => o.key));
    const owners = new Set(copy.objects.filter((o) => o.kind !== 'extension' && o.kind !== 'cast' && o.key !== 'schema:public').map((o) => o.owner));
    expect([...owners]).toEqual([TARGET_ROLE.user]);
  });
});
