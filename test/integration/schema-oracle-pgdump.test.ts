// Oracle: pg_dump. The schema fixture is loaded on a source database, pgrepl writes its schema to an empty target
// (introspectSchema -> buildCreateDdl -> executeDdl), and pg_dump 15's schema-only dumps of both must hold the
// same statements (normalised: split, comment lines dropped, sorted). pg_dump, not pgrepl's model, is the judge.
// pg_dump 15 reads 13, 14 and 15 servers; 16+ is the catalog oracle's job.
import { describe, expect, it } from 'vitest';
import { getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { FIXTURE_ROLES, loadSchemaFixture } from '../fixtures/schema/load.js';
import { describeDifference } from '../oracle/dump-report.js';
import { dumpSchema } from '../oracle/pg-dump.js';
import { normalisePgDump } from '../oracle/pg-dump-normalise.js';
import { listRoles } from '../oracle/role-listing.js';
import { writeSchema } from './schema-oracle-write.js';

const MAJORS: readonly Major[] = [13, 14, 15];

const scratch = useScratchDatabases();

describe.each(MAJORS)('pg_dump oracle on PostgreSQL %i -> same major', (major) => {
  // roles: copy writes to another cluster (the scram one of the same major), so the fixture roles must be created
  // there by buildRoleDdl before owners and grants can match; roles: skip writes next to the source, where the
  // roles its policies name exist.
  it.each([
    { roles: 'copy' as const, ownersAndAcls: true, otherCluster: true },
    { roles: 'skip' as const, ownersAndAcls: false, otherCluster: false },
  ])('roles: $roles -> identical dumps (owners and ACLs compared: $ownersAndAcls)', async ({ roles, ownersAndAcls, otherCluster }) => {
    const cluster = await getCluster({ major });
    const targetCluster = otherCluster ? await getCluster({ major, auth: 'scram' }) : cluster;
    const source = await scratch(cluster, 'oracle_src');
    await loadSchemaFixture(cluster, source);
    const target = await scratch(targetCluster, 'oracle_tgt');
    await writeSchema(cluster, source, targetCluster, target, roles);
    const [a, b] = await Promise.all([
      dumpSchema(cluster, source, { ownersAndAcls }).then(normalisePgDump),
      dumpSchema(targetCluster, target, { ownersAndAcls }).then(normalisePgDump),
    ]);
    expect(a.length).toBeGreaterThan(200);
    expect(describeDifference(a, b, ['source', 'target'])).toBe(describeDifference([], [], ['source', 'target']));
    // pg_dump does not dump roles: the copied ones are compared on their own.
    if (otherCluster) {
      const sourceRoles = await listRoles(cluster, FIXTURE_ROLES);
      expect(sourceRoles.filter((l) => !l.startsWith('role|'))).toEqual([
        'member|fx_writer|of|fx_reader|admin=f', 'setting|fx_Odd Role|lock_timeout=3s', 'setting|fx_reader|work_mem=4MB',
      ]);
      expect(await listRoles(targetCluster, FIXTURE_ROLES)).toEqual(sourceRoles);
    }
  });
});

describe('pg_dump oracle, roles: skip onto a cluster without the fixture roles (PostgreSQL 15)', () => {
  it('everything but what names a missing role is written; what names one is left out with a warning, never widened', async () => {
    const cluster = await getCluster({ major: 15 });
    // Its own settings make it a cluster of its own, where no test loads the fixture (so no fx_ role exists).
    const bare = await getCluster({ major: 15, settings: { application_name: 'pgrepl_no_fixture_roles' } });
    expect(await bare.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'fx\\_%'")).toEqual([]);
    const source = await scratch(cluster, 'oracle_src');
    await loadSchemaFixture(cluster, source);
    const target = await scratch(bare, 'oracle_tgt');
    const { warnings } = await writeSchema(cluster, source, bare, target, 'skip');
    const [a, b] = await Promise.all([
      dumpSchema(cluster, source, { ownersAndAcls: false }).then(normalisePgDump),
      dumpSchema(bare, target, { ownersAndAcls: false }).then(normalisePgDump),
    ]);
    const policy = 'CREATE POLICY orders_reader ON fx.orders FOR SELECT TO "fx_Odd Role", fx_reader USING ((status IS NOT NULL))';
    expect(describeDifference(a, b, ['source', 'target'])).toBe(describeDifference([policy], [], ['source', 'target']));
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/orders_reader/);
    expect(await bare.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'fx\\_%'")).toEqual([]);
  });
});
