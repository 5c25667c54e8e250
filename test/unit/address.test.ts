import { describe, expect, it } from 'vitest';
import {
  databaseAddress, formatAddress, parseAddress, replicationAddress, roleAddress, rowsAddress, schemaObjectAddress,
  type AddressParts,
} from '../../src/model/address.js';
import { AddressError } from '../../src/model/address-error.js';

const AWKWARD = [
  'orders', 'Order Lines', 'my-app', '', ' ', '.', '..', 'a.b', '"', '""', "'", '\\', '\\"', '[', ']', '["x"]', '"]', 'a]b[c',
  'Ünïcödé', '日本語', '😀', '\u0000', '\n\t', '\ud800', 'select', 'A', '_', '_1', '1a', 'f(integer, text)', 'x'.repeat(200),
];

// A small deterministic generator (no dependency): mixes the awkward names into random strings.
function* randomNames(count: number): Generator<string> {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const alphabet = ['a', 'z', '_', '0', '9', '.', '[', ']', '"', '\\', "'", ' ', 'é', '😀', '\u0001', 'A', '-', '(', ')', ','];
  for (let i = 0; i < count; i += 1) {
    const len = next() % 8;
    let s = '';
    for (let j = 0; j < len; j += 1) s += alphabet[next() % alphabet.length] ?? '';
    yield s;
  }
}

describe('formatAddress / parseAddress', () => {
  it('writes the contract examples', () => {
    expect(roleAddress('app')).toBe('target.role.app');
    expect(databaseAddress('shop')).toBe('target.database.shop');
    expect(schemaObjectAddress('shop', 'table', 'sales', 'orders')).toBe('target.table.shop.sales.orders');
    expect(rowsAddress('my-app', 'Sales', 'Order Lines')).toBe('target.rows["my-app"]["Sales"]["Order Lines"]');
    expect(replicationAddress('publication', 'shop')).toBe('source.publication.shop');
    expect(replicationAddress('slot', 'shop')).toBe('source.slot.shop');
    expect(replicationAddress('subscription', 'shop')).toBe('target.subscription.shop');
    expect(schemaObjectAddress('shop', 'schema', null, 'sales')).toBe('target.schema.shop.sales');
    expect(schemaObjectAddress('shop', 'function', 'public', 'f(integer, text)')).toBe('target.function.shop.public["f(integer, text)"]');
  });

  it('round-trips every awkward name in every position', () => {
    for (const name of [...AWKWARD, ...randomNames(500)]) {
      const cases: AddressParts[] = [
        { side: 'target', kind: 'role', segments: [name] },
        { side: 'target', kind: 'rows', segments: [name, name, name] },
        { side: 'target', kind: 'table', segments: ['shop', name, 'x'] },
        { side: 'source', kind: 'slot', segments: [name] },
      ];
      for (const parts of cases) {
        const text = formatAddress(parts);
        expect(parseAddress(text)).toEqual(parts);
        expect(formatAddress(parseAddress(text))).toBe(text);
      }
    }
  });

  it('keeps distinct parts distinct', () => {
    const texts = new Set<string>();
    for (const a of AWKWARD) for (const b of ['x', '.', 'a.b']) texts.add(formatAddress({ side: 'target', kind: 'rows', segments: ['d', a, b] }));
    expect(texts.size).toBe(AWKWARD.length * 3);
  });

  it('accepts a bracketed segment that could be bare, and writes it back bare', () => {
    expect(formatAddress(parseAddress('target.role["app"]'))).toBe('target.role.app');
  });

  it.each([
    ['', 1, 'expected a name'],
    ['target', 7, 'expected "." after the side'],
    ['middle.role.app', 1, 'side must be'],
    ['target.widget.x', 8, 'unknown resource kind "widget"'],
    ['source.role.app', 1, 'role is a target resource'],
    ['target.role', 12, 'takes 1 name segment(s), found 0'],
    ['target.table.shop.orders', 25, 'takes 3 name segment(s), found 2'],
    ['target.role.App', 13, 'expected a name of [a-z_][a-z0-9_]* or a ["quoted"] segment'],
    ['target.role.app!', 16, 'expected "." or "[" before the next segment, found "!"'],
    ['target.role.', 13, 'expected a name'],
    ['target.role["app', 13, 'unterminated string segment'],
    ['target.role["app"', 18, 'expected "]"'],
    ['target.role[app]', 13, 'expected a JSON string'],
    ['target.role["\\x"]', 13, 'invalid JSON string segment'],
  ])('refuses %j at column %i', (text, column, message) => {
    let caught: unknown;
    try {
      parseAddress(text);
    } catch (e: unknown) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AddressError);
    expect((caught as AddressError).column).toBe(column);
    expect((caught as AddressError).message).toContain(message);
    expect((caught as AddressError).message).toContain(`at column ${column}`);
  });

  it('refuses to format a shape the kind does not take', () => {
    expect(() => formatAddress({ side: 'source', kind: 'table', segments: ['a', 'b', 'c'] })).toThrow(/table is a target resource/);
    expect(() => schemaObjectAddress('shop', 'table', null, 'x')).toThrow(/needs a schema/);
  });
});
