// The old tool's TOML config (its guide's examples verbatim, in test/fixtures/flags) -> FlagScope pieces, and
// every problem at once with file:line:column.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTomlConfig } from '../../src/flags/toml-config.js';
import { InputError, formatDiagnostic } from '../../src/util/errors.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/flags');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function problemsOf(text: string, file = 'replication.toml'): string[] {
  try {
    parseTomlConfig(text, file);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  throw new Error('accepted');
}

describe('parseTomlConfig', () => {
  it('reads the guide\'s "Complex Filtering with Config File" example', () => {
    const scope = parseTomlConfig(fixture('guide.toml'), 'replication.toml');
    expect(scope.schemaOnlyTables).toEqual([
      { parts: ['audit_logs'], raw: 'audit_logs', origin: 'replication.toml:4:1', database: 'production', position: { file: 'replication.toml', line: 4, column: 1 } },
      { parts: ['archive_data'], raw: 'archive_data', origin: 'replication.toml:5:1', database: 'production', position: { file: 'replication.toml', line: 5, column: 1 } },
    ]);
    expect(scope.tableFilters).toEqual([
      {
        ref: { parts: ['events'], raw: 'events', origin: 'replication.toml:8:1', database: 'production', position: { file: 'replication.toml', line: 8, column: 1 } },
        where: "created_at > NOW() - INTERVAL '90 days'",
      },
    ]);
    expect(scope.timeFilters).toEqual([
      {
        ref: { parts: ['metrics'], raw: 'metrics', origin: 'replication.toml:12:1', database: 'production', position: { file: 'replication.toml', line: 12, column: 1 } },
        column: 'timestamp',
        last: '6 months',
      },
    ]);
    expect(scope.includeTables).toBeUndefined();
  });

  it('reads the schema-field example: dot notation and an explicit schema', () => {
    const scope = parseTomlConfig(fixture('guide-schema.toml'), 'c.toml');
    expect(scope.schemaOnlyTables?.map((r) => [r.database, r.parts, r.origin])).toEqual([
      ['mydb', ['analytics', 'evmlog_strides'], 'c.toml:4:1'],
      ['mydb', ['reporting', 'archive'], 'c.toml:5:1'],
    ]);
    const f = scope.tableFilters?.[0];
    expect(f?.ref).toMatchObject({ parts: ['events'], schema: 'analytics', database: 'mydb', raw: 'analytics.events', origin: 'c.toml:8:1' });
    const w = scope.timeFilters?.[0];
    expect(w).toMatchObject({ column: 'timestamp', last: '6 months', ref: { parts: ['metrics'], schema: 'analytics', origin: 'c.toml:13:1' } });
  });

  it('reports an unknown key with its line and a "did you mean", and the missing key it stands for', () => {
    expect(problemsOf(fixture('unknown-key.toml'), 'replication.toml')).toEqual([
      'replication.toml:4:1: databases.production.table_filters[0]: missing required key "where"',
      'replication.toml:6:1: databases.production.table_filters[0].wher: unknown key "wher"; did you mean "where"?',
    ]);
  });

  it('reports every problem at once: types, windows, unknown keys at each level, bad names', () => {
    const text = [
      'databses = 1',
      '[databases.shop]',
      'schema_only = ["a..b", 3,',
      '  "x.y.z"]',
      'table_filter = []',
      '[[databases.shop.table_filters]]',
      'table = "orders"',
      'where = 5',
      '[[databases.shop.time_filters]]',
      'table = "events"',
      'column = "at"',
      'last = "6 fortnights"',
      '[[databases.shop.time_filters]]',
      'column = "at"',
      'last = "1 year"',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'replication.toml:1:1: databses: unknown key "databses"; did you mean "databases"?',
      'replication.toml:3:16: databases.shop.schema_only[0]: invalid table name "a..b": empty name part (two dots, or a dot at an end)',
      'replication.toml:3:24: databases.shop.schema_only[1]: must be a table name (a string), not a number',
      'replication.toml:4:3: databases.shop.schema_only[2]: "x.y.z": write [schema.]table here (the database is "shop" from the table header); quote a name that holds a dot',
      'replication.toml:5:1: databases.shop.table_filter: unknown key "table_filter"; did you mean "table_filters"?',
      'replication.toml:8:9: databases.shop.table_filters[0].where: must be a string, not a number',
      'replication.toml:12:8: databases.shop.time_filters[0].last: "6 fortnights" is not a window: a positive whole number and a unit (seconds, minutes, hours, days, weeks, months, years), e.g. "6 months"',
      'replication.toml:13:1: databases.shop.time_filters[1]: missing required key "table"',
    ]);
  });

  it('gives a syntax error its line and column', () => {
    expect(problemsOf('[databases.shop]\nschema_only = ["a"\n')).toEqual([expect.stringMatching(/^replication\.toml:\d+:\d+: invalid TOML: /)]);
  });

  it('reads quoted database names and keys, inline tables and dotted keys', () => {
    const text = [
      '[databases."my-app.v2"]',
      'schema_only = [ "\\"Odd.Schema\\".\\"T\\"", \'public.plain\' ]',
      'table_filters = [ { table = "orders", where = "id > 0" } ]',
      '[databases]',
      'other.time_filters = [ { table = "e", column = "c", last = "1 day" } ]',
    ].join('\n');
    const scope = parseTomlConfig(text, 'x.toml');
    expect(scope.schemaOnlyTables?.map((r) => [r.database, r.parts, r.origin])).toEqual([
      ['my-app.v2', ['Odd.Schema', 'T'], 'x.toml:2:17'],
      ['my-app.v2', ['public', 'plain'], 'x.toml:2:41'],
    ]);
    expect(scope.tableFilters?.[0]?.ref.database).toBe('my-app.v2');
    expect(scope.timeFilters?.[0]).toMatchObject({ ref: { database: 'other', parts: ['e'] }, column: 'c', last: '1 day' });
  });

  it('leaves kinds it was not given undefined, so flags and memory can supply them', () => {
    expect(parseTomlConfig('[databases.a]\nschema_only = []\n', 'f.toml')).toEqual({ schemaOnlyTables: [] });
    expect(parseTomlConfig('', 'f.toml')).toEqual({});
  });
});
