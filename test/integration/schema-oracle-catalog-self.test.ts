// The catalog oracle's own check, apart from pgrepl's code: its listing of the fixture runs on every major it
// serves, holds every kind, has no OIDs in it, equals the listing of a TEMPLATE copy, and shows a one-column
// change as a difference. So an empty difference in schema-oracle-catalog.test.ts means something.
import { afterAll, describe, expect, it } from 'vitest';
import { type Cluster, getCluster, type Major } from '../harness/index.js';
import { loadDatabaseLevel, loadSchemaFixture } from '../fixtures/schema/load.js';
import { listCatalogs } from '../oracle/catalog-listing.js';
import { describeDifference } from '../oracle/dump-report.js';

const MAJORS: readonly Major[] = [12, 16, 17, 18];
const created: { cluster: Cluster; database: string }[] = [];

afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

describe.each(MAJORS)('catalog listing on PostgreSQL %i', (major) => {
  it('lists every kind, no OIDs, equal for a TEMPLATE copy, and sees an added column', async () => {
    const cluster = await getCluster({ major });
    const source = await cluster.createDatabase('listing_src');
    created.push({ cluster, database: source });
    await loadSchemaFixture(cluster, source);
    const copy = await cluster.createDatabase('listing_copy', { template: source });
    created.push({ cluster, database: copy });
    // Database-level settings, grants and comment are not cloned by CREATE DATABASE … TEMPLATE.
    await loadDatabaseLevel(cluster, copy);

    const [a, b] = await Promise.all([listCatalogs(cluster, source), listCatalogs(cluster, copy)]);
    const kinds = new Set(a.map((l) => l.slice(0, l.indexOf('|'))));
    expect([...kinds].sort()).toEqual([
      'cast', 'collation', 'column', 'comment', 'constraint', 'database', 'db-setting', 'default-acl', 'extension', 'function',
      'index', 'opclass', 'operator', 'opfamily', 'policy', 'range', 'relation', 'rule', 'schema', 'sequence', 'statistics',
      'trigger', 'type',
    ]);
    // OIDs of user objects are >= 16384; none may leak into the listing (FK triggers' names carry them).
    expect(a.filter((l) => /RI_ConstraintTrigger|\b1[6-9]\d{3}\b/.test(l))).toEqual([]);
    expect(describeDifference(a, b, ['source', 'copy'])).toBe('');

    await cluster.query('ALTER TABLE fx.items ADD COLUMN extra integer', [], copy);
    const changed = await listCatalogs(cluster, copy);
    const report = describeDifference(a, changed, ['source', 'copy']);
    expect(report).not.toContain('only in source');
    expect(report).toContain('only in copy (1)');
    expect(report).toContain('column|fx.items|3|extra|integer|');
  });
});
