// Pure parts of the data-copy engine: its SQL, the format rule, unit planning, the row counter and the fault setting.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { copyInSql, copyOutSql, importSnapshotSql, truncateSql } from '../../src/pg/copy/copy-sql.js';
import { formatForTypes, type WalkedType } from '../../src/pg/copy/choose-format.js';
import { BATCH_BELOW_BYTES, BATCH_MAX_BYTES, BATCH_MAX_TABLES, planUnits } from '../../src/pg/copy/copy-tables.js';
import { midCopyFaultRows } from '../../src/pg/copy/fault.js';
import { CopyDataFrames } from '../../src/pg/copy/copy-frames.js';
import { RowCounterStream } from '../../src/pg/copy/row-counter.js';
import type { CopyTable } from '../../src/pg/copy/types.js';

const table = (over: Partial<CopyTable> = {}): CopyTable => ({
  schema: 'Sales', table: 'Order Lines', columns: ['id', 'user', 'Note'], filter: null, truncateFirst: false, ...over,
});

describe('copy SQL', () => {
  it('reads the table\'s own rows (table form, or FROM ONLY with a filter) with the explicit column list, quoted by the quoting helper', () => {
    expect(copyOutSql(table(), 'text')).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") TO STDOUT');
    expect(copyOutSql(table(), 'binary')).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") TO STDOUT WITH (FORMAT binary)');
    expect(copyOutSql(table({ filter: 'id % 2 = 0 OR true' }), 'binary')).toBe(
      'COPY (SELECT id, "user", "Note" FROM ONLY "Sales"."Order Lines" WHERE (id % 2 = 0 OR true)) TO STDOUT WITH (FORMAT binary)',
    );
  });
  it('writes into the same column list', () => {
    expect(copyInSql(table(), 'binary')).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") FROM STDIN WITH (FORMAT binary)');
    expect(copyInSql(table(), 'text')).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") FROM STDIN');
    expect(copyInSql(table(), 'binary', true)).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") FROM STDIN WITH (FORMAT binary, FREEZE)');
    expect(copyInSql(table(), 'text', true)).toBe('COPY "Sales"."Order Lines" (id, "user", "Note") FROM STDIN WITH (FREEZE)');
  });
  it('refuses an empty column list', () => {
    expect(() => copyInSql(table({ columns: [] }), 'text')).toThrow(/at least one column/);
  });
  it('truncates all tables of a unit in one statement, ONLY and never CASCADE', () => {
    expect(truncateSql([table(), table({ schema: 'public', table: 'orders' })])).toBe('TRUNCATE TABLE ONLY "Sales"."Order Lines", public.orders');
    expect(truncateSql([])).toBeNull();
  });
  it('accepts only snapshot ids', () => {
    expect(importSnapshotSql('00000003-0000001B-1')).toBe("SET TRANSACTION SNAPSHOT '00000003-0000001B-1'");
    expect(() => importSnapshotSql("x'; DROP TABLE t; --")).toThrow(/not a snapshot id/);
  });
});

describe('format rule', () => {
  const type = (name: string, oid: number, typtype = 'b', hasBinary = true, isArray = false): WalkedType =>
    ({ type: name, oid: String(oid), typtype, is_array: isArray, has_binary: hasBinary });
  it('is binary for built-in types, enums, composites, domains and ranges, also inside arrays', () => {
    expect(formatForTypes([type('integer', 23), type('text', 25)])).toEqual({ format: 'binary' });
    expect(formatForTypes([type('mood', 16390, 'e'), type('mood[]', 16389, 'b', true, true), type('pair', 16400, 'c'), type('dd', 16410, 'd')]).format).toBe('binary');
  });
  it('is text for an extension base type or a type without binary I/O, naming it', () => {
    expect(formatForTypes([type('integer', 23), type('citext', 17000)])).toEqual({ format: 'text', reason: expect.stringContaining('citext is an extension type') as unknown });
    expect(formatForTypes([type('aclitem', 1033, 'b', false)])).toEqual({ format: 'text', reason: 'type aclitem has no binary send/receive functions' });
  });
});

