// Table names as users write them: split on the first dot outside double quotes, bare = public, exact and
// case-sensitive, `*`/`?` globs only in unquoted parts.
import { describe, expect, it } from 'vitest';
import { formatTableName, parseTableName, parseTablePattern, tableMatches, tryParseTablePattern } from '../../src/spec/table-pattern.js';
import { InputError } from '../../src/util/errors.js';

const split = (raw: string) => {
  const p = parseTablePattern(raw);
  return [p.schema, p.table];
};

describe('parseTablePattern', () => {
  it('splits schema and table on the first dot; a bare name is in public', () => {
    expect(split('sales.orders')).toEqual(['sales', 'orders']);
    expect(split('orders')).toEqual(['public', 'orders']);
    expect(split('a.b.c')).toEqual(['a', 'b.c']);
    expect(split('  sales.orders  ')).toEqual(['sales', 'orders']);
  });

  it('takes double-quoted parts literally, with "" for a quote', () => {
    expect(split('"my.schema".tbl')).toEqual(['my.schema', 'tbl']);
    expect(split('"Sales"."Order Lines"')).toEqual(['Sales', 'Order Lines']);
    expect(split('sales."a.b"')).toEqual(['sales', 'a.b']);
    expect(split('"say ""hi"""')).toEqual(['public', 'say "hi"']);
    expect(split('"x" . "y"')).toEqual(['x', 'y']);
  });

  it('keeps case, spaces and dashes as written (no SQL folding)', () => {
    expect(split('Sales.Orders')).toEqual(['Sales', 'Orders']);
    expect(split('my-app.Order Lines')).toEqual(['my-app', 'Order Lines']);
    expect(split('ÜberSchema.Straße')).toEqual(['ÜberSchema', 'Straße']);
  });

  it('marks unquoted * and ? as globs, quoted ones as literal', () => {
    const p = parseTablePattern('public.*');
    expect([p.schemaGlob, p.tableGlob]).toEqual([false, true]);
    const q = parseTablePattern('"weird*".t?');
    expect([q.schema, q.schemaGlob, q.table, q.tableGlob]).toEqual(['weird*', false, 't?', true]);
    const bare = parseTablePattern('*');
    expect([bare.schema, bare.schemaGlob, bare.table, bare.tableGlob]).toEqual(['public', false, '*', true]);
  });

  it('refuses bad syntax with an InputError', () => {
    for (const [raw, why] of [
      ['', 'empty table name'],
      ['"open.x', 'unterminated double quote'],
      ['"a"b.c', 'a quoted name must be followed by "." or end the name'],
      ['s."t"x', 'text after the closing quote of the table name'],
      ['a"b.c', 'a double quote inside an unquoted name: quote the whole part ("a""b" for a"b)'],
      ['.orders', 'empty schema name before the dot'],
      ['sales.', 'empty table name after the dot'],
      ['"".x', 'empty quoted name ""'],
    ] as const) {
      expect(tryParseTablePattern(raw)).toEqual({ error: why });
    }
    expect(() => parseTablePattern('"x', { file: 'f.yaml', line: 3, column: 4 })).toThrow(InputError);
    try {
      parseTablePattern('"x', { file: 'f.yaml', line: 3, column: 4 });
    } catch (e) {
      expect((e as InputError).diagnostics[0]).toEqual({ severity: 'error', message: 'unterminated double quote', position: { file: 'f.yaml', line: 3, column: 4 } });
    }
  });

  it('keeps position and raw text', () => {
    const pos = { file: 'p.yaml', line: 1, column: 2 };
    expect(parseTablePattern(' sales.orders ', pos)).toMatchObject({ raw: 'sales.orders', position: pos });
  });
});

describe('parseTableName', () => {
  it('refuses globs but accepts quoted glob characters', () => {
    expect(() => parseTableName('sales.*')).toThrow(/invalid table name/);
    expect(parseTableName('sales."*"')).toEqual({ schema: 'sales', table: '*' });
    expect(parseTableName('Orders')).toEqual({ schema: 'public', table: 'Orders' });
  });
});

describe('tableMatches', () => {
  const t = (schema: string, table: string) => ({ schema, table });
  it('matches exactly and case-sensitively', () => {
    const p = parseTablePattern('sales.orders');
    expect(tableMatches(p, t('sales', 'orders'))).toBe(true);
    expect(tableMatches(p, t('sales', 'Orders'))).toBe(false);
    expect(tableMatches(p, t('Sales', 'orders'))).toBe(false);
    expect(tableMatches(parseTablePattern('orders'), t('public', 'orders'))).toBe(true);
    expect(tableMatches(parseTablePattern('orders'), t('sales', 'orders'))).toBe(false);
  });

  it('globs: * any run (dots and slashes too), ? one character, case-sensitive', () => {
    expect(tableMatches(parseTablePattern('public.*'), t('public', 'a.b/c'))).toBe(true);
    expect(tableMatches(parseTablePattern('public.*'), t('public', '.hidden'))).toBe(true);
    expect(tableMatches(parseTablePattern('public.*'), t('sales', 'x'))).toBe(false);
    expect(tableMatches(parseTablePattern('*.orders'), t('sales', 'orders'))).toBe(true);
    expect(tableMatches(parseTablePattern('log_202?'), t('public', 'log_2024'))).toBe(true);
    expect(tableMatches(parseTablePattern('log_202?'), t('public', 'log_20245'))).toBe(false);
    expect(tableMatches(parseTablePattern('log_?'), t('public', 'log_é'))).toBe(true);
    expect(tableMatches(parseTablePattern('Ord*'), t('public', 'orders'))).toBe(false);
    expect(tableMatches(parseTablePattern('Ord*'), t('public', 'Orders'))).toBe(true);
  });

  it('treats everything but * and ? literally', () => {
    expect(tableMatches(parseTablePattern('my-app.tmp-*'), t('my-app', 'tmp-1'))).toBe(true);
    expect(tableMatches(parseTablePattern('a\\b.c^$|/d*'), t('a\\b', 'c^$|/dx'))).toBe(true);
    expect(tableMatches(parseTablePattern('public.a.c*'), t('public', 'abc'))).toBe(false);
    expect(tableMatches(parseTablePattern('public.[ab]'), t('public', 'a'))).toBe(false);
    expect(tableMatches(parseTablePattern('public.[ab]'), t('public', '[ab]'))).toBe(true);
    expect(tableMatches(parseTablePattern('public.a+b'), t('public', 'aab'))).toBe(false);
    expect(tableMatches(parseTablePattern('public.{a,b}*'), t('public', '{a,b}x'))).toBe(true);
    expect(tableMatches(parseTablePattern('"s*"."t*"'), t('s*', 't*'))).toBe(true);
    expect(tableMatches(parseTablePattern('"s*"."t*"'), t('sx', 'tx'))).toBe(false);
  });
});

describe('formatTableName', () => {
  it('quotes only what needs it and round-trips', () => {
    const names = [
      { schema: 'sales', table: 'orders' },
      { schema: 'my-app', table: 'Order Lines' },
      { schema: 'my.schema', table: 'a"b' },
      { schema: 'public', table: '*' },
      { schema: ' padded ', table: 'Straße' },
    ];
    expect(names.map(formatTableName)).toEqual(['sales.orders', 'my-app."Order Lines"', '"my.schema"."a""b"', 'public."*"', '" padded "."Straße"']);
    for (const n of names) expect(parseTableName(formatTableName(n))).toEqual(n);
  });
});
