// Large objects past the lock table: ALTER LARGE OBJECT … OWNER, COMMENT ON LARGE OBJECT and lo_unlink lock each
// object until the transaction ends (lo_create, lo_put and lo_get do not), so one transaction for 800 objects with an
// owner and a comment runs out of shared memory on a small cluster (max_locks_per_transaction = 10, few connections).
// The copy commits in batches within the lock budget: it copies all 800 with owners and comments, and unlinks them
// all again (what a resume or a re-copy does first), each checked with the test's own SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSnapshot } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { copyLargeObjects } from '../../src/pg/large-objects/copy-large-objects.js';
import type { OidRange } from '../../src/model/oid-ranges.js';
import { getCluster, type Cluster } from '../harness/index.js';

const SETTINGS = { max_locks_per_transaction: '10', max_connections: '20', max_wal_senders: '0', max_worker_processes: '8' };
const N = 800;
const OWNER = `lo_locks_${Math.random().toString(36).slice(2, 8)}`;
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

describe('large objects past the lock table (max_locks_per_transaction = 10)', () => {
  let c: Cluster;
  let src = '';
  let tgt = '';

  const objects = async (db: string): Promise<string[]> => (await c.query<{ r: string }>(
    `SELECT concat_ws('|', m.oid, pg_get_userbyid(m.lomowner), obj_description(m.oid, 'pg_largeobject'), md5(lo_get(m.oid))) AS r
       FROM pg_largeobject_metadata m ORDER BY m.oid`, [], db)).map((r) => r.r);

  beforeAll(async () => {
    c = await getCluster({ major: 15, settings: SETTINGS });
    await c.query(`CREATE ROLE ${OWNER}`);
    src = await c.createDatabase('lo_locks_src');
    tgt = await c.createDatabase('lo_locks_tgt');
    for (let k = 0; k < N; k += 50) {
      // 50 objects a transaction: well within the lock table.
      await c.query(`SELECT lo_from_bytea(900000 + g, convert_to(repeat('x' || g, g % 7), 'UTF8')) FROM generate_series(${k + 1}, ${k + 50}) g;
        DO $$ BEGIN FOR i IN ${k + 1}..${k + 50} LOOP
          EXECUTE format('ALTER LARGE OBJECT %s OWNER TO ${OWNER}', 900000 + i);
          EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', 900000 + i, 'object ' || i);
        END LOOP; END $$;`, [], src);
    }
  }, 120_000);
  afterAll(async () => {
    if (src) await c.dropDatabase(src);
    if (tgt) await c.dropDatabase(tgt);
    await c.query(`DROP ROLE IF EXISTS ${OWNER}`);
  });

  it('one transaction cannot give every object its owner here', async () => {
    const client = await c.connect({ database: tgt });
    try {
      await client.query('BEGIN');
      await client.query(`SELECT lo_create(900000 + g) FROM generate_series(1, ${N}) g`);
      const all = client.query(`DO $$ BEGIN FOR i IN 1..${N} LOOP EXECUTE format('ALTER LARGE OBJECT %s OWNER TO ${OWNER}', 900000 + i); END LOOP; END $$`);
      await expect(all).rejects.toMatchObject({ code: '53200' });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });

  it('copies all of them in batches, and unlinks all of them again', async () => {
    const want = await objects(src);
    expect(want).toHaveLength(N);
    const holder = await exportSnapshot(parse(c.url({ database: src })));
    const recorded: OidRange[][] = [];
    try {
      const result = await copyLargeObjects({
        source: parse(c.url()), target: parse(c.url()), sourceDatabase: src, targetDatabase: tgt, snapshotId: holder.snapshotId,
        unlink: [], copy: true, roles: 'copy', beforeWrite: async (oids) => { recorded.push([...oids]); }, warn: () => undefined,
      });
      expect(result).toMatchObject({ count: N, oids: [[900001, 900000 + N]], unlinked: 0 });
    } finally {
      await holder.release();
    }
    expect(recorded).toEqual([[[900001, 900000 + N]]]);
    expect(await objects(tgt)).toEqual(want);

    const unlinked = await copyLargeObjects({
      source: parse(c.url()), target: parse(c.url()), sourceDatabase: src, targetDatabase: tgt, snapshotId: null,
      unlink: [[900001, 900000 + N]], copy: false, roles: 'copy', beforeWrite: async () => undefined, warn: () => undefined,
    });
    expect(unlinked.unlinked).toBe(N);
    expect(await objects(tgt)).toEqual([]);
  });
});
