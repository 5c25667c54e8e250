// What a spec selects on a live catalog: tables (never partitions alone, views or foreign tables) and
// databases (never templates, postgres or provider databases by rule), with close matches for names that
// match nothing.
import { describe, expect, it } from 'vitest';
import { resolveSpecObject } from '../../src/spec/load.js';
import type { DatabaseSpec, Spec } from '../../src/spec/model.js';
import { SYSTEM_DATABASES, selectDatabases, selectTables, type CatalogTable } from '../../src/spec/scope.js';

const BASE = { version: 1, source: { url: 'postgres://s/db' }, target: { url: 'postgres://t/db' } };

function spec(extra: Record<string, unknown>): Spec {
  return resolveSpecObject({ ...BASE, ...extra }, { file: null, env: {} });
}

function db(settings: Record<string, unknown>): DatabaseSpec {
  const s = spec({ databases: { shop: settings } });
  const d = s.databases[0];
  if (!d) throw new Error('no database');
  return d;
}

const CATALOG: CatalogTable[] = [
  { schema: 'public', table: 'orders', kind: 'table' },
  { schema: 'public', table: 'Customers', kind: 'table' },
  { schema: 'public', table: 'audit_log', kind: 'table' },
  { schema: 'public', table: 'events', kind: 'partitioned' },
  { schema: 'public', table: 'events_2024', kind: 'partition', partitionRoot: { schema: 'public', table: 'events' } },
  { schema: 'public', table: 'events_2025', kind: 'partition', partitionRoot: { schema: 'public', table: 'events' } },
  { schema: 'public', table: 'order_totals', kind: 'view' },
  { schema: 'public', table: 'daily_stats', kind: 'matview' },
  { schema: 'public', table: 'remote_things', kind: 'foreign' },
  { schema: 'public', table: 'cache', kind: 'table', unlogged: true },
  { schema: 'sales', table: 'orders', kind: 'table' },
  { schema: 'sales', table: 'Order Lines', kind: 'table' },
  { schema: 'my.schema', table: 'x', kind: 'table' },
];

const names = (ts: readonly CatalogTable[]) => ts.map((t) => `${t.schema}.${t.table}`);

describe('selectTables', () => {
  it('selects tables and partitioned roots, never partitions, views, matviews or foreign tables', () => {
    const r = selectTables(db({}), CATALOG);
    expect(names(r.selected)).toEqual([
      'public.orders',
      'public.Customers',
      'public.audit_log',
      'public.events',
      'public.cache',
      'sales.orders',
      'sales.Order Lines',
      'my.schema.x',
    ]);
    expect(r.schemaOnly).toEqual([]);
    expect(r.unmatched).toEqual([]);
  });

  it('applies include globs case-sensitively, and schema_only within scope', () => {
    const r = selectTables(db({ include_tables: ['public.*', 'sales.O*', '"my.schema".*'], schema_only: ['audit_*'] }), CATALOG);
    expect(names(r.selected)).toEqual(['public.orders', 'public.Customers', 'public.events', 'public.cache', 'sales.Order Lines', 'my.schema.x']);
    expect(names(r.schemaOnly)).toEqual(['public.audit_log']);
    expect(r.unmatched).toEqual([]);
  });

  it('applies exclude_tables', () => {
    const r = selectTables(db({ exclude_tables: ['sales.*', 'public.c*'] }), CATALOG);
    expect(names(r.selected)).toEqual(['public.orders', 'public.Customers', 'public.audit_log', 'public.events', 'my.schema.x']);
  });

  it('reports names that match nothing with close matches and the reason', () => {
    const r = selectTables(
      db({
        include_tables: ['orderz', 'customers', 'events_2024', 'order_totals', 'Order Lines', 'public.*'],
        schema_only: ['sales.orders'],
        table_filters: [{ table: 'remote_things', where: 'x' }],
        time_filters: [{ schema: 'public', table: 'evnts', column: 'at', last: '1 day' }],
      }),
      CATALOG,
    );
    expect(r.unmatched.map((u) => ({ raw: u.pattern.raw, role: u.role, suggestions: u.suggestions, note: u.note }))).toEqual([
      { raw: 'orderz', role: 'include_tables', suggestions: ['public.orders'], note: undefined },
      { raw: 'customers', role: 'include_tables', suggestions: ['public.Customers'], note: undefined },
      {
        raw: 'events_2024',
        role: 'include_tables',
        suggestions: ['public.events'],
        note: 'it is a partition of public.events: select the partitioned table, which brings every partition',
      },
      { raw: 'order_totals', role: 'include_tables', suggestions: ['public.orders'], note: 'it is a view: only tables hold rows to copy (views come with the schema)' },
      { raw: 'Order Lines', role: 'include_tables', suggestions: ['sales."Order Lines"'], note: undefined },
      { raw: 'sales.orders', role: 'schema_only', suggestions: ['public.orders'], note: 'only tables outside include_tables/exclude_tables match it' },
      { raw: 'public.remote_things', role: 'table_filters', suggestions: [], note: 'it is a foreign table: its rows live on another server' },
      { raw: 'public.evnts', role: 'time_filters', suggestions: ['public.events'], note: undefined },
    ]);
    expect(r.unmatched[0]?.pattern.position).toBeUndefined();
  });

  it('marks entries inherited from defaults, which may match nothing in one database', () => {
    const s = spec({ defaults: { exclude_tables: ['public.tmp_*'] }, databases: { shop: {} } });
    const r = selectTables(s.databases[0] as DatabaseSpec, CATALOG);
    expect(r.unmatched).toHaveLength(1);
    expect(r.unmatched[0]).toMatchObject({ role: 'exclude_tables', fromDefaults: true });
  });
});

