// Hand-built plans for the apply-engine tests, made the way the planner will make them: roles from buildRoleDdl
// (cluster stage), CREATE DATABASE (cluster stage) merged with the schema diff's database change, one step per
// schema change (diffSchemas against the target's live or empty model + planFromSchemaChanges), then one rows step
// per table (data-copy of each leaf) and per sequence (sequence-values).
import { randomBytes } from 'node:crypto';
import { databaseAddress, roleAddress, rowsAddress } from '../../src/model/address.js';
import type { SchemaModel, TableObject } from '../../src/model/schema.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import { quoteIdent } from '../../src/pg/sql/quote.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { planFromSchemaChanges } from '../../src/plan/from-schema-changes.js';
import type { DatabaseAttributes, RoleAttributes, RowsAttributes } from '../../src/plan/planner/types.js';
import type { DataCopyOperation, Plan, PlanStep } from '../../src/plan/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import type { Cluster } from '../harness/index.js';
import { readModel } from './schema-oracle-write.js';

type Step = Omit<PlanStep, 'index'>;

/** The source of the apply tests: a role, an enum, an FK parent and child, a generated column, sequences, a partitioned table. */
export function sourceSchema(role: string): string {
  return `
CREATE ROLE ${role};
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE shop.customers (id serial PRIMARY KEY, name text NOT NULL, mood shop.mood, created timestamptz DEFAULT now());
CREATE TABLE shop.orders (
  id bigserial PRIMARY KEY, customer_id integer NOT NULL REFERENCES shop.customers (id), total numeric(12, 2), note text,
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED
);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
GRANT USAGE ON SCHEMA shop TO ${role};
ALTER TABLE shop.customers OWNER TO ${role};
GRANT SELECT ON shop.orders TO ${role};
CREATE SEQUENCE shop.invoice_no START 1000;
CREATE SEQUENCE shop.fresh;
CREATE TABLE public.events (id integer NOT NULL, payload jsonb) PARTITION BY RANGE (id);
CREATE TABLE public.events_low PARTITION OF public.events FOR VALUES FROM (MINVALUE) TO (2500);
CREATE TABLE public.events_high PARTITION OF public.events FOR VALUES FROM (2500) TO (MAXVALUE);
INSERT INTO shop.customers (name, mood, created)
  SELECT 'customer ' || i, (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::shop.mood, timestamptz '2024-03-04 05:06:07+00' + i * interval '1 minute'
  FROM generate_series(1, 2000) i;
INSERT INTO shop.orders (customer_id, total, note) SELECT 1 + i % 2000, i / 7.0, 'note ' || i || E' \\t Grüße' FROM generate_series(1, 20000) i;
INSERT INTO public.events SELECT i, jsonb_build_object('i', i, 'tags', ARRAY['a', 'b']) FROM generate_series(1, 5000) i;
SELECT nextval('shop.invoice_no') FROM generate_series(1, 17);
`;
}

export const TABLES = ['shop.customers', 'shop.orders', 'public.events_low', 'public.events_high'];
export const SEQUENCES = ['shop.customers_id_seq', 'shop.orders_id_seq', 'shop.invoice_no', 'shop.fresh'];


export const NOW = new Date('2026-11-26T12:00:00Z');

/** A scratch-pattern name the plan itself creates (dropDatabase accepts it for cleanup). */
export function targetName(prefix: string): string {
  return `pgrepl_t_${prefix}_${randomBytes(4).toString('hex')}`;
}

export interface CopyPlanOptions {
  readonly source: Cluster;
  readonly sourceDb: string;
  readonly target: Cluster;
  readonly targetDb: string;
  /** Plan CREATE DATABASE (the target database does not exist yet). */
  readonly createDatabase: boolean;
  /** Copy steps empty their tables first, all in one group (a re-copy of the whole database). */
  readonly recopy?: boolean;
  /** Only these tables' rows (schema.name); default every table. */
  readonly onlyRows?: readonly string[];
  /** Leave out schema steps (a pure re-copy plan). */
  readonly rowsOnly?: boolean;
  /** A filter for some tables (schema.name -> SQL). */
  readonly filters?: Readonly<Record<string, string>>;
}

