// parseScopeFlags + mergeScope + resolveScope against a fake catalog: database choice, the readings of `a.b`,
// ambiguity, now() windows, flags over config, every problem at once.
import { describe, expect, it } from 'vitest';
import { mergeScope, parseScopeFlags, type ScopeFlagValues } from '../../src/flags/parse-flags.js';
import { resolveScope } from '../../src/flags/resolve-scope.js';
import { parseTomlConfig } from '../../src/flags/toml-config.js';
import type { CatalogTable, CatalogView, FlagScope } from '../../src/flags/types.js';
import { InputError, formatDiagnostic } from '../../src/util/errors.js';

const t = (schema: string, table: string, timeColumns: string[] = []): CatalogTable => ({ schema, table, timeColumns, estimatedRows: 10 });

const CATALOG: Record<string, CatalogTable[]> = {
  myapp: [t('public', 'users'), t('public', 'orders', ['created_at']), t('public', 'logs', ['at']), t('public', 'cache'), t('analytics', 'events', ['created_at'])],
  analytics: [t('public', 'events', ['created_at', 'updated_on']), t('public', 'temp_data'), t('public', 'metrics', ['timestamp']), t('public', 'evmlog_strides')],
  shop: [t('public', 'orders', ['created_at']), t('myapp', 'users'), t('Sales', 'Order Lines', ['Shipped At'])],
  production: [t('public', 'audit_logs'), t('public', 'archive_data'), t('public', 'events', ['created_at']), t('public', 'metrics', ['timestamp'])],
};

function catalog(dbs: string[] = Object.keys(CATALOG)): CatalogView & { reads: string[] } {
  const reads: string[] = [];
  return {
    databases: dbs,
    reads,
    tables: async (db) => {
      reads.push(db);
      return CATALOG[db] ?? [];
    },
  };
}

const resolve = (args: ScopeFlagValues, sourceDatabase = 'postgres', dbs?: string[], base?: FlagScope) =>
  resolveScope(base ? mergeScope(base, parseScopeFlags(args)) : parseScopeFlags(args), { sourceDatabase, catalog: catalog(dbs) });

async function problems(p: Promise<unknown> | (() => unknown)): Promise<string[]> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  throw new Error('accepted');
}

describe('parseScopeFlags', () => {
  it('refuses both database flags and both table flags with the guide\'s wording, all at once', async () => {
    expect(await problems(() => parseScopeFlags({ 'include-databases': 'a', 'exclude-databases': 'b', 'include-tables': 'x', 'exclude-tables': 'y', 'table-filter': ['nocolon'] }))).toEqual([
      'Database filters are mutually exclusive - you cannot use both --include-databases and --exclude-databases at the same time',
      'Table filters are mutually exclusive - you cannot use both --include-tables and --exclude-tables at the same time',
      expect.stringContaining('--table-filter "nocolon": no ":"'),
    ]);
  });

  it('reads comma lists and repeated values; an empty list is given but empty', () => {
    const s = parseScopeFlags({ 'include-databases': 'myapp, analytics,myapp', 'schema-only-tables': '', 'exclude-tables': ['a.b,c', 'd'], 'time-filter': 'm:c:1 day' });
    expect(s.includeDatabases).toEqual(['myapp', 'analytics']);
    expect(s.schemaOnlyTables).toEqual([]);
    expect(s.excludeTables?.map((r) => r.parts)).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(s.timeFilters).toHaveLength(1);
    expect(s.tableFilters).toBeUndefined();
    expect(parseScopeFlags({ 'exclude-databases': '"my,db", x.y ,' }).excludeDatabases).toEqual(['my,db', 'x.y']);
  });
});

describe('mergeScope', () => {
  it('puts flags on top: table pair replaced, schema-only added, filters kept for resolveScope to rank', () => {
    const base = parseTomlConfig('[databases.production]\nschema_only = ["audit_logs"]\n[[databases.production.table_filters]]\ntable = "events"\nwhere = "id > 1"\n', 'c.toml');
    const top = parseScopeFlags({ 'schema-only-tables': 'archive_data', 'exclude-tables': 'x' });
    const m = mergeScope({ ...base, includeTables: [] }, top);
    expect(m.schemaOnlyTables?.map((r) => r.raw)).toEqual(['audit_logs', 'archive_data']);
    expect(m.includeTables).toBeUndefined();
    expect(m.excludeTables?.map((r) => r.raw)).toEqual(['x']);
    expect(m.tableFilters).toHaveLength(1);
    expect(mergeScope(base, {})).toEqual(base);
  });
});

