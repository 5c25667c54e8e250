// Pure parts of verify's output: diffing (key, row hash) lists, the capped key lists, and the text rendering of a
// report (per-table table, key lines, schema differences, summary).
import { describe, expect, it } from 'vitest';
import { DifferenceCollector, KEY_LIST_CAP, compareKeys, diffRowHashes } from '../../src/verify/diff-row-hashes.js';
import { copyAgainCommand, describeDifferences, renderVerifyText } from '../../src/render/verify/render-verify-text.js';
import { verifyExitCode } from '../../src/verify/run-verify.js';
import type { DatabaseReport, TableReport, VerifyReport } from '../../src/verify/types.js';

const rh = (k: string, h: string): { key: string[]; hash: string } => ({ key: [k], hash: h });

describe('diffRowHashes', () => {
  it('splits keys into changed, missing on the target and extra on the target', () => {
    const d = diffRowHashes([rh('1', 'a'), rh('2', 'b'), rh('3', 'c')], [rh('1', 'a'), rh('2', 'B'), rh('4', 'd')]);
    expect(d).toEqual({ changed: [['2']], missing: [['3']], extra: [['4']] });
  });
  it('compares composite keys by every value', () => {
    const d = diffRowHashes([{ key: ['eu', '7'], hash: 'x' }], [{ key: ['eu', '7'], hash: 'x' }, { key: ['eu', '8'], hash: 'y' }]);
    expect(d).toEqual({ changed: [], missing: [], extra: [['eu', '8']] });
  });
});

describe('DifferenceCollector', () => {
  it('caps each list, counts everything and sorts keys numerically', () => {
    const c = new DifferenceCollector();
    c.add({ changed: [['10'], ['9']], missing: Array.from({ length: KEY_LIST_CAP + 5 }, (_, i) => [String(i)]), extra: [] });
    const r = c.result();
    expect(r.changed).toEqual([['9'], ['10']]);
    expect(r.missing).toHaveLength(KEY_LIST_CAP);
    expect(r.truncated).toBe(true);
    expect(r.counts).toEqual({ changed: 2, missing: KEY_LIST_CAP + 5, extra: 0 });
  });
  it('orders text keys by code point', () => {
    expect([['b'], ['B'], ['a']].sort(compareKeys)).toEqual([['B'], ['a'], ['b']]);
  });
});

const table = (over: Partial<TableReport>): TableReport => ({
  table: 'sales.orders', key: ['id'], filter: null, rows: { source: 10, target: 10 }, chunks: { total: 1, checked: 1, differing: 0 },
  outcome: 'equal', differences: null, notes: [], error: null, seconds: 0.5, ...over,
});

const report = (tables: TableReport[], schemaDifferences: string[] = []): VerifyReport => ({
  format_version: '1', checkedAt: '2026-11-26T10:00:00.000Z', samplePercent: null,
  databases: [{ key: 'shop', targetDatabase: 'shop_copy', schemaDifferences, tables }],
  summary: {
    tables: tables.length, equal: tables.filter((t) => t.outcome === 'equal').length, different: tables.filter((t) => t.outcome === 'different').length,
    changedDuringCheck: tables.filter((t) => t.outcome === 'changed-during-check').length, errors: tables.filter((t) => t.outcome === 'error').length,
    schemaDifferences: schemaDifferences.length,
  },
  seconds: 1.25,
});

describe('describeDifferences', () => {
  it('reads like the issue asks', () => {
    expect(describeDifferences({ changed: [['1041'], ['1042'], ['2977']], missing: [['5001']], extra: [['7000']], truncated: false })).toBe(
      '3 rows differ, keys 1041, 1042, 2977; 1 row missing on target: 5001; 1 extra row on target: 7000',
    );
    expect(describeDifferences({ changed: [['eu', '7']], missing: [], extra: [], truncated: false })).toBe('1 row differs, key (eu, 7)');
  });
  it('says how many more keys than listed', () => {
    expect(describeDifferences({ changed: [], missing: [['1'], ['2']], extra: [], truncated: true, counts: { changed: 0, missing: 5, extra: 0 } })).toBe(
      '5 rows missing on target: 1, 2, … (3 more)',
    );
  });
});

describe('renderVerifyText', () => {
  it('prints the table, the differing keys, the schema differences and a summary', () => {
    const text = renderVerifyText(report([
      table({ table: 'public.items', rows: { source: 3, target: 3 } }),
      table({
        outcome: 'different', rows: { source: 5000, target: 5000 }, chunks: { total: 4, checked: 4, differing: 1 },
        differences: { changed: [['1041']], missing: [], extra: [], truncated: false },
      }),
      table({ table: 'public.log', key: null, outcome: 'different', rows: { source: 20, target: 21 }, notes: ['no key: whole-table count and hash, no drill-down'] }),
    ], ['table:public.gone missing on the target']));
    expect(text).toBe([
      'Database shop -> shop_copy',
      '  table         rows source  rows target  chunks  result      time',
      '  public.items            3            3       1  equal      0.50s',
      '  sales.orders         5000         5000       4  DIFFERENT  0.50s',
      '  public.log             20           21       1  DIFFERENT  0.50s',
      '',
      '  sales.orders: 1 row differs, key 1041',
      '  public.log: rows differ (source 20, target 21 rows)',
      '    note: no key: whole-table count and hash, no drill-down',
      '',
      "  To copy the data that differs again: pgrepl apply --replace 'target.rows.shop.sales.orders' --replace 'target.rows.shop.public.log' --allow-destroy",
      '',
      '  Schema differences (1):',
      '    table:public.gone missing on the target',
      '',
      'Verify: 3 tables checked, 1 equal, 2 different, 1 schema difference (1.25 s).',
      '',
    ].join('\n'));
  });
});

describe('copyAgainCommand', () => {
  it('names each differing table\'s rows and the large objects, quoted for a shell, and nothing when all is equal', () => {
    const db = report([
      table({ table: '"Sales"."Order Lines"', outcome: 'different' }),
      table({ table: 'public."it\'s"', outcome: 'different' }),
      table({ table: 'public.items' }),
    ]).databases[0] as DatabaseReport;
    expect(copyAgainCommand({ ...db, key: 'my-app' })).toBe(
      `pgrepl apply --replace 'target.rows["my-app"]["Sales"]["Order Lines"]' --replace 'target.rows["my-app"].public["it'\\''s"]' --allow-destroy`,
    );
    expect(copyAgainCommand(report([table({})]).databases[0] as DatabaseReport)).toBeNull();
  });
});

describe('verifyExitCode', () => {
  it('0 equal, 2 differences (rows or schema), 1 errors; changed during check alone is not a difference', () => {
    expect(verifyExitCode(report([table({})]))).toBe(0);
    expect(verifyExitCode(report([table({ outcome: 'changed-during-check' })]))).toBe(0);
    expect(verifyExitCode(report([table({ outcome: 'different' })]))).toBe(2);
    expect(verifyExitCode(report([table({})], ['x']))).toBe(2);
    expect(verifyExitCode(report([table({ outcome: 'error', error: 'gone' }), table({ outcome: 'different' })]))).toBe(1);
  });
});