function step(address: string, action: PlanStep['action'], after: unknown, operations: PlanStep['operations']): Step {
  return {
    address, action, reason: 'test', destructive: false, before: null, after, operations,
    sqlPreview: operations.flatMap((op) => (op.type === 'sql' ? op.statements.map((s) => s.sql) : [])),
  };
}

function leaves(model: SchemaModel): TableObject[] {
  const tables = model.objects.filter((o): o is TableObject => o.kind === 'table');
  // Partitioned parents hold no rows of their own (FROM ONLY reads nothing): their leaves are copied.
  return tables.filter((t) => t.partitionKey === null);
}

function rootOf(model: SchemaModel, t: TableObject): TableObject {
  let cur = t;
  for (;;) {
    const parent = cur.partitionOf?.parent;
    const p = parent === undefined ? undefined : model.objects.find((o): o is TableObject => o.key === parent && o.kind === 'table');
    if (p === undefined) return cur;
    cur = p;
  }
}

const OWNED_BY = /^ALTER SEQUENCE .* OWNED BY /;

/**
 * Workaround for a schema-diff ordering bug: a sequence change's `ALTER SEQUENCE … OWNED BY t.c` is pre-data of the
 * sequence, which comes before its table, so it runs before CREATE TABLE t (executionOrder has the same order).
 * Moved to post-data here, after every table exists.
 */
function ownedByLater(s: Step): Step {
  const moved = s.operations.flatMap((op) => (op.type === 'sql' && op.stage === 'pre-data' ? op.statements.filter((x) => OWNED_BY.test(x.sql)) : []));
  if (moved.length === 0) return s;
  const operations = s.operations
    .map((op) => (op.type === 'sql' && op.stage === 'pre-data' ? { ...op, statements: op.statements.filter((x) => !OWNED_BY.test(x.sql)) } : op))
    .filter((op) => op.type !== 'sql' || op.statements.length > 0);
  return { ...s, operations: [...operations, { type: 'sql', side: 'target', stage: 'post-data', order: -1, statements: moved }] };
}