describe('resolveScope: databases', () => {
  it('a URL naming a database replicates only it', async () => {
    const r = await resolve({}, 'shop');
    expect(r.databases).toEqual({ kind: 'only', names: ['shop'] });
    expect(r.perDatabase).toEqual([]);
    expect(await resolve({ 'include-databases': 'shop' }, 'shop')).toMatchObject({ databases: { kind: 'only', names: ['shop'] } });
    expect(await problems(resolve({ 'include-databases': 'shop,myapp' }, 'shop'))).toEqual([expect.stringContaining('--include-databases names "myapp", but the source URL names database "shop"')]);
  });

  it('postgres in the URL: include, exclude, or every database', async () => {
    expect((await resolve({ 'include-databases': 'myapp,analytics' })).databases).toEqual({ kind: 'only', names: ['myapp', 'analytics'] });
    expect((await resolve({ 'exclude-databases': 'shop' })).databases).toEqual({ kind: 'all-except', except: ['shop'] });
    expect((await resolve({})).databases).toEqual({ kind: 'all-except', except: [] });
    expect(await problems(resolve({ 'include-databases': 'myap' }))).toEqual([
      '--include-databases: the source has no database "myap" (that accepts connections and is no template)\n  did you mean myapp?',
    ]);
  });
});

describe('resolveScope: tables', () => {
  it('the guide\'s db.table forms', async () => {
    const r = await resolve({ 'include-databases': 'myapp,analytics', 'exclude-tables': 'myapp.logs,myapp.cache,analytics.temp_data', 'schema-only-tables': 'analytics.evmlog_strides', 'time-filter': 'analytics.metrics:timestamp:6 months' });
    expect(r.perDatabase).toEqual([
      { name: 'myapp', includeTables: null, excludeTables: [{ schema: 'public', table: 'logs' }, { schema: 'public', table: 'cache' }], schemaOnly: [], tableFilters: [], timeFilters: [] },
      {
        name: 'analytics',
        includeTables: null,
        excludeTables: [{ schema: 'public', table: 'temp_data' }],
        schemaOnly: [{ schema: 'public', table: 'evmlog_strides' }],
        tableFilters: [],
        timeFilters: [{ schema: 'public', table: 'metrics', column: 'timestamp', last: '6 months' }],
      },
    ]);
  });

  it('schema.table in the URL\'s database, bare names in public, three parts exact', async () => {
    const r = await resolve({ 'schema-only-tables': 'myapp.users,"Sales"."Order Lines"', 'table-filter': ['orders:id > 0'] }, 'shop');
    expect(r.perDatabase).toEqual([
      { name: 'shop', includeTables: null, excludeTables: [], schemaOnly: [{ schema: 'myapp', table: 'users' }, { schema: 'Sales', table: 'Order Lines' }], tableFilters: [{ schema: 'public', table: 'orders', where: 'id > 0' }], timeFilters: [] },
    ]);
    const three = await resolve({ 'exclude-tables': 'shop.myapp.users' });
    expect(three.perDatabase).toEqual([{ name: 'shop', includeTables: null, excludeTables: [{ schema: 'myapp', table: 'users' }], schemaOnly: [], tableFilters: [], timeFilters: [] }]);
  });

  it('refuses a.b when it is both db.table and schema.table, saying how to write each', async () => {
    expect(await problems(resolve({ 'exclude-tables': 'myapp.users' }))).toEqual([
      '--exclude-tables: "myapp.users" is ambiguous: it can be table public.users of database myapp, or table myapp.users of database shop\n  write myapp.public.users for the first, shop.myapp.users for the second',
    ]);
    // Only one reading once the databases are chosen.
    const r = await resolve({ 'include-databases': 'myapp', 'exclude-tables': 'myapp.users' });
    expect(r.perDatabase[0]?.excludeTables).toEqual([{ schema: 'public', table: 'users' }]);
  });

  it('a bare name in every chosen database that has it; --include-tables keeps only databases with an included table', async () => {
    const r = await resolve({ 'include-tables': 'orders' });
    expect(r.databases).toEqual({ kind: 'only', names: ['myapp', 'shop'] });
    expect(r.perDatabase.map((d) => [d.name, d.includeTables])).toEqual([
      ['myapp', [{ schema: 'public', table: 'orders' }]],
      ['shop', [{ schema: 'public', table: 'orders' }]],
    ]);
    expect(r.notes).toEqual(['--include-tables names no table of databases analytics, production: not replicated']);
  });

  it('names what it looked for, with close matches, every problem at once', async () => {
    expect(await problems(resolve({ 'include-databases': 'myapp,analytics', 'exclude-tables': 'myapp.user,nosuch.thing,evnts,other.myapp.x', 'time-filter': 'analytics.public.events:created:1 day' }))).toEqual([
      '--exclude-tables: "myapp.user": no table public.user in database myapp, and no table myapp.user in any of the databases myapp, analytics\n  did you mean myapp.public.users, myapp.public.orders?',
      '--exclude-tables: "nosuch.thing": no table nosuch.thing in any of the databases myapp, analytics',
      '--exclude-tables: "evnts": no table public.evnts in any of the databases myapp, analytics\n  did you mean myapp.analytics.events, analytics.public.events?',
      '--exclude-tables: "other.myapp.x": names database "other", which is not replicated',
      '--time-filter: analytics.public.events has no date or timestamp column "created"\n  its date/timestamp columns: created_at, updated_on',
    ]);
  });
});

