// The live CatalogView the old tool's flags and the picker resolve against: which databases a flag may choose,
// which tables (ordinary and partitioned, never a partition, view or foreign table), their date/timestamp columns
// and row estimates, with odd names; then resolveScope end to end on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLiveCatalog, type LiveCatalog } from '../../src/flags/catalog.js';
import { parseScopeFlags } from '../../src/flags/parse-flags.js';
import { resolveScope } from '../../src/flags/resolve-scope.js';
import { parseConnString } from '../../src/pg/conninfo/index.js';
import { getCluster, ident, type Cluster } from '../harness/index.js';

const SETUP = `
CREATE SCHEMA "Odd Schema";
CREATE SCHEMA "dot.ted";
CREATE DOMAIN ts_domain AS timestamptz;
CREATE TABLE public.events (id int PRIMARY KEY, n int, created_at timestamptz, d date, local_ts timestamp(3), t time, dom ts_domain);
CREATE TABLE "Odd Schema"."Mixed.Name ""q""" (id int, "Created At" timestamp without time zone);
CREATE TABLE "dot.ted"."*star?" (id int);
CREATE TABLE public.measures (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE public.measures_2024 PARTITION OF public.measures FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE UNLOGGED TABLE public.scratchpad (id int);
CREATE VIEW public.events_view AS SELECT * FROM public.events;
CREATE MATERIALIZED VIEW public.events_mv AS SELECT id FROM public.events;
INSERT INTO public.events (id, n) SELECT g, g FROM generate_series(1, 500) g;
ANALYZE public.events;
`;

describe('openLiveCatalog', () => {
  let cluster: Cluster;
  const dbs: string[] = [];
  let app = '';
  let other = '';
  let template = '';
  let closed = '';
  let catalog: LiveCatalog;

  beforeAll(async () => {
    cluster = await getCluster({ major: 17 });
    app = await cluster.createDatabase('flags_app');
    other = await cluster.createDatabase('flags_other');
    template = await cluster.createDatabase('flags_tpl');
    closed = await cluster.createDatabase('flags_closed');
    dbs.push(app, other, template, closed);
    await cluster.query(SETUP, [], app);
    await cluster.query('CREATE SCHEMA app; CREATE TABLE app.users (id int, born date); CREATE TABLE public.users (id int);', [], other);
    await cluster.query(`ALTER DATABASE ${ident(template)} IS_TEMPLATE true`);
    await cluster.query(`ALTER DATABASE ${ident(closed)} ALLOW_CONNECTIONS false`);
    catalog = await openLiveCatalog(parseConnString(cluster.url({ database: app }), { env: {} }), { env: {} });
  });

  afterAll(async () => {
    await catalog?.close();
    if (template) await cluster.query(`ALTER DATABASE ${ident(template)} IS_TEMPLATE false`);
    if (closed) await cluster.query(`ALTER DATABASE ${ident(closed)} ALLOW_CONNECTIONS true`);
    for (const d of dbs) await cluster.dropDatabase(d);
  });

  it('lists databases that accept connections and are no templates, without postgres', () => {
    expect(catalog.databases).toContain(app);
    expect(catalog.databases).toContain(other);
    expect(catalog.databases).not.toContain(template);
    expect(catalog.databases).not.toContain(closed);
    expect(catalog.databases).not.toContain('template0');
    expect(catalog.databases).not.toContain('template1');
    expect(catalog.databases).not.toContain('postgres');
  });

  it('reads tables with their time columns and estimates, odd names exact', async () => {
    const tables = await catalog.tables(app);
    expect(tables.map((t) => [t.schema, t.table, t.timeColumns])).toEqual([
      ['Odd Schema', 'Mixed.Name "q"', ['Created At']],
      ['dot.ted', '*star?', []],
      ['public', 'events', ['created_at', 'd', 'local_ts']],
      ['public', 'measures', ['at']],
      ['public', 'scratchpad', []],
    ]);
    expect(tables.find((t) => t.table === 'events')?.estimatedRows).toBe(500);
    expect(await catalog.tables(app)).toBe(tables);
  });

  it('reads another database over its own connection', async () => {
    expect((await catalog.tables(other)).map((t) => `${t.schema}.${t.table}:${t.timeColumns.join(',')}`)).toEqual(['app.users:born', 'public.users:']);
  });

  it('resolves flags against it: db.table vs schema.table, quoted odd names', async () => {
    const scope = parseScopeFlags({
      'include-databases': `${app},${other}`,
      'exclude-tables': `${other}.users`,
      'schema-only-tables': `"Odd Schema"."Mixed.Name ""q"""`,
      'time-filter': [`${app}.events:local_ts:3 days`],
      'table-filter': [`app.users:born > now() - interval '18 years'`],
    });
    const r = await resolveScope(scope, { sourceDatabase: 'postgres', catalog });
    expect(r.databases).toEqual({ kind: 'only', names: [app, other] });
    expect(r.perDatabase).toEqual([
      { name: app, includeTables: null, excludeTables: [], schemaOnly: [{ schema: 'Odd Schema', table: 'Mixed.Name "q"' }], tableFilters: [], timeFilters: [{ schema: 'public', table: 'events', column: 'local_ts', last: '3 days' }] },
      { name: other, includeTables: null, excludeTables: [{ schema: 'public', table: 'users' }], schemaOnly: [], tableFilters: [], timeFilters: [{ schema: 'app', table: 'users', column: 'born', last: '18 years' }] },
    ]);
    await expect(resolveScope(parseScopeFlags({ 'exclude-tables': 'measures_2024' }), { sourceDatabase: app, catalog })).rejects.toThrow(/problem/);
  });
});
