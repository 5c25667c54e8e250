// Oracle: catalogs, for the majors pg_dump 15 cannot read (16+) and the oldest (12). The schema fixture is loaded
// on a source database, pgrepl writes its schema to an empty target database of the same cluster, and the
// independent catalog listing (test/oracle/catalog-listing.ts, plain SQL, not pgrepl's introspection) of both
// must be identical, with owners, grants, settings and comments.
import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, getCluster, type Major } from '../harness/index.js';
import { createMyAppDatabase, dropMyAppDatabase, loadSchemaFixture } from '../fixtures/schema/load.js';
import { listCatalogs } from '../oracle/catalog-listing.js';
import { describeDifference } from '../oracle/dump-report.js';
import { writeSchema } from './schema-oracle-write.js';

// 12 and 16+ are this oracle's own (pg_dump 15 cannot read 16+); 13-15 also have the pg_dump oracle, which does not see
// database-level settings, grants or statistics targets, so they are listed here too.
const MAJORS: readonly Major[] = [12, 13, 14, 15, 16, 17, 18];

const created: { cluster: Cluster; database: string }[] = [];

afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

describe.each(MAJORS)('catalog oracle on PostgreSQL %i -> same major', (major) => {
  it('roles: copy -> identical catalog listings', async () => {
    const cluster = await getCluster({ major });
    const source = await cluster.createDatabase('catalog_src');
    created.push({ cluster, database: source });
    await loadSchemaFixture(cluster, source);
    const target = await cluster.createDatabase('catalog_tgt');
    created.push({ cluster, database: target });
    await writeSchema(cluster, source, cluster, target, 'copy');
    const [a, b] = await Promise.all([listCatalogs(cluster, source), listCatalogs(cluster, target)]);
    expect(describeDifference(a, b, ['source', 'target'])).toBe(describeDifference([], [], ['source', 'target']));
  });
});

describe('catalog oracle from a database named my-app', () => {
  it('PostgreSQL 17: my-app -> a scratch database, identical listings', async () => {
    const cluster = await getCluster({ major: 17 });
    const source = await createMyAppDatabase(cluster);
    try {
      await loadSchemaFixture(cluster, source);
      const target = await cluster.createDatabase('catalog_tgt');
      created.push({ cluster, database: target });
      await writeSchema(cluster, source, cluster, target, 'copy');
      const [a, b] = await Promise.all([listCatalogs(cluster, source), listCatalogs(cluster, target)]);
      expect(a.filter((l) => l.startsWith('db-setting|'))).toHaveLength(5);
      expect(describeDifference(a, b, ['source', 'target'])).toBe(describeDifference([], [], ['source', 'target']));
    } finally {
      await dropMyAppDatabase(cluster);
    }
  });
});