describe('resolveScope: filters', () => {
  it('turns a now() predicate into a time window with a note', async () => {
    const r = await resolve({ 'table-filter': ["analytics.events:created_at > NOW() - INTERVAL '90 days'", "transactions:status IN ('active','pending')".replace('transactions', 'orders')] }, 'myapp');
    expect(r.perDatabase[0]).toMatchObject({
      name: 'myapp',
      timeFilters: [{ schema: 'analytics', table: 'events', column: 'created_at', last: '90 days' }],
      tableFilters: [{ schema: 'public', table: 'orders', where: "status IN ('active','pending')" }],
    });
    expect(r.notes).toEqual([
      'myapp.analytics.events: created_at > NOW() - INTERVAL \'90 days\' became a time window (column created_at, last 90 days), anchored at the first copy so it can be streamed (">" is taken as ">=" at the anchored instant)',
    ]);
  });

  it('keeps a now() predicate on a column that is no time column as a predicate, with a note', async () => {
    const r = await resolve({ 'table-filter': ["users:id > now() - interval '1 day'"] }, 'myapp');
    expect(r.perDatabase[0]?.tableFilters).toHaveLength(1);
    expect(r.notes[0]).toContain('stays a predicate');
    expect(r.notes[1]).toBe('myapp.public.users: the filter calls now, which change with time or session, so it filters the copy only: the table cannot be kept in sync with it (use a time filter, or an immutable predicate)');
  });

  it('takes one predicate and one window per table; refuses two of a kind and a filter on a schema-only or excluded table', async () => {
    const both = await resolve({ 'table-filter': ['orders:id > 1'], 'time-filter': ['orders:created_at:1 day'] }, 'myapp');
    expect(both.perDatabase[0]?.tableFilters).toEqual([{ schema: 'public', table: 'orders', where: 'id > 1' }]);
    expect(both.perDatabase[0]?.timeFilters).toEqual([{ schema: 'public', table: 'orders', column: 'created_at', last: '1 day' }]);
    expect(await problems(resolve({ 'table-filter': ['orders:id > 1', 'orders:id < 9'], 'schema-only-tables': 'users', 'exclude-tables': 'logs' }, 'myapp'))).toEqual([
      expect.stringContaining('myapp.public.orders has 2 predicates ("id > 1" from --table-filter; "id < 9" from --table-filter): a table takes one of each'),
    ]);
    expect(await problems(resolve({ 'table-filter': ['users:id > 1', 'logs:id > 1'], 'schema-only-tables': 'users', 'exclude-tables': 'logs' }, 'myapp'))).toEqual([
      '--table-filter: a filter on myapp.public.users, which is schema-only: it gets no rows',
      '--table-filter: a filter on myapp.public.logs, which --exclude-tables leaves out',
    ]);
  });

  it('lets the flags override the config per table', async () => {
    const config = parseTomlConfig(
      [
        '[databases.production]',
        'schema_only = ["audit_logs", "archive_data"]',
        '[[databases.production.table_filters]]',
        'table = "events"',
        'where = "created_at > NOW() - INTERVAL \'90 days\'"',
        '[[databases.production.time_filters]]',
        'table = "metrics"',
        'column = "timestamp"',
        'last = "6 months"',
        '[databases.gone]',
        'schema_only = ["x"]',
      ].join('\n'),
      'replication.toml',
    );
    expect(await problems(resolve({}, 'postgres', undefined, config))).toEqual([expect.stringContaining('replication.toml:11:16: [databases.gone]: the source has no database "gone"')]);
    const { schemaOnlyTables, ...rest } = config;
    const base = { ...rest, schemaOnlyTables: schemaOnlyTables?.filter((r) => r.database === 'production') };
    const r = await resolve({ 'time-filter': 'events:created_at:7 days', 'table-filter': 'archive_data:id > 5', 'schema-only-tables': 'metrics' }, 'production', undefined, base);
    expect(r.perDatabase).toEqual([
      {
        name: 'production',
        includeTables: null,
        excludeTables: [],
        schemaOnly: [{ schema: 'public', table: 'audit_logs' }, { schema: 'public', table: 'metrics' }],
        tableFilters: [{ schema: 'public', table: 'archive_data', where: 'id > 5' }],
        timeFilters: [{ schema: 'public', table: 'events', column: 'created_at', last: '7 days' }],
      },
    ]);
    expect(r.notes).toEqual([
      expect.stringContaining('production.public.events: created_at > NOW()'),
      "production.public.events: the flag's filter replaces the config's (replication.toml:3:1)",
      "production.public.archive_data: the flag's filter takes the table out of the config's schema_only",
      "production.public.metrics: --schema-only-tables drops the config's filter (replication.toml:6:1)",
    ]);
  });

  it('skips the rules of a config database that is not replicated, with a note', async () => {
    const config = parseTomlConfig('[databases.production]\nschema_only = ["audit_logs"]\n', 'c.toml');
    const r = await resolve({ 'include-databases': 'myapp' }, 'postgres', undefined, config);
    expect(r.perDatabase).toEqual([]);
    expect(r.notes).toEqual(['c.toml:2:16: the rules for database production are not used: it is not replicated']);
  });
});

