// Reads the rows of a binary COPY stream (PostgreSQL docs, COPY, "Binary Format") that the large object copy asks
// for: (oid, int8, bytea) per row. Used only where the target cannot take the rows as they are (no temporary
// table allowed): they are then written with lo_put and parameters. Pure.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export interface CopiedPiece {
  readonly oid: number;
  readonly offset: number;
  readonly data: Buffer;
}

export function parseCopyBinary(buf: Buffer): CopiedPiece[] {
  if (buf.length < SIGNATURE.length + 8 || !buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  let at = SIGNATURE.length + 4;
  at += 4 + buf.readUInt32BE(at);
  const out: CopiedPiece[] = [];
  for (;;) {
    const fields = buf.readInt16BE(at);
    at += 2;
    if (fields === -1) return out;
    if (fields !== 3) throw new Error(`a binary COPY row of ${fields} fields, expected 3`);
    const field = (): Buffer => {
      const len = buf.readInt32BE(at);
      at += 4;
      if (len < 0) throw new Error('a NULL in a large object piece');
      const v = buf.subarray(at, at + len);
      at += len;
      return v;
    };
    const oid = field().readUInt32BE(0);
    const offset = Number(field().readBigInt64BE(0));
    out.push({ oid, offset, data: field() });
  }
}
