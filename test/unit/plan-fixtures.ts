// One plan with every action, a destructive step, every operation type, awkward addresses and diagnostics, for the
// JSON and golden-file tests.
import { databaseAddress, replicationAddress, roleAddress, rowsAddress, schemaObjectAddress } from '../../src/model/address.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Plan, PlanStep } from '../../src/plan/types.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');
const BASIS = { spec: { path: 'pgrepl.yaml', hash: 'sha256:5f1c' }, state: { lineage: '7d0e4c1a-2b9f-4e55-9a3c-0c6f1e2d8b77', serial: 4 }, actual: 'sha256:0a1b2c' } as const;

const stmt = (sql: string, phase: 'pre-data' | 'post-data' = 'pre-data', object = 'table:sales.orders') =>
  ({ sql, transactional: true, phase, object }) as const;

const STEPS: readonly Omit<PlanStep, 'index'>[] = [
  {
    address: roleAddress('app'), action: 'create', reason: 'role app is not on the target', destructive: false, before: null,
    after: { name: 'app', login: true }, sqlPreview: ['CREATE ROLE app LOGIN'],
    operations: [{ type: 'sql', side: 'target', stage: 'pre-data', order: 0, statements: [stmt('CREATE ROLE app LOGIN', 'pre-data', 'role:app')] }],
  },
  {
    address: databaseAddress('my-app'), action: 'create', reason: 'database my-app is not on the target', destructive: false, before: null,
    after: { name: 'my_app', encoding: 'UTF8' }, sqlPreview: ["CREATE DATABASE my_app OWNER app ENCODING 'UTF8'"],
    operations: [{ type: 'sql', side: 'target', stage: 'pre-data', order: 1, statements: [{ ...stmt("CREATE DATABASE my_app OWNER app ENCODING 'UTF8'", 'pre-data', 'database:my_app'), transactional: false }] }],
  },
  {
    address: schemaObjectAddress('my-app', 'table', 'sales', 'orders'), action: 'update', reason: 'column note: type text -> character varying(200); comment changed',
    destructive: true,
    before: { columns: [{ name: 'id', type: 'integer' }, { name: 'note', type: 'text' }], comment: null, options: ['fillfactor=90'] },
    after: { columns: [{ name: 'id', type: 'integer' }, { name: 'note', type: 'character varying(200)' }], comment: 'Orders "as placed"', options: [] },
    sqlPreview: ['ALTER TABLE sales.orders ALTER COLUMN note TYPE character varying(200) USING note::character varying(200)', "COMMENT ON TABLE sales.orders IS 'Orders \"as placed\"'"],
    operations: [{ type: 'sql', side: 'target', stage: 'pre-data', order: 2, statements: [
      { ...stmt('ALTER TABLE sales.orders ALTER COLUMN note TYPE character varying(200) USING note::character varying(200)'), destructive: true },
      stmt("COMMENT ON TABLE sales.orders IS 'Orders \"as placed\"'", 'post-data'),
    ] }],
  },
  {
    address: schemaObjectAddress('my-app', 'function', 'sales', 'touch(integer, text)'), action: 'replace', reason: 'return type changed (integer -> bigint)',
    destructive: false,
    before: { definition: 'CREATE OR REPLACE FUNCTION sales.touch(integer, text)\n RETURNS integer\n LANGUAGE sql\nAS $$ SELECT 1 $$\n' },
    after: { definition: 'CREATE OR REPLACE FUNCTION sales.touch(integer, text)\n RETURNS bigint\n LANGUAGE sql\nAS $$ SELECT 1 $$\n' },
    sqlPreview: ['DROP FUNCTION sales.touch(integer, text)', 'CREATE FUNCTION sales.touch(integer, text) RETURNS bigint LANGUAGE sql AS $$ SELECT 1 $$'],
    operations: [
      { type: 'sql', side: 'target', stage: 'teardown', order: 0, statements: [stmt('DROP FUNCTION sales.touch(integer, text)', 'pre-data', 'function:sales.touch(integer, text)')] },
      { type: 'sql', side: 'target', stage: 'pre-data', order: 3, statements: [stmt('CREATE FUNCTION sales.touch(integer, text) RETURNS bigint LANGUAGE sql AS $$ SELECT 1 $$', 'pre-data', 'function:sales.touch(integer, text)')] },
    ],
  },
  {
    address: schemaObjectAddress('my-app', 'table', 'Sales', 'Old "Lines"'), action: 'delete', reason: 'table "Sales"."Old ""Lines""" is not in the source',
    destructive: true, before: { name: 'Old "Lines"' }, after: null, sqlPreview: ['DROP TABLE IF EXISTS "Sales"."Old ""Lines"""'],
    operations: [{ type: 'sql', side: 'target', stage: 'teardown', order: 1, statements: [{ ...stmt('DROP TABLE IF EXISTS "Sales"."Old ""Lines"""'), destructive: true }] }],
  },
  {
    address: rowsAddress('my-app', 'Sales', 'Order Lines'), action: 'replace', reason: "filter changed: last 30 days -> last 90 days",
    destructive: true, before: { filter: "created_at >= '2026-10-27 10:00:00+00'::timestamp with time zone" },
    after: { filter: "created_at >= '2026-08-28 10:00:00+00'::timestamp with time zone" }, sqlPreview: [],
    operations: [{
      type: 'data-copy', table: { schema: 'Sales', name: 'Order Lines' }, columns: ['id', 'created_at', 'qty'],
      filter: "created_at >= '2026-08-28 10:00:00+00'::timestamp with time zone", truncateFirst: [{ schema: 'Sales', name: 'Order Lines' }], group: null,
      estimate: { rows: 1_234_567, bytes: 356_515_840, seconds: 12.4 },
    }],
  },
  {
    address: replicationAddress('publication', 'my-app'), action: 'create', reason: 'sync: true and no publication yet', destructive: false, before: null,
    after: { name: 'pgrepl_my_app_1a2b3c4d', tables: ['"Sales"."Order Lines"'] },
    sqlPreview: ['CREATE PUBLICATION pgrepl_my_app_1a2b3c4d FOR TABLE "Sales"."Order Lines"'],
    operations: [{ type: 'sql', side: 'source', stage: 'pre-data', order: 0, statements: [stmt('CREATE PUBLICATION pgrepl_my_app_1a2b3c4d FOR TABLE "Sales"."Order Lines"', 'pre-data', 'publication:pgrepl_my_app_1a2b3c4d')] }],
  },
  {
    address: replicationAddress('slot', 'my-app'), action: 'create', reason: 'sync: true and no slot yet', destructive: false, before: null,
    after: { name: 'pgrepl_my_app_1a2b3c4d' }, sqlPreview: [],
    operations: [{ type: 'create-slot', slot: 'pgrepl_my_app_1a2b3c4d', plugin: 'pgoutput', exportSnapshot: true }],
  },
  {
    address: replicationAddress('subscription', 'my-app'), action: 'create', reason: 'sync: true and no subscription yet', destructive: false, before: null,
    after: { name: 'pgrepl_my_app_1a2b3c4d' },
    sqlPreview: ["CREATE SUBSCRIPTION pgrepl_my_app_1a2b3c4d CONNECTION 'host=src port=5432 user=rep password=hunter2 dbname=my_app' PUBLICATION pgrepl_my_app_1a2b3c4d WITH (create_slot = false, copy_data = false)"],
    operations: [{ type: 'create-subscription', subscription: 'pgrepl_my_app_1a2b3c4d', publication: 'pgrepl_my_app_1a2b3c4d', slot: 'pgrepl_my_app_1a2b3c4d', options: { binary: true, streaming: 'parallel' }, copyData: false, enabled: true, comment: 'managed by pgrepl 7d0c1f7e-0000-4000-8000-000000000000', storesPassword: true }],
  },
];

export function everyActionPlan(): Plan {
  return buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
    basedOn: BASIS, steps: STEPS, now: NOW,
    diagnostics: [
      { severity: 'warning', message: 'large objects exist in my-app and are not copied', path: 'databases.my-app', hints: ['set large_objects: copy to copy them'] },
      { severity: 'error', message: 'filter on "Sales"."Order Lines" reads a non-key column and cannot be streamed', position: { file: 'pgrepl.yaml', line: 12, column: 9 } },
    ],
  });
}

export function emptyPlan(): Plan {
  return buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000', basedOn: BASIS, steps: [], now: NOW, diagnostics: [] });
}
