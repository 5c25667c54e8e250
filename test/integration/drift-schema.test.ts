// Drift: the schema is written to a real target (buildRoleDdl + planCreateDdl + executeDdl), the source then moves
// on (a column, an index, a default, an enum value, a table that uses the new value), and the diff gives exactly
// the ALTERs needed; they apply on the target, and a second diff is empty. 15 -> 15 and 15 -> 17.
import { describe, expect, it } from 'vitest';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { executionOrder } from '../../src/schema/diff/execution-order.js';
import { getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { readModel, applyStatements } from './schema-oracle-write.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';

const scratch = useScratchDatabases();

const DRIFT = `
ALTER TABLE fx.customers ADD COLUMN loyalty integer;
CREATE INDEX customers_loyalty_idx ON fx.customers (loyalty) WHERE loyalty IS NOT NULL;
ALTER TABLE fx.orders ALTER COLUMN note SET DEFAULT 'n/a';
ALTER TYPE fx.mood ADD VALUE 'ecstatic' AFTER 'happy';
ALTER TYPE fx.mood ADD VALUE 'glum' BEFORE 'sad';
-- @commit
CREATE TABLE fx.coupons (code text PRIMARY KEY, mood fx.mood NOT NULL DEFAULT 'ecstatic');
`;

describe.each([[15, 15], [15, 17]] as [Major, Major][])('schema drift from PostgreSQL %i to %i', (from, to) => {
  it('diffs to exactly the ALTERs needed, which apply, and then to nothing', async () => {
    const source = await getCluster({ major: from });
    const target = await getCluster({ major: to });
    const sourceDb = await scratch(source, 'drift_src');
    await loadSchemaFixture(source, sourceDb);
    const before = await readModel(source, sourceDb);

    const targetDb = await scratch(target, 'drift_tgt');
    const existing = (await target.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname);
    await applyStatements(target, targetDb, buildRoleDdl(before.roles, existing, { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: to }).statements);
    await applyStatements(target, targetDb, planCreateDdl(before, { roles: 'copy', targetMajor: to, targetDatabase: targetDb }).statements);
    const written = await readModel(target, targetDb);
    expect(diffSchemas(before, written, { targetMajor: to }).map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);

    for (const chunk of DRIFT.split('-- @commit')) await source.query(chunk, [], sourceDb);
    const after = await readModel(source, sourceDb);
    const changes = diffSchemas(after, written, { targetMajor: to });
    expect(changes.map((c) => [c.action, c.key, c.destructive])).toEqual([
      ['update', 'type:fx.mood', false],
      ['create', 'table:fx.coupons', false],
      ['update', 'table:fx.customers', false],
      ['update', 'table:fx.orders', false],
    ]);
    const statements = executionOrder(changes);
    const alters = statements.filter((s) => s.object !== 'table:fx.coupons').map((s) => s.sql);
    expect(alters).toEqual([
      "ALTER TYPE fx.mood ADD VALUE 'glum' BEFORE 'sad'",
      "ALTER TYPE fx.mood ADD VALUE 'ecstatic' AFTER 'happy'",
      'ALTER TABLE fx.customers ADD COLUMN loyalty integer',
      "ALTER TABLE fx.orders ALTER COLUMN note SET DEFAULT 'n/a'::text",
      'CREATE INDEX customers_loyalty_idx ON fx.customers USING btree (loyalty) WHERE (loyalty IS NOT NULL)',
    ]);
    expect(statements.filter((s) => s.sql.startsWith('ALTER TYPE')).every((s) => s.commitAfter === true)).toBe(true);
    expect(statements.some((s) => s.object === 'table:fx.coupons' && s.sql.startsWith('CREATE TABLE fx.coupons'))).toBe(true);

    await applyStatements(target, targetDb, statements);
    const applied = await readModel(target, targetDb);
    expect(diffSchemas(after, applied, { targetMajor: to }).map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);
  });
});