describe('selectDatabases', () => {
  const AVAILABLE = ['postgres', 'template1', 'shop', 'crm', 'analytics', 'rdsadmin', 'azure_maintenance', 'cloudsqladmin', 'scratch_1', 'Reports'];

  it('returns listed databases and reports missing ones with suggestions', () => {
    const r = selectDatabases(spec({ databases: { shop: {}, crn: {}, reports: {} } }), AVAILABLE);
    expect(r.databases.map((d) => d.key)).toEqual(['shop']);
    expect(r.unmatched).toEqual([
      { name: 'crn', suggestions: ['crm'], source: 'databases' },
      { name: 'reports', suggestions: ['Reports'], source: 'databases' },
    ]);
  });

  it('exclude_databases starts from every database but templates, postgres and provider databases', () => {
    const r = selectDatabases(spec({ exclude_databases: ['scratch_*'], defaults: { sync: false } }), AVAILABLE);
    expect(r.databases.map((d) => d.key)).toEqual(['shop', 'crm', 'analytics', 'Reports']);
    expect(r.databases.every((d) => d.sync === false && d.targetDatabase === d.key)).toBe(true);
    expect(r.unmatched).toEqual([]);
    expect(SYSTEM_DATABASES).toEqual(expect.arrayContaining(['template0', 'template1', 'postgres', 'rdsadmin', 'azure_maintenance', 'cloudsqladmin']));
  });

  it('listed databases keep their settings next to rule-chosen ones', () => {
    const r = selectDatabases(spec({ exclude_databases: [], databases: { crm: { sync: false, target_database: 'crm2' } } }), AVAILABLE);
    expect(r.databases.map((d) => [d.key, d.targetDatabase, d.sync])).toEqual([
      ['crm', 'crm2', false],
      ['shop', 'shop', true],
      ['analytics', 'analytics', true],
      ['scratch_1', 'scratch_1', true],
      ['Reports', 'Reports', true],
    ]);
  });

  it('include globs never reach system databases; a name written out does', () => {
    expect(selectDatabases(spec({ include_databases: ['*'] }), AVAILABLE).databases.map((d) => d.key)).toEqual(['shop', 'crm', 'analytics', 'scratch_1', 'Reports']);
    expect(selectDatabases(spec({ include_databases: ['postgres', 'sh?p'] }), AVAILABLE).databases.map((d) => d.key)).toEqual(['postgres', 'shop']);
  });

  it('reports include and exclude entries that match nothing, case-sensitively', () => {
    const r = selectDatabases(spec({ include_databases: ['reports', 'analytic', 'nothing_*'] }), AVAILABLE);
    expect(r.databases).toEqual([]);
    expect(r.unmatched).toEqual([
      { name: 'reports', suggestions: ['Reports'], source: 'include_databases' },
      { name: 'analytic', suggestions: ['analytics'], source: 'include_databases' },
      { name: 'nothing_*', suggestions: [], source: 'include_databases' },
    ]);
    expect(selectDatabases(spec({ exclude_databases: ['shopp'] }), AVAILABLE).unmatched).toEqual([{ name: 'shopp', suggestions: ['shop'], source: 'exclude_databases' }]);
  });

  it('leaves out a rule-chosen database whose target is taken by a rename', () => {
    const r = selectDatabases(spec({ include_databases: ['crm', 'shop'], databases: { analytics: { target_database: 'crm' } } }), AVAILABLE);
    expect(r.databases.map((d) => d.key)).toEqual(['analytics', 'shop']);
    expect(r.conflicts).toEqual([{ name: 'crm', message: '"crm" is chosen by include_databases but "analytics" is already replicated into a target database of that name' }]);
  });
});
