// The lean COPY TO parser (src/pg/copy/copy-out-stream.ts) and the framed COPY FROM (copy-in-stream.ts) on a real
// server (15 -> 15): rows of every length, so message headers fall across socket chunks; NoticeResponse messages
// between rows; an error raised mid-stream is handed back to pg and named; the session stays usable after each; the
// same over TLS on both sides (TLS records cut the stream into chunks of at most 16 kB). Source and target compared
// by SQL of the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, CopyError, exportSnapshot, type CopyTable } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { getCluster, type Cluster } from '../harness/index.js';

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

describe('COPY TO parsing (15 -> 15)', () => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  let targetDb = '';

  beforeAll(async () => {
    source = await getCluster({ major: 15 });
    target = await getCluster({ major: 15 });
    sourceDb = await source.createDatabase('copyout_src');
    await source.query(`
      CREATE TABLE rows_of_all_sizes (id integer PRIMARY KEY, v text);
      INSERT INTO rows_of_all_sizes SELECT g, repeat(md5(g::text), g % 97) FROM generate_series(1, 30000) g;
      CREATE FUNCTION noisy(id integer) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN IF id % 1000 = 0 THEN RAISE NOTICE 'row %', id; END IF; RETURN true; END $$;
      CREATE FUNCTION failing(id integer) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN IF id = 25000 THEN RAISE EXCEPTION 'refused at row %', id; END IF; RETURN true; END $$;`, [], sourceDb);
    targetDb = await target.createDatabase('copyout_tgt');
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    if (targetDb) await target.dropDatabase(targetDb);
  });

  const fingerprint = async (cluster: Cluster, db: string): Promise<{ n: number; h: string }> => {
    const [row] = await cluster.query<{ n: number; h: string }>(
      "SELECT count(*)::int AS n, md5(coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '')) AS h FROM rows_of_all_sizes", [], db);
    if (row === undefined) throw new Error('no row');
    return row;
  };

  async function copy(filter: string | null, format: 'binary' | 'text', over: { source: Cluster; target: Cluster; params?: Record<string, string> } = { source, target }): Promise<void> {
    const params = over.params ?? {};
    await over.target.query('DROP TABLE IF EXISTS rows_of_all_sizes; CREATE TABLE rows_of_all_sizes (id integer PRIMARY KEY, v text)', [], targetDb);
    const snapshot = await exportSnapshot(parse(over.source.url({ database: sourceDb, params })), sourceDb);
    const table: CopyTable = { schema: 'public', table: 'rows_of_all_sizes', columns: ['id', 'v'], filter, truncateFirst: false, estimatedBytes: 1 };
    try {
      await copyTables({
        source: parse(over.source.url({ database: sourceDb, params })), target: parse(over.target.url({ database: targetDb, params })), sourceDatabase: sourceDb,
        targetDatabase: targetDb, snapshotId: snapshot.snapshotId, workers: 1, format, tables: [table],
      });
    } finally {
      await snapshot.release();
    }
  }

  for (const format of ['binary', 'text'] as const) {
    it(`copies every row exactly with notices between rows (${format})`, async () => {
      await copy('noisy(id)', format);
      expect(await fingerprint(target, targetDb)).toEqual(await fingerprint(source, sourceDb));
    });
    it(`names an error raised mid-stream and keeps nothing (${format})`, async () => {
      const error = await copy('failing(id)', format).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CopyError);
      expect((error as CopyError).message).toMatch(/refused at row 25000/);
      expect((error as CopyError).side).toBe('source');
      expect((await fingerprint(target, targetDb)).n).toBe(0);
    });
  }

  describe('over TLS', () => {
    let tls: Cluster;
    beforeAll(async () => {
      // tlsOnly: the server refuses plain TCP, so a copy that works went over TLS.
      tls = await getCluster({ major: 15, auth: 'scram', tls: true, tlsOnly: true });
      // The same names as above, on this cluster: copy() and fingerprint() take them as they are.
      await tls.query(`CREATE DATABASE ${sourceDb}`);
      await tls.query(`CREATE DATABASE ${targetDb}`);
      await tls.query(`
        CREATE TABLE rows_of_all_sizes (id integer PRIMARY KEY, v text);
        INSERT INTO rows_of_all_sizes SELECT g, repeat(md5(g::text), g % 97) FROM generate_series(1, 30000) g;
        CREATE FUNCTION failing(id integer) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
          BEGIN IF id = 25000 THEN RAISE EXCEPTION 'refused at row %', id; END IF; RETURN true; END $$;`, [], sourceDb);
    });
    afterAll(async () => {
      await tls.query(`DROP DATABASE IF EXISTS ${sourceDb}`);
      await tls.query(`DROP DATABASE IF EXISTS ${targetDb}`);
    });

    for (const format of ['binary', 'text'] as const) {
      it(`copies every row exactly, and names an error raised mid-stream (${format}, sslmode=require on both sides)`, async () => {
        const over = { source: tls, target: tls, params: { sslmode: 'require' } };
        await copy(null, format, over);
        expect(await fingerprint(tls, targetDb)).toEqual(await fingerprint(tls, sourceDb));
        const error = await copy('failing(id)', format, over).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(CopyError);
        expect((error as CopyError).message).toMatch(/refused at row 25000/);
        expect((await fingerprint(tls, targetDb)).n).toBe(0);
      });
    }
  });
});
