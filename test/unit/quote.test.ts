import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../src/pg/sql/quote.js';

describe('quoteIdent', () => {
  it('leaves plain lower-case names alone', () => {
    expect(quoteIdent('orders')).toBe('orders');
    expect(quoteIdent('_x1$')).toBe('_x1$');
  });
  it('quotes mixed case, spaces, dashes, dots, leading digits and embedded quotes', () => {
    expect(quoteIdent('Orders')).toBe('"Orders"');
    expect(quoteIdent('Order Lines')).toBe('"Order Lines"');
    expect(quoteIdent('my-app')).toBe('"my-app"');
    expect(quoteIdent('a.b')).toBe('"a.b"');
    expect(quoteIdent('1st')).toBe('"1st"');
    expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
    expect(quoteIdent('')).toBe('""');
  });
  it('quotes keywords that are not unreserved, not unreserved ones', () => {
    for (const kw of ['user', 'table', 'order', 'between', 'json_table', 'merge_action', 'time']) {
      expect(quoteIdent(kw)).toBe(`"${kw}"`);
    }
    for (const word of ['name', 'data', 'comment', 'position_x', 'action']) expect(quoteIdent(word)).toBe(word);
  });
  it('refuses NUL bytes', () => {
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/);
    expect(() => quoteLiteral('a\0b')).toThrow(/NUL/);
  });
});

describe('quoteLiteral', () => {
  it('doubles single quotes', () => expect(quoteLiteral("it's")).toBe("'it''s'"));
  it('uses the E form when there is a backslash, so either standard_conforming_strings reads it the same', () => {
    expect(quoteLiteral('a\\b')).toBe("E'a\\\\b'");
  });
});

describe('quoteQualified', () => {
  it('quotes each part on its own', () => expect(quoteQualified('Sales', 'order lines')).toBe('"Sales"."order lines"'));
});
