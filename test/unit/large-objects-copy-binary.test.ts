// The binary COPY rows of the large object copy (copy-binary.ts) and the COPY statement that asks for them.
import { describe, expect, it } from 'vitest';
import { parseCopyBinary } from '../../src/pg/large-objects/copy-binary.js';
import { readPiecesCopySql } from '../../src/pg/large-objects/lo-sql.js';

/** A binary COPY stream of (oid, int8, bytea) rows as PostgreSQL writes it (header, rows, trailer). */
function copyStream(rows: ReadonlyArray<{ oid: number; offset: number; data: Buffer }>, extension = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')];
  const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const i16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
  parts.push(u32(0), u32(extension.length), extension);
  for (const r of rows) {
    const off = Buffer.alloc(8);
    off.writeBigInt64BE(BigInt(r.offset));
    parts.push(i16(3), u32(4), u32(r.oid), u32(8), off, u32(r.data.length), r.data);
  }
  parts.push(i16(-1));
  return Buffer.concat(parts);
}

describe('parseCopyBinary', () => {
  it('reads every row back: oids above 2^31, offsets above 2^32, empty and binary data', () => {
    const rows = [
      { oid: 16401, offset: 0, data: Buffer.from([0, 255, 10, 13, 0]) },
      { oid: 4_294_967_295, offset: 5 * 2 ** 32 + 7, data: Buffer.alloc(0) },
      { oid: 3_000_000_000, offset: 4_194_304, data: Buffer.alloc(70_000, 0xab) },
    ];
    expect(parseCopyBinary(copyStream(rows))).toEqual(rows);
    expect(parseCopyBinary(copyStream([]))).toEqual([]);
  });

  it('skips a header extension', () => {
    expect(parseCopyBinary(copyStream([{ oid: 1, offset: 2, data: Buffer.from('x') }], Buffer.from('ext!')))).toEqual([{ oid: 1, offset: 2, data: Buffer.from('x') }]);
  });

  it('refuses what is not such a stream', () => {
    expect(() => parseCopyBinary(Buffer.from('1\t2\t\\x00\n'))).toThrow('not a binary COPY stream');
    const twoFields = copyStream([{ oid: 1, offset: 2, data: Buffer.from('x') }]);
    twoFields.writeInt16BE(2, 19);
    expect(() => parseCopyBinary(twoFields)).toThrow('a binary COPY row of 2 fields, expected 3');
  });
});

describe('readPiecesCopySql', () => {
  it('names the pieces as integer array literals, in order', () => {
    expect(readPiecesCopySql([{ oid: 16401, offset: 0, length: 10 }, { oid: 16402, offset: 4_194_304, length: 3 }])).toBe(
      "COPY (SELECT p.o, p.off, pg_catalog.lo_get(p.o, p.off, p.len) FROM ROWS FROM (pg_catalog.unnest('{16401,16402}'::oid[]), pg_catalog.unnest('{0,4194304}'::int8[]), pg_catalog.unnest('{10,3}'::int4[])) WITH ORDINALITY AS p(o, off, len, n) ORDER BY p.n) TO STDOUT (FORMAT binary)",
    );
  });

  it('refuses anything but non-negative integers', () => {
    expect(() => readPiecesCopySql([{ oid: 1.5, offset: 0, length: 1 }])).toThrow('not a oid: 1.5');
    expect(() => readPiecesCopySql([{ oid: 1, offset: -1, length: 1 }])).toThrow('not a int8: -1');
    expect(() => readPiecesCopySql([{ oid: 1, offset: 0, length: Number.NaN }])).toThrow('not a int4: NaN');
  });
});
