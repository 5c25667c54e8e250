// Many kinds of drift at once on real servers: the schema fixture is written to a target, the source is then
// altered in ~30 ways (columns, identity, constraints, partitioned indexes, triggers, policies, row security,
// replica identity, storage options, per-column options and compression, grants, owners, sequences, domains, composites, views, functions, drops,
// database settings, default privileges and database grants), and
// the diff's statements must run on the target and leave nothing to diff. 15 -> 15, 15 -> 17, 17 -> 18.
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
ALTER TABLE "Sales Dept"."Order Lines" DROP COLUMN "Mixed-Case";
ALTER TABLE fx.order_lines ALTER COLUMN qty TYPE bigint;
ALTER TABLE "Sales Dept".customers ALTER COLUMN region TYPE character varying(40);
ALTER TABLE fx.archived ALTER COLUMN id SET NOT NULL;
ALTER TABLE "Sales Dept"."Order Lines" ALTER COLUMN "user" DROP DEFAULT;
ALTER TABLE fx.customers ALTER COLUMN id SET INCREMENT BY 20;
ALTER TABLE fx.orders ALTER COLUMN id SET GENERATED ALWAYS;
ALTER TABLE fx.archived ADD CONSTRAINT archived_id_pos CHECK (id > 0);
ALTER TABLE fx.order_lines VALIDATE CONSTRAINT order_lines_qty_positive;
ALTER TABLE fx.vehicles DROP CONSTRAINT vehicles_id_positive;
DROP INDEX fx.orders_id_rev;
CREATE INDEX events_kind_idx ON fx.events (kind);
ALTER TABLE fx.orders ENABLE TRIGGER orders_audit;
DROP TRIGGER orders_truncate ON fx.orders;
ALTER POLICY orders_all ON fx.orders USING (total > 0);
ALTER TABLE fx.customers NO FORCE ROW LEVEL SECURITY;
ALTER TABLE other.customers REPLICA IDENTITY DEFAULT;
ALTER TABLE fx.session_cache SET (fillfactor = 60);
ALTER TABLE fx.session_cache RESET (autovacuum_enabled);
ALTER TABLE public.plain ALTER COLUMN score RESET (n_distinct);
ALTER TABLE public.plain ALTER COLUMN score SET (n_distinct_inherited = 5);
ALTER TABLE public.plain ALTER COLUMN score SET COMPRESSION default;
ALTER TABLE public.plain ALTER COLUMN label SET COMPRESSION pglz;
ALTER TABLE ONLY fx.events ALTER COLUMN kind SET COMPRESSION pglz;
ALTER TABLE fx.events_2024 ALTER COLUMN kind SET (n_distinct = 2);
COMMENT ON TABLE fx.events IS 'partitioned by time';
COMMENT ON COLUMN fx.orders.total IS 'gross';
GRANT SELECT ON fx.items TO fx_reader;
REVOKE DELETE ON fx.orders FROM fx_writer;
GRANT UPDATE (region) ON "Sales Dept".customers TO fx_writer;
ALTER TABLE fx.archived OWNER TO fx_owner;
ALTER SEQUENCE fx.countdown CACHE 10;
ALTER DOMAIN fx.short_text VALIDATE CONSTRAINT short_text_not_blank;
ALTER DOMAIN "Sales Dept".positive_amount SET DEFAULT 1;
ALTER TYPE fx.address ADD ATTRIBUTE zip text;
DROP VIEW "Sales Dept"."Line View";
ALTER TABLE "Sales Dept"."Order Lines" ALTER COLUMN "select" TYPE character varying(100);
CREATE VIEW "Sales Dept"."Line View" AS SELECT "Line No", "select", "user" FROM "Sales Dept"."Order Lines";
CREATE OR REPLACE FUNCTION fx.f(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + 2';
DROP TABLE "MixedCase"."CamelTable";
ALTER TABLE fx.customers ALTER COLUMN code DROP DEFAULT;
DROP FUNCTION fx.next_code(text);
CREATE FUNCTION fx.next_code(code_prefix text) RETURNS text LANGUAGE sql VOLATILE
  AS $$ SELECT code_prefix || '-' || pg_catalog.nextval('fx.invoice_no'::pg_catalog.regclass)::text $$;
ALTER TABLE fx.customers ALTER COLUMN code SET DEFAULT fx.next_code('C');
ALTER TABLE fx.events DETACH PARTITION fx.events_2025;
ALTER TABLE fx.events ATTACH PARTITION fx.events_2025 FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
ALTER TABLE fx.bikes NO INHERIT fx.vehicles;
DROP VIEW fx.big_spenders;
ALTER DEFAULT PRIVILEGES FOR ROLE fx_owner IN SCHEMA fx GRANT SELECT ON SEQUENCES TO fx_reader;
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET work_mem = %L', current_database(), '16MB');
  EXECUTE format('GRANT CREATE ON DATABASE %I TO fx_writer', current_database());
END
$$;
`;

describe.each([[15, 15], [15, 17], [17, 18]] as [Major, Major][])('many kinds of drift from PostgreSQL %i to %i', (from, to) => {
  it('apply on the target and leave nothing to diff', async () => {
    const source = await getCluster({ major: from });
    const target = await getCluster({ major: to });
    const sourceDb = await scratch(source, 'alters_src');
    await loadSchemaFixture(source, sourceDb);
    const before = await readModel(source, sourceDb);

    const targetDb = await scratch(target, 'alters_tgt');
    const existing = (await target.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname);
    await applyStatements(target, targetDb, buildRoleDdl(before.roles, existing, { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: to }).statements);
    await applyStatements(target, targetDb, planCreateDdl(before, { roles: 'copy', targetMajor: to, targetDatabase: targetDb }).statements);
    const written = await readModel(target, targetDb);
    expect(diffSchemas(before, written, { targetMajor: to }).map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);

    await source.query(DRIFT, [], sourceDb);
    const after = await readModel(source, sourceDb);
    const changes = diffSchemas(after, written, { targetMajor: to });
    const destructive = changes.filter((c) => c.destructive).map((c) => `${c.action} ${c.key}`).sort();
    // Every drop, a dropped column and two type changes that rewrite (text -> varchar(40) may cut values).
    expect(destructive).toEqual([
      'delete function:fx.next_code(prefix text)',
      'delete table:"MixedCase"."CamelTable"',
      'delete view:fx.big_spenders',
      'update table:"Sales Dept"."Order Lines"',
      'update table:"Sales Dept".customers',
      'update table:fx.order_lines',
    ]);
    expect(changes.find((c) => c.key === 'view:fx.big_spenders')).toMatchObject({ action: 'delete' });
    // A function renamed in its argument: dropped (after the default that calls it) and created.
    expect(changes.find((c) => c.key === 'function:fx.next_code(prefix text)')).toMatchObject({ action: 'delete' });
    expect(changes.find((c) => c.key === 'function:fx.next_code(code_prefix text)')).toMatchObject({ action: 'create' });
    // The target refuses to retype a column a view reads: the view is dropped first and created after.
    expect(changes.find((c) => c.key === 'view:"Sales Dept"."Line View"')).toMatchObject({ action: 'replace' });
    expect(changes.find((c) => c.key === 'table:"Sales Dept".customers')?.statements.map((s) => s.sql))
      .toContain('ALTER TABLE "Sales Dept".customers ALTER COLUMN region TYPE character varying(40) USING region::character varying(40)');
    // Per-column options and compression, which ADD COLUMN and ALTER TYPE do not spell.
    expect(changes.find((c) => c.key === 'table:public.plain')?.statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE ONLY public.plain ALTER COLUMN label SET COMPRESSION pglz',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score RESET (n_distinct)',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET (n_distinct_inherited=5)',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET COMPRESSION default',
    ]);
    // Each table has its own: ONLY on the parent (whose partitions keep the default compression), and the
    // options set on the sub-partitioned 2024 stayed there (the server did not pass them on to its partitions).
    expect(['fx.events', 'fx.events_2024', 'fx.events_2024_click', 'fx.events_2024_other', 'fx.events_2025']
      .map((t) => changes.find((c) => c.key === `table:${t}`)?.statements.map((s) => s.sql).filter((s) => /COMPRESSION|n_distinct/.test(s)) ?? [])).toEqual([
      ['ALTER TABLE ONLY fx.events ALTER COLUMN kind SET COMPRESSION pglz'],
      ['ALTER TABLE ONLY fx.events_2024 ALTER COLUMN kind SET (n_distinct=2)'],
      [], [], [],
    ]);
    // The database-level change names the target database and comes last.
    expect(changes.at(-1)?.statements.map((s) => s.sql)).toEqual([
      `ALTER DATABASE ${targetDb} SET work_mem TO '16MB'`,
      'ALTER DEFAULT PRIVILEGES FOR ROLE fx_owner IN SCHEMA fx GRANT SELECT ON SEQUENCES TO fx_reader',
      `GRANT CREATE ON DATABASE ${targetDb} TO fx_writer`,
    ]);
    const statements = executionOrder(changes);
    // The partitioned index: made ON ONLY the parent, each partition's index under its source name, attached.
    expect(statements.map((s) => s.sql).filter((s) => s.includes('kind_idx'))).toEqual([
      'CREATE INDEX events_kind_idx ON ONLY fx.events USING btree (kind)',
      'CREATE INDEX events_2024_kind_idx ON ONLY fx.events_2024 USING btree (kind)',
      'ALTER INDEX fx.events_kind_idx ATTACH PARTITION fx.events_2024_kind_idx',
      'CREATE INDEX events_2024_click_kind_idx ON fx.events_2024_click USING btree (kind)',
      'ALTER INDEX fx.events_2024_kind_idx ATTACH PARTITION fx.events_2024_click_kind_idx',
      'CREATE INDEX events_2024_other_kind_idx ON fx.events_2024_other USING btree (kind)',
      'ALTER INDEX fx.events_2024_kind_idx ATTACH PARTITION fx.events_2024_other_kind_idx',
      'CREATE INDEX events_2025_kind_idx ON fx.events_2025 USING btree (kind)',
      'ALTER INDEX fx.events_kind_idx ATTACH PARTITION fx.events_2025_kind_idx',
      'CREATE INDEX events_default_kind_idx ON fx.events_default USING btree (kind)',
      'ALTER INDEX fx.events_kind_idx ATTACH PARTITION fx.events_default_kind_idx',
    ]);
    console.log(`${from} -> ${to}: ${changes.length} changes, ${statements.length} statements`);

    await applyStatements(target, targetDb, statements);
    const applied = await readModel(target, targetDb);
    expect(diffSchemas(after, applied, { targetMajor: to }).map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);
  });
});
