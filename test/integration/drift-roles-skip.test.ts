// roles: skip: the schema is written to the target owned by the target role, without the grants, policies and
// settings of roles the target lacks; the diff reads the source the same way, so it is empty after the write, and
// drift in what the target can have (a comment, a grant to PUBLIC) still shows while grants to absent roles do not.
import { describe, expect, it } from 'vitest';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { executionOrder } from '../../src/schema/diff/execution-order.js';
import { getCluster, type Major, SUPERUSER_NAME, useScratchDatabases } from '../harness/index.js';
import { readModel } from './schema-oracle-write.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';

const scratch = useScratchDatabases();

// The fixture's roles are left out on purpose (they may exist on a shared cluster): as if the target lacked them.
const SKIP = { roles: 'skip', targetRole: SUPERUSER_NAME, existingRoles: [] } as const;

describe.each([[15, 15], [15, 17]] as [Major, Major][])('roles: skip from PostgreSQL %i to %i', (from, to) => {
  it('diffs empty after the write; drift the target can take shows, grants to absent roles do not', async () => {
    const source = await getCluster({ major: from });
    const target = await getCluster({ major: to });
    const sourceDb = await scratch(source, 'skip_src');
    await loadSchemaFixture(source, sourceDb);
    const before = await readModel(source, sourceDb);
    const targetDb = await scratch(target, 'skip_tgt');
    const client = await target.connect({ database: targetDb });
    try {
      await executeDdl(client, planCreateDdl(before, { ...SKIP, targetMajor: to, targetDatabase: targetDb }).statements);
    } finally {
      await client.end();
    }
    const written = await readModel(target, targetDb);
    expect(written.objects.find((o) => o.key === 'table:fx.customers')?.owner).toBe(SUPERUSER_NAME);
    expect(diffSchemas(before, written, { targetMajor: to, create: SKIP }).map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);

    await source.query('COMMENT ON TABLE fx.items IS \'items\'; GRANT SELECT ON fx.items TO fx_reader; GRANT SELECT ON fx.archived TO PUBLIC', [], sourceDb);
    const after = await readModel(source, sourceDb);
    const changes = diffSchemas(after, written, { targetMajor: to, create: SKIP });
    expect(executionOrder(changes).map((s) => s.sql)).toEqual([
      'GRANT SELECT ON TABLE fx.archived TO PUBLIC',
      "COMMENT ON TABLE fx.items IS 'items'",
    ]);
  });
});
