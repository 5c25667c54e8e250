// The schema fixture itself: it loads cleanly on the oldest and newest majors and the ones in between that gate
// files, with and without roles, and the `my-app` database helper works.
import { describe, expect, it } from 'vitest';
import { getCluster, type Major } from '../harness/index.js';
import { createMyAppDatabase, dropMyAppDatabase, fixtureFiles, loadSchemaFixture } from '../fixtures/schema/load.js';

const MAJORS: readonly Major[] = [12, 15, 17, 18];

describe.each(MAJORS)('schema fixture on PostgreSQL %i', (major) => {
  it('loads with roles, and every kind is there', async () => {
    const cluster = await getCluster({ major });
    const database = await cluster.createDatabase('fixture');
    try {
      const loaded = await loadSchemaFixture(cluster, database);
      expect(loaded.files).toEqual(fixtureFiles(major, true));
      const [counts] = await cluster.query<Record<string, string>>(`
        SELECT
          (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fx' AND c.relkind = 'p') AS partitioned,
          (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal) AS triggers,
          (SELECT count(*) FROM pg_policy) AS policies,
          (SELECT count(*) FROM pg_default_acl) AS default_acls,
          (SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database()) AS db_settings,
          (SELECT count(*) FROM pg_extension WHERE extname IN ('citext', 'hstore', 'btree_gist', 'pg_trgm')) AS extensions,
          (SELECT count(*) FROM pg_statistic_ext) AS statistics,
          (SELECT count(*) FROM pg_cast WHERE castsource IN ('fx.mood'::regtype, 'fx.address'::regtype)) AS casts
      `, [], database);
      expect(counts).toMatchObject({ partitioned: major >= 17 ? '4' : '3', policies: '5', default_acls: '5', db_settings: '3', extensions: '4', casts: '2' });
    } finally {
      await cluster.dropDatabase(database);
    }
  });
});

describe('schema fixture without roles, in a database named my-app', () => {
  it('loads on PostgreSQL 15', async () => {
    const cluster = await getCluster({ major: 15 });
    const database = await createMyAppDatabase(cluster);
    try {
      const loaded = await loadSchemaFixture(cluster, database, { roles: false });
      expect(loaded.roles).toEqual([]);
      const owners = await cluster.query<{ owner: string }>(
        "SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fx'",
        [], database);
      expect(owners).toEqual([{ owner: 'postgres' }]);
    } finally {
      await dropMyAppDatabase(cluster);
    }
  });
});
