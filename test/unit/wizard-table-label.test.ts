import { describe, expect, it } from 'vitest';
import { tableLabel, tableName } from '../../src/flags/wizard/table-label.js';
import { formatSummary } from '../../src/flags/wizard/format-summary.js';

describe('picker labels', () => {
  it('quotes only the parts that need it', () => {
    expect(tableName({ schema: 'public', table: 'events' })).toBe('public.events');
    expect(tableName({ schema: 'My Schema', table: 'a.b"c' })).toBe('"My Schema"."a.b""c"');
  });

  it('shows the estimate, rounded, and says when it is unknown', () => {
    expect(tableLabel({ schema: 'public', table: 't', estimatedRows: 1234567.4, timeColumns: [] })).toBe('public.t (~1,234,567 rows)');
    expect(tableLabel({ schema: 'public', table: 't', estimatedRows: -1, timeColumns: [] })).toBe('public.t (rows unknown)');
  });

  it('summarises a database with settings and one without', () => {
    const lines = formatSummary(
      {
        databases: { kind: 'only', names: ['app', 'b'] },
        perDatabase: [
          { name: 'app', includeTables: null, excludeTables: [{ schema: 'public', table: 'logs' }], schemaOnly: [], tableFilters: [], timeFilters: [] },
        ],
        notes: [],
      },
      ['app', 'b', 'c'],
    );
    expect(lines).toEqual([
      '========================================',
      'Replication configuration summary',
      '========================================',
      'Databases to replicate: 2 of 3',
      '  ✓ app',
      '  ✓ b',
      'Not replicated: c',
      'app:',
      '  Tables excluded: 1',
      '    ✗ public.logs',
      'b: every table, all rows',
      '========================================',
    ]);
  });
});
