// Scope closure on the real fixture (read by introspectSchema): the objects computeSchemaScope keeps for a
// selection must be enough to create those tables on an empty database (the DDL of the cut-down model applies),
// tables never come along silently, and the errors and warnings name the objects the issue asks for.
import { afterAll, describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../src/model/schema.js';
import { computeSchemaScope } from '../../src/schema/scope.js';
import { type Cluster, getCluster, type Major } from '../harness/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { applyStatements, planWrite, readModel } from './schema-oracle-write.js';

const created: { cluster: Cluster; database: string }[] = [];
afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

function cut(model: SchemaModel, keys: readonly string[]): SchemaModel {
  const keep = new Set(keys);
  return { ...model, objects: model.objects.filter((o) => keep.has(o.key)) };
}

describe.each([12, 17] as Major[])('scope closure on the fixture, PostgreSQL %i', (major) => {
  let cluster: Cluster;
  let model: SchemaModel;

  async function fixtureModel(): Promise<SchemaModel> {
    cluster = await getCluster({ major });
    const database = await cluster.createDatabase('scope_src');
    created.push({ cluster, database });
    await loadSchemaFixture(cluster, database);
    return readModel(cluster, database);
  }

  it('customers + orders + the events tree: everything they need, and the cut-down DDL applies to an empty database', async () => {
    model = await fixtureModel();
    const selected = ['table:fx.customers', 'table:fx.orders', 'table:fx.events'];
    const scope = computeSchemaScope(model, selected);
    expect(scope.errors).toEqual([]);
    expect(scope.objects).toEqual(expect.arrayContaining([
      'schema:fx', 'schema:"Sales Dept"', 'function:fx.next_code(prefix text)', 'function:fx.is_valid_code(code text)', 'function:fx.touch()',
      'function:fx.audit()', 'sequence:fx.invoice_no', 'type:fx.mood', 'type:fx.email', 'type:fx.address', 'type:"Sales Dept".positive_amount',
      'collation:fx."German ICU"', 'collation:fx.case_insensitive', 'extension:btree_gist', 'extension:citext', 'extension:hstore',
      'table:fx.events_2024', 'table:fx.events_2024_click', 'table:fx.events_default', 'view:fx.order_totals', 'view:fx.big_spenders',
      'view:fx.active_customers', 'matview:fx.mood_counts', 'matview:fx.order_stats', 'statistics:fx.customers_stats',
    ]));
    const tables = scope.objects.filter((k) => k.startsWith('table:'));
    expect(tables.filter((k) => !k.startsWith('table:fx.events'))).toEqual(['table:fx.customers', 'table:fx.orders']);
    expect(scope.objects).not.toContain('view:fx.four_wheels');

    const target = await cluster.createDatabase('scope_tgt');
    created.push({ cluster, database: target });
    const { statements } = await planWrite(cut(model, scope.objects), cluster, target, 'copy');
    await applyStatements(cluster, target, statements);
    const [row] = await cluster.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fx' AND c.relkind IN ('r', 'p')", [], target);
    expect(Number(row?.n)).toBe(tables.length);
  });

  it('an FK leaving the selection is an error naming the FK and both tables', () => {
    const scope = computeSchemaScope(model, ['table:fx.orders', 'table:"Sales Dept"."Order Lines"']);
    expect(scope.errors.map((e) => e.message)).toEqual([
      'foreign key "Order Lines_Customer_fkey" of table "Sales Dept"."Order Lines" references table "Sales Dept".customers, which is not selected',
      'foreign key orders_customer_fk of table fx.orders references table fx.customers, which is not selected',
    ]);
  });

  it('an INHERITS parent outside the selection is an error', () => {
    expect(computeSchemaScope(model, ['table:fx.cars']).errors.map((e) => e.message)).toEqual([
      'table fx.cars inherits from table fx.vehicles, which is not selected',
    ]);
  });

  it('a view over a selected and an excluded table is left out with a warning naming both', () => {
    const scope = computeSchemaScope(model, ['table:fx.customers']);
    expect(scope.errors).toEqual([]);
    expect(scope.objects).not.toContain('view:fx.order_totals');
    expect(scope.warnings.map((w) => w.message)).toEqual([
      'view fx.order_totals is left out: it needs table fx.orders, which is not in scope',
    ]);
  });
});
