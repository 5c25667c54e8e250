import { describe, expect, it } from 'vitest';
import { attributeDiff } from '../../src/render/attribute-diff.js';
import { formatBytes, formatEstimate, formatRows, formatSeconds } from '../../src/render/human-units.js';

describe('human units', () => {
  it.each([[0, '0 rows'], [1, '1 row'], [999, '999 rows'], [1_000, '1k rows'], [12_345, '12.3k rows'], [1_234_567, '1.2M rows'], [250_000_000, '250M rows'], [3e9, '3B rows']])(
    'rows %d -> %s', (n, text) => expect(formatRows(n)).toBe(text));
  it.each([[0, '0 B'], [1023, '1023 B'], [1024, '1 kB'], [1536, '1.5 kB'], [356_515_840, '340 MB'], [5 * 1024 ** 3, '5 GB'], [2.5 * 1024 ** 4, '2.5 TB']])(
    'bytes %d -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
  it.each([[0.2, '<1 s'], [12.4, '~12 s'], [60, '~1 min'], [245, '~4 min 5 s'], [3_600, '~1 h'], [4_830, '~1 h 21 min']])(
    'seconds %d -> %s', (n, text) => expect(formatSeconds(n)).toBe(text));
  it('joins an estimate', () => {
    expect(formatEstimate({ rows: 1_234_567, bytes: 356_515_840, seconds: 12.4 })).toBe('1.2M rows, 340 MB, ~12 s');
  });
});

describe('attributeDiff', () => {
  it('shows changed, added and removed leaves with paths', () => {
    expect(attributeDiff({ a: 1, b: { c: 'x' }, gone: true, 'odd key': 1 }, { a: 2, b: { c: 'x', d: null }, 'odd key': 1 })).toEqual([
      { mark: '~', text: 'a = 1 -> 2' },
      { mark: '+', text: 'b.d = null' },
      { mark: '-', text: 'gone = true' },
    ]);
  });

  it('matches named elements by name, others by index', () => {
    const before = { columns: [{ name: 'id', type: 'int' }, { name: 'note', type: 'text' }], tags: ['a', 'b'] };
    const after = { columns: [{ name: 'id', type: 'int' }, { name: 'added', type: 'int' }, { name: 'note', type: 'varchar' }], tags: ['a', 'c'] };
    expect(attributeDiff(before, after)).toEqual([
      { mark: '+', text: 'columns["added"].name = "added"' },
      { mark: '+', text: 'columns["added"].type = "int"' },
      { mark: '~', text: 'columns["note"].type = "text" -> "varchar"' },
      { mark: '~', text: 'tags[1] = "b" -> "c"' },
    ]);
  });

  it('shows an emptied list by its removed elements only', () => {
    expect(attributeDiff({ options: ['x'] }, { options: [] })).toEqual([{ mark: '-', text: 'options[0] = "x"' }]);
    expect(attributeDiff({ options: [] }, { options: ['x'] })).toEqual([{ mark: '+', text: 'options[0] = "x"' }]);
  });

  it('diffs multi-line text by line', () => {
    expect(attributeDiff({ def: 'a\nb\nc\n' }, { def: 'a\nB\nc\n' })).toEqual([
      { mark: '~', text: 'def:' }, { mark: ' ', text: '    a' }, { mark: '-', text: '    b' }, { mark: '+', text: '    B' }, { mark: ' ', text: '    c' },
    ]);
  });

  it('finds nothing when nothing differs', () => {
    expect(attributeDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});
