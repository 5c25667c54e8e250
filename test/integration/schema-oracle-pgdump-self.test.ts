// The pg_dump oracle's own check, apart from pgrepl's code: a database and its TEMPLATE copy dump identically
// after normalising, and one changed column shows as exactly one differing statement. So an empty difference in
// schema-oracle-pgdump.test.ts means something, and a failure there is not the oracle's noise.
import { describe, expect, it } from 'vitest';
import { getCluster, useScratchDatabases } from '../harness/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { describeDifference } from '../oracle/dump-report.js';
import { dumpSchema } from '../oracle/pg-dump.js';
import { normalisePgDump } from '../oracle/pg-dump-normalise.js';

const scratch = useScratchDatabases();

describe('the pg_dump oracle can tell', () => {
  it('a database from its TEMPLATE copy: identical; after one added column: exactly that statement', async () => {
    const cluster = await getCluster({ major: 15 });
    const source = await scratch(cluster, 'oracle_src');
    await loadSchemaFixture(cluster, source);
    // A template must have no other sessions; createDatabase's clone is the same schema by construction.
    const copy = await scratch(cluster, 'oracle_copy', source);
    const [a, b] = await Promise.all([source, copy].map(async (db) => normalisePgDump(await dumpSchema(cluster, db, { ownersAndAcls: true }))));
    expect(a?.length).toBeGreaterThan(300);
    expect(describeDifference(a ?? [], b ?? [], [source, copy])).toBe('');

    await cluster.query('ALTER TABLE fx.items ADD COLUMN extra integer', [], copy);
    const changed = normalisePgDump(await dumpSchema(cluster, copy, { ownersAndAcls: true }));
    const report = describeDifference(a ?? [], changed, ['source', 'copy']);
    expect(report).toContain('only in source (1)');
    expect(report).toContain('only in copy (1)');
    expect(report).toContain('    extra integer');
  });
});