describe('planUnits', () => {
  it('orders units largest first and keeps a group together, sized by its sum', () => {
    const units = planUnits([
      table({ table: 'small', estimatedBytes: 10 }),
      table({ table: 'a', group: 'fk', estimatedBytes: 30 }),
      table({ table: 'big', estimatedBytes: 50 }),
      table({ table: 'b', group: 'fk', estimatedBytes: 40 }),
      table({ table: 'unknown' }),
    ].map((t) => ({ ...t, estimatedBytes: t.estimatedBytes === undefined ? undefined : t.estimatedBytes * BATCH_BELOW_BYTES })));
    expect(units.map((u) => u.tables.map((t) => t.table))).toEqual([['a', 'b'], ['big'], ['small'], ['unknown']]);
  });
  it('batches the small units (tables and groups) into units of at most BATCH_MAX_TABLES tables and BATCH_MAX_BYTES', () => {
    const big = table({ table: 'big', estimatedBytes: BATCH_BELOW_BYTES });
    const smalls = Array.from({ length: BATCH_MAX_TABLES + 5 }, (_, i) => table({ table: `s${String(i)}`, estimatedBytes: 100 }));
    const group = [table({ table: 'g1', group: 'fk', estimatedBytes: 10 }), table({ table: 'g2', group: 'fk', estimatedBytes: 10 })];
    const units = planUnits([smalls[0] as CopyTable, big, ...group, ...smalls.slice(1)]);
    expect(units[0]?.tables.map((t) => t.table)).toEqual(['big']);
    expect(units.slice(1).map((u) => u.tables.length)).toEqual([BATCH_MAX_TABLES, 7]);
    // Every table once; the group's tables stay in one unit.
    expect(units.flatMap((u) => u.tables.map((t) => t.table)).sort()).toEqual([big, ...group, ...smalls].map((t) => t.table).sort());
    const withGroup = units.find((u) => u.tables.some((t) => t.table === 'g1'));
    expect(withGroup?.tables.some((t) => t.table === 'g2')).toBe(true);
    const heavy = Array.from({ length: 20 }, (_, i) => table({ table: `h${String(i)}`, estimatedBytes: BATCH_BELOW_BYTES - 1 }));
    const byBytes = planUnits(heavy);
    expect(byBytes.every((u) => u.bytes <= BATCH_MAX_BYTES)).toBe(true);
    expect(byBytes.length).toBe(Math.ceil(20 / Math.floor(BATCH_MAX_BYTES / (BATCH_BELOW_BYTES - 1))));
  });
});

describe('PGREPL_FAULT', () => {
  it('reads mid-copy:<rows> and ignores other faults', () => {
    expect(midCopyFaultRows({ PGREPL_FAULT: 'mid-copy:250' })).toBe(250);
    expect(midCopyFaultRows({ PGREPL_FAULT: 'after-step:3' })).toBeUndefined();
    expect(midCopyFaultRows({})).toBeUndefined();
  });
});

/** One protocol CopyData message. */
const message = (body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header[0] = 0x64;
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};

/**
 * COPY binary data framed as PostgreSQL sends it in copy-out: one CopyData message per row, the file header
 * (signature, flags, extension) in the first row's message, the trailer in a message of its own.
 */
function binaryCopy(rows: readonly (readonly (Buffer | null)[])[], extension = Buffer.alloc(0)): Buffer {
  const int = (v: number, size: 2 | 4): Buffer => {
    const b = Buffer.alloc(size);
    if (size === 2) b.writeInt16BE(v);
    else b.writeInt32BE(v);
    return b;
  };
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int(0, 4), int(extension.length, 4), extension]);
  const tuples = rows.map((row) => Buffer.concat([int(row.length, 2), ...row.map((f) => (f === null ? int(-1, 4) : Buffer.concat([int(f.length, 4), f])))]));
  if (tuples.length === 0) return message(Buffer.concat([header, int(-1, 2)]));
  return Buffer.concat([message(Buffer.concat([header, tuples[0] as Buffer])), ...tuples.slice(1).map(message), message(int(-1, 2))]);
}

const chunked = (data: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, i * size + size));

