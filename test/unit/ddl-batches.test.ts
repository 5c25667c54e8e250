// How executeDdl cuts statements into transactions and a transaction into simple-query strings (pure).
import { describe, expect, it } from 'vitest';
import { ddlBatchText, ddlPieces, ddlRuns } from '../../src/pg/ddl/execute.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';

const s = (sql: string, extra: Partial<DdlStatement> = {}): DdlStatement => ({ sql, transactional: true, phase: 'pre-data', object: 'table:public.t', ...extra });

describe('ddlRuns', () => {
  it('keeps consecutive transactional statements together; a non-transactional one alone; commitAfter ends a transaction', () => {
    const statements = [
      s('a'), s('b'), s('c', { transactional: false }), s('d'), s('e', { commitAfter: true }), s('f', { commitAfter: true }),
      s('g'), s('h', { transactional: false }), s('i', { transactional: false }), s('j'),
    ];
    expect(ddlRuns(statements)).toEqual([
      { start: 0, end: 2, transactional: true },
      { start: 2, end: 3, transactional: false },
      { start: 3, end: 5, transactional: true },
      { start: 5, end: 6, transactional: true },
      { start: 6, end: 7, transactional: true },
      { start: 7, end: 8, transactional: false },
      { start: 8, end: 9, transactional: false },
      { start: 9, end: 10, transactional: true },
    ]);
  });

  it('covers every statement once, in order', () => {
    expect(ddlRuns([])).toEqual([]);
    expect(ddlRuns([s('a', { commitAfter: true })])).toEqual([{ start: 0, end: 1, transactional: true }]);
    expect(ddlRuns([s('a', { transactional: false })])).toEqual([{ start: 0, end: 1, transactional: false }]);
  });
});

describe('ddlPieces', () => {
  it('bounds a string by statements and bytes; a statement above the byte bound goes alone', () => {
    expect(ddlPieces(['a', 'b', 'c', 'd', 'e'], { statements: 2, bytes: 1000 })).toEqual([[0, 2], [2, 4], [4, 5]]);
    // Each statement counts its bytes plus the separator's 3.
    expect(ddlPieces(['aaaa', 'bbbb', 'cccc'], { statements: 100, bytes: 14 })).toEqual([[0, 2], [2, 3]]);
    expect(ddlPieces(['a', 'x'.repeat(50), 'b'], { statements: 100, bytes: 10 })).toEqual([[0, 1], [1, 2], [2, 3]]);
    // UTF-8 bytes, not UTF-16 units.
    expect(ddlPieces(['é'.repeat(4), 'é'.repeat(4)], { statements: 100, bytes: 20 })).toEqual([[0, 1], [1, 2]]);
    expect(ddlPieces([], { statements: 2, bytes: 10 })).toEqual([]);
  });
});

describe('ddlBatchText', () => {
  it('puts each `;` on its own line, so a trailing line comment cannot swallow it', () => {
    expect(ddlBatchText(['CREATE TABLE a (x int) -- note', 'CREATE TABLE b (x int);'], true, true))
      .toBe('BEGIN;\nCREATE TABLE a (x int) -- note\n;\nCREATE TABLE b (x int);\n;\nCOMMIT');
    expect(ddlBatchText(['x'], false, false)).toBe('x\n;\n');
    expect(ddlBatchText(['x'], true, false)).toBe('BEGIN;\nx\n;\n');
    expect(ddlBatchText(['x'], false, true)).toBe('x\n;\nCOMMIT');
  });
});
