// The framed COPY FROM stream (src/pg/copy/copy-in-stream.ts) on a real server: the source's CopyData messages go to
// the target unchanged, and a stream destroyed with a message half-written cuts the session instead of sending a
// CopyFail the server would read as the rest of that message. At a message boundary the CopyFail runs and the session
// stays usable. Either way the target keeps no row.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framedCopyInStream } from '../../src/pg/copy/copy-in-stream.js';
import { connect } from '../../src/pg/connect.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { getCluster, type Cluster } from '../harness/index.js';

const message = (line: string): Buffer => {
  const body = Buffer.from(line);
  const header = Buffer.alloc(5);
  header[0] = 0x64;
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};

describe('framed COPY FROM (15)', () => {
  let target: Cluster;
  let db = '';
  const open = async () => connect(parseConnString(target.url({ database: db }), { env: {}, passfile: null }), { side: 'target', database: db });
  const count = async (): Promise<number> => Number((await target.query<{ n: string }>('SELECT count(*) AS n FROM t', [], db))[0]?.n);

  beforeAll(async () => {
    target = await getCluster({ major: 15 });
    db = await target.createDatabase('copyin_framed');
    await target.query('CREATE TABLE t (id integer PRIMARY KEY, v text)', [], db);
  });
  afterAll(async () => {
    if (db) await target.dropDatabase(db);
  });

  it('loads the messages as they are, split anywhere', async () => {
    const data = Buffer.concat(Array.from({ length: 500 }, (_, i) => message(`${i}\t${'x'.repeat(i)}\n`)));
    const client = await open();
    try {
      const chunks = Array.from({ length: Math.ceil(data.length / 777) }, (_, i) => data.subarray(i * 777, i * 777 + 777));
      const into = client.query(framedCopyInStream('COPY t (id, v) FROM STDIN'));
      await pipeline(Readable.from(chunks), into);
      expect(into.rowCount).toBe(500);
    } finally {
      await client.end();
    }
    const [row] = await target.query<{ n: string; ok: boolean }>("SELECT count(*) AS n, bool_and(v = repeat('x', id)) AS ok FROM t", [], db);
    expect(row).toEqual({ n: '500', ok: true });
    await target.query('TRUNCATE t', [], db);
  });

  it('destroyed between two messages: CopyFail, the transaction fails, the session stays usable', async () => {
    const client = await open();
    try {
      await client.query('BEGIN');
      const into = client.query(framedCopyInStream('COPY t (id, v) FROM STDIN'));
      const failed = new Promise<Error>((resolve) => into.once('error', resolve));
      into.write(Buffer.concat([message('1\ta\n'), message('2\tb\n')]));
      await new Promise((r) => setTimeout(r, 100));
      into.destroy(new Error('source failed'));
      expect((await failed).message).toMatch(/source failed|COPY from stdin failed/);
      await client.query('ROLLBACK');
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
    expect(await count()).toBe(0);
  });

  it('destroyed half-way through a message: the session is cut, the server rolls back, no hang', async () => {
    const client = await open();
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    await client.query('BEGIN');
    const into = client.query(framedCopyInStream('COPY t (id, v) FROM STDIN'));
    const failed = new Promise<Error>((resolve) => into.once('error', resolve));
    const half = message('3\tc\n');
    into.write(Buffer.concat([message('1\ta\n'), message('2\tb\n'), half.subarray(0, 7)]));
    await new Promise((r) => setTimeout(r, 100));
    into.destroy(new Error('source failed'));
    expect((await failed).message).toBe('source failed');
    await expect(client.query('SELECT 1')).rejects.toThrow();
    for (let i = 0; i < 50; i += 1) {
      const [row] = await target.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (row?.n === '0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await target.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid]))[0]?.n).toBe('0');
    expect(await count()).toBe(0);
  });
});