export async function buildCopyPlan(o: CopyPlanOptions): Promise<Plan> {
  const model = await readModel(o.source, o.sourceDb);
  const dbKey = o.sourceDb;
  const steps: Step[] = [];
  const existing = (await o.target.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles')).map((r) => r.rolname);

  if (o.rowsOnly !== true) {
    const roles = buildRoleDdl(model.roles, existing, { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: o.target.major });
    for (const r of model.roles) {
      const statements = roles.statements.filter((s) => s.object === `role:${quoteIdent(r.name)}`);
      if (statements.length === 0) continue;
      steps.push(step(roleAddress(r.name), 'create', { name: r.name, created: true } satisfies RoleAttributes, [
        { type: 'sql', side: 'target', stage: 'cluster', order: 0, statements },
      ]));
    }

    let actual: SchemaModel;
    if (o.createDatabase) {
      // The empty database the target will be: any empty database's model, under the target's name.
      const empty = await o.target.createDatabase('apply_empty');
      try {
        const m = await readModel(o.target, empty);
        actual = { ...m, database: { ...m.database, name: o.targetDb } };
      } finally {
        await o.target.dropDatabase(empty);
      }
    } else {
      actual = await readModel(o.target, o.targetDb);
    }
    const changes = diffSchemas(model, actual, { targetMajor: o.target.major, create: { roles: 'copy', targetDatabase: o.targetDb } });
    const schemaSteps = planFromSchemaChanges(dbKey, changes).map(({ index: _index, ...s }) => ownedByLater(s));
    const dbChange = schemaSteps.find((s) => s.address === databaseAddress(dbKey));
    if (o.createDatabase) {
      const create: DdlStatement = { sql: `CREATE DATABASE ${quoteIdent(o.targetDb)}`, transactional: false, phase: 'pre-data', object: `database:${quoteIdent(o.targetDb)}` };
      steps.push(step(databaseAddress(dbKey), 'create', { name: o.targetDb, created: true } satisfies DatabaseAttributes, [
        { type: 'sql', side: 'target', stage: 'cluster', order: 0, statements: [create] },
        ...(dbChange?.operations ?? []),
      ]));
    } else if (dbChange !== undefined) {
      steps.push(dbChange);
    }
    steps.push(...schemaSteps.filter((s) => s !== dbChange));
  }

  const only = o.onlyRows === undefined ? undefined : new Set(o.onlyRows);
  const byRoot = new Map<string, { root: TableObject; ops: DataCopyOperation[] }>();
  for (const t of leaves(model)) {
    const root = rootOf(model, t);
    const name = `${root.schema}.${root.name}`;
    if (only !== undefined && !only.has(name)) continue;
    const entry = byRoot.get(root.key) ?? { root, ops: [] };
    byRoot.set(root.key, entry);
    entry.ops.push({
      type: 'data-copy', table: { schema: t.schema as string, name: t.name },
      columns: t.columns.filter((c) => c.generated === null).map((c) => c.name),
      filter: o.filters?.[name] ?? null,
      truncateFirst: o.recopy === true ? [{ schema: t.schema as string, name: t.name }] : [],
      group: o.recopy === true ? 'recopy' : null,
      estimate: { rows: 1000, bytes: 100_000, seconds: 0.1 },
    });
  }
  for (const { root, ops } of byRoot.values()) {
    const name = `${root.schema}.${root.name}`;
    const after: RowsAttributes = {
      kind: 'table', target_database: o.targetDb, where: o.filters?.[name] ?? null, window: null, filter: o.filters?.[name] ?? null, table_created: o.createDatabase,
    };
    steps.push(step(rowsAddress(dbKey, root.schema as string, root.name), o.recopy === true ? 'replace' : 'create', after, ops));
  }
  if (only === undefined) {
    for (const s of model.objects.filter((x) => x.kind === 'sequence')) {
      const after: RowsAttributes = { kind: 'sequence', target_database: o.targetDb, where: null, window: null, filter: null, table_created: o.createDatabase };
      steps.push(step(rowsAddress(dbKey, s.schema as string, s.name), o.recopy === true ? 'replace' : 'create', after, [
        { type: 'sequence-values', sequences: [{ schema: s.schema as string, name: s.name }] },
      ]));
    }
  }
  return buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
    basedOn: { spec: null, state: null, actual: 'test' }, databases: [{ key: dbKey, target: o.targetDb }], steps, diagnostics: [], now: NOW,
  });
}

const FIXED = "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET bytea_output = hex; ";

/** count(*) and an order-independent hash of every row's text, under fixed settings (pgrepl's code not involved). */
export async function tableHash(cluster: Cluster, database: string, relation: string): Promise<{ n: string; h: string }> {
  const rows = await cluster.query<{ n: string; h: string }>(
    `${FIXED}SELECT count(*)::text AS n, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS h FROM ${relation} t`, [], database,
  );
  return rows[0] as { n: string; h: string };
}

export async function sequenceState(cluster: Cluster, database: string, sequence: string): Promise<{ last_value: string; is_called: boolean }> {
  const rows = await cluster.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text AS last_value, is_called FROM ${sequence}`, [], database);
  return rows[0] as { last_value: string; is_called: boolean };
}

/** pgrepl sessions (application_name pgrepl) on a cluster, optionally of one database; polled until none or timeout. */
export async function pgreplSessions(cluster: Cluster, waitMs = 5_000): Promise<number> {
  const until = Date.now() + waitMs;
  for (;;) {
    const n = (await cluster.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgrepl'"))[0]?.n ?? 0;
    if (n === 0 || Date.now() > until) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}