async function countThrough(format: 'text' | 'binary', chunks: readonly Buffer[]): Promise<{ counter: RowCounterStream; out: Buffer }> {
  const passed: Buffer[] = [];
  const counter = new RowCounterStream({ format });
  await pipeline(Readable.from(chunks), counter, new Writable({
    write(chunk: Buffer, _e, cb) {
      passed.push(chunk);
      cb();
    },
  }));
  return { counter, out: Buffer.concat(passed) };
}

describe('CopyData frames', () => {
  const bodies = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(70_000, 7), Buffer.from('1\tx\n')];
  const data = Buffer.concat(bodies.map(message));
  it('counts messages and body bytes whatever the chunk boundaries, and knows when it is between two messages', () => {
    for (const size of [1, 2, 3, 4, 5, 6, 17, 4096, data.length]) {
      const frames = new CopyDataFrames();
      let boundaries = 0;
      for (const chunk of chunked(data, size)) {
        frames.feed(chunk);
        if (frames.atBoundary) boundaries += 1;
      }
      expect(frames.messages, `chunk size ${size}`).toBe(4);
      expect(frames.bodyBytes).toBe(70_000 + 1 + 4);
      expect(frames.atBoundary).toBe(true);
      if (size === 1) expect(boundaries).toBe(4);
    }
  });
  it('is not at a boundary inside a header or a body', () => {
    const frames = new CopyDataFrames();
    frames.feed(data.subarray(0, 7)); // the empty message, then two bytes of the next header
    expect(frames.messages).toBe(1);
    expect(frames.atBoundary).toBe(false);
    frames.feed(data.subarray(7, 11)); // the rest of the header and the body 'a'
    expect(frames.atBoundary).toBe(true);
    frames.feed(data.subarray(11, 20));
    expect(frames.atBoundary).toBe(false);
  });
  it('refuses bytes that are not CopyData messages', () => {
    expect(() => new CopyDataFrames().feed(Buffer.from([0x43, 0, 0, 0, 8, 0x43, 0x4f, 0x50, 0]))).toThrow(/not a CopyData message \(type byte 0x43/);
    expect(() => new CopyDataFrames().feed(Buffer.from([0x64, 0, 0, 0, 3]))).toThrow(/length 3/);
  });
});

describe('row counter', () => {
  const rows = Array.from({ length: 7 }, (_, i) => [Buffer.from(`value ${i}`), null, Buffer.alloc(0), Buffer.alloc(300 * i, 1)]);
  const data = binaryCopy(rows, Buffer.from('ext'));
  it('counts binary rows (messages less the trailer) and passes the messages through unchanged', async () => {
    for (const size of [1, 2, 3, 5, 17, 1000, data.length]) {
      const { counter, out } = await countThrough('binary', chunked(data, size));
      expect(counter.rows, `chunk size ${size}`).toBe(7);
      expect(out.equals(data)).toBe(true);
      expect(counter.bytes).toBe(data.length - 5 * 8); // 7 rows (the first with the header) and the trailer
    }
    expect((await countThrough('binary', [binaryCopy([])])).counter.rows).toBe(0);
  });
  it('counts binary rows of partial data without counting a row it cannot be sure of', () => {
    const frames = new CopyDataFrames();
    frames.feed(data.subarray(0, data.length - 7 - 10)); // inside the last row's message
    expect(Math.max(0, frames.messages - 1)).toBe(6);
  });
  it('counts text rows as messages, newlines escaped inside values or not', async () => {
    const text = Buffer.concat(['1\ta\\nb\n', '2\t\\N\n', '3\tc\n'].map((line) => message(Buffer.from(line))));
    const { counter, out } = await countThrough('text', chunked(text, 4));
    expect(counter.rows).toBe(3);
    expect(counter.bytes).toBe(text.length - 15);
    expect(out.equals(text)).toBe(true);
  });
  it('fails the stream once the fault row count surely passed', async () => {
    const stream = new RowCounterStream({ format: 'binary', fault: { rows: 3, error: () => new Error('boom') } });
    await expect(pipeline(Readable.from(chunked(data, 64)), stream, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toThrow('boom');
    expect(stream.rows).toBeGreaterThanOrEqual(3);
    expect(stream.rows).toBeLessThan(7);
  });
});