describe('the guide\'s TOML through the flags path and through spec from-toml', () => {
  it('gives the same raw spec', async () => {
    const { readFileSync } = await import('node:fs');
    const { rawSpecFromScope } = await import('../../src/flags/raw-spec.js');
    const { rawSpecFromTomlText } = await import('../../src/flags/from-toml.js');
    const text = readFileSync(new URL('../fixtures/flags/guide.toml', import.meta.url), 'utf8');
    const servers = { sourceUrl: 'postgres://u@s/postgres', targetUrl: 'postgres://u@t/postgres', sync: true, env: {} };
    const resolved = await resolve({}, 'postgres', undefined, parseTomlConfig(text, 'replication.toml'));
    const viaFlags = rawSpecFromScope(resolved, servers);
    const viaToml = rawSpecFromTomlText(text, 'replication.toml', { source: servers.sourceUrl, target: servers.targetUrl, sync: true, env: {} }).spec;
    expect(viaFlags).toEqual(viaToml);
    expect(viaFlags['databases']).toEqual({
      production: {
        schema_only: ['public.audit_logs', 'public.archive_data'],
        time_filters: [
          { schema: 'public', table: 'events', column: 'created_at', last: '90 days' },
          { schema: 'public', table: 'metrics', column: 'timestamp', last: '6 months' },
        ],
      },
    });
  });
});

describe('resolveScope: config problems are placed at their line', () => {
  it('names file:line:col once', async () => {
    const config = parseTomlConfig('[databases.myapp]\nschema_only = ["nosuch"]\n[[databases.myapp.time_filters]]\ntable = "orders"\ncolumn = "id"\nlast = "1 day"\n', 'c.toml');
    expect(await problems(resolveScope(config, { sourceDatabase: 'myapp', catalog: catalog() }))).toEqual([
      'c.toml:2:16: "nosuch": database "myapp" has no table public.nosuch',
      'c.toml:3:1: myapp.public.orders has no date or timestamp column "id"\n  its date/timestamp columns: created_at',
    ]);
  });
});
