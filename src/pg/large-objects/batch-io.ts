// One batch of the large object copy, both ends: the source's pieces as one binary COPY (raw bytes, at most a batch's
// worth in memory), and the target transaction that makes the objects, writes the pieces and finishes them. The rows
// go into the target session's temporary staging table unchanged (COPY FROM), and lo_put reads them there; a target
// role that may not make temporary tables (TEMPORARY revoked) gets them as lo_put parameters instead.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { parseCopyBinary } from './copy-binary.js';
import { CREATE_SQL, readPiecesCopySql, STAGE_COPY_SQL, STAGE_TABLE_SQL, WRITE_PIECES_SQL, WRITE_STAGED_SQL, type Batch } from './lo-sql.js';

const INSUFFICIENT_PRIVILEGE = '42501';

/** The batch's pieces as binary COPY bytes; null when it has none (only empty objects). */
export async function readBatch(source: pg.Client, batch: Batch): Promise<Buffer | null> {
  if (batch.pieces.length === 0) return null;
  const chunks: Buffer[] = [];
  const out = source.query(copyStreams.to(readPiecesCopySql(batch.pieces)));
  for await (const chunk of out as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export type WriteMode = 'stage' | 'parameters';

/** Makes the staging table; 'parameters' when the role may not make temporary tables. */
export async function prepareTarget(target: pg.Client): Promise<WriteMode> {
  try {
    await target.query(STAGE_TABLE_SQL);
    return 'stage';
  } catch (e) {
    if ((e as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) return 'parameters';
    throw e;
  }
}

/** Makes the batch's objects, writes its pieces and runs `finish` (owner, grants, comments), in one transaction. */
export async function writeBatch(target: pg.Client, mode: WriteMode, batch: Batch, data: Buffer | null, finish: readonly string[]): Promise<void> {
  await target.query('BEGIN');
  try {
    if (batch.create.length > 0) await target.query(CREATE_SQL, [batch.create]);
    if (data !== null) {
      if (mode === 'stage') {
        await pipeline(Readable.from([data]), target.query(copyStreams.from(STAGE_COPY_SQL)));
        await target.query(WRITE_STAGED_SQL);
      } else {
        const pieces = parseCopyBinary(data);
        await target.query(WRITE_PIECES_SQL, [pieces.map((p) => p.oid), pieces.map((p) => p.offset), pieces.map((p) => p.data)]);
      }
    }
    if (finish.length > 0) await target.query(finish.map((s) => `${s};`).join('\n'));
    await target.query('COMMIT');
  } catch (e) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
