// The demo's result table and its judgement of the copy.
import { describe, expect, it } from 'vitest';
import { DEMO_TABLE_RULES } from '../../src/demo/demo-spec.js';
import { judgeRows, renderRowTable, type RowCount } from '../../src/demo/row-table.js';

const [window, filter, schemaOnly] = DEMO_TABLE_RULES;
if (!window || !filter || !schemaOnly) throw new Error('rules missing');

const GOOD: RowCount[] = [
  { table: { schema: 'sales', table: 'orders' }, source: 1500, target: 1500 },
  { table: window.table, source: 2000, target: 246, rule: window },
  { table: filter.table, source: 400, target: 320, rule: filter },
  { table: schemaOnly.table, source: 600, target: 0, rule: schemaOnly },
];

describe('row table', () => {
  it('renders aligned counts with the rule of each table', () => {
    expect(renderRowTable(GOOD)).toBe(
      [
        '  table                source  target',
        '  sales.orders          1,500   1,500',
        '  sales.events          2,000     246  last 90 days',
        "  sales.leads             400     320  where region <> 'test'",
        '  archive.orders_2019     600       0  schema only',
        '',
      ].join('\n'),
    );
  });

  it('finds nothing wrong with a good copy', () => {
    expect(judgeRows(GOOD)).toEqual([]);
  });

  it('names every way a copy can be wrong', () => {
    const bad: RowCount[] = [
      { table: { schema: 'sales', table: 'orders' }, source: 1500, target: 1499 },
      { table: { schema: 'sales', table: 'customers' }, source: 250, target: null },
      { table: window.table, source: 2000, target: 2001, rule: window },
      { table: schemaOnly.table, source: 600, target: 600, rule: schemaOnly },
    ];
    expect(judgeRows(bad)).toEqual([
      'sales.orders has 1,499 rows on the target, 1,500 on the source',
      'sales.customers is missing on the target',
      'sales.events has more rows on the target (2,001) than on the source (2,000)',
      'archive.orders_2019 is schema-only but has 600 rows on the target',
    ]);
    expect(renderRowTable(bad)).toContain('  sales.customers         250  missing');
  });
});
