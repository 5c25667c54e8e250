// COPY FREEZE for big loads (15 -> 15, 12 and 18): an empty or truncated plain table is loaded frozen (every tuple
// carries the frozen xmin bits, read with pageinspect); a table that holds rows, one an FK points at, or one a reader holds open loads as before, its rows kept.
// An empty table is not truncated (its file node stays) where that TRUNCATE would reach further: a publication of
// the target that publishes it or its partition root with truncates, or a TRUNCATE trigger enabled ALWAYS.
// Rows are compared with SQL of the test's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { copyTables, exportSnapshot, type CopyTable } from '../../src/pg/copy/index.js';
import { FREEZE_MIN_BYTES } from '../../src/pg/copy/prepare-freeze.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { getCluster, type Cluster } from '../harness/index.js';

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
// Big enough on paper (the engine trusts the estimate), small in fact: the test stays fast.
const table = (name: string, over: Partial<CopyTable> = {}): CopyTable =>
  ({ schema: 'public', table: name, columns: ['id', 'v'], filter: null, truncateFirst: false, estimatedBytes: FREEZE_MIN_BYTES, ...over });

interface Counts { readonly n: number; readonly h: string }

const ALL = ['fresh', 'kept', 'referenced', 'held', 'recopied', 'small', 'g1', 'g2', 'published', 'leaf', 'triggered', 'unpublished_truncate'];

describe.each([15, 12, 18] as const)('COPY FREEZE of big loads (15 -> %i)', (targetMajor) => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  let targetDb = '';

  beforeAll(async () => {
    source = await getCluster({ major: 15 });
    target = await getCluster({ major: targetMajor });
    sourceDb = await source.createDatabase('freeze_src');
    const ddl = (names: readonly string[]): string => names.map((t) => `CREATE TABLE ${t} (id integer PRIMARY KEY, v text);`).join('\n');
    await source.query(`${ddl(ALL)}
      ${ALL.map((t) => `INSERT INTO ${t} SELECT g, md5(g::text) FROM generate_series(1, 5000) g;`).join('\n')}`, [], sourceDb);
    targetDb = await target.createDatabase('freeze_tgt');
    // `leaf` is a partition on the target; 12 cannot publish a partitioned table, so there the leaf is published.
    await target.query(`${ddl(ALL.filter((t) => t !== 'leaf'))}
      CREATE TABLE parted (id integer PRIMARY KEY, v text) PARTITION BY RANGE (id);
      CREATE TABLE leaf PARTITION OF parted FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
      CREATE PUBLICATION tp_table FOR TABLE published;
      ${targetMajor >= 13 ? 'CREATE PUBLICATION tp_root FOR TABLE parted WITH (publish_via_partition_root = true);' : 'CREATE PUBLICATION tp_root FOR TABLE leaf;'}
      CREATE PUBLICATION tp_no_truncate FOR TABLE unpublished_truncate WITH (publish = 'insert, update, delete');
      CREATE FUNCTION note_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
      CREATE TRIGGER on_truncate AFTER TRUNCATE ON triggered FOR EACH STATEMENT EXECUTE FUNCTION note_truncate();
      ALTER TABLE triggered ENABLE ALWAYS TRIGGER on_truncate;
      CREATE EXTENSION pageinspect;
      CREATE TABLE child (id integer PRIMARY KEY, ref integer REFERENCES referenced);
      INSERT INTO kept VALUES (-1, 'already here');
      INSERT INTO recopied VALUES (-1, 'to be replaced');
      INSERT INTO g1 VALUES (-1, 'to be replaced');`, [], targetDb);
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    if (targetDb) await target.dropDatabase(targetDb);
  });

  const counts = async (cluster: Cluster, db: string, t: string, where = 'true'): Promise<Counts> => {
    const [row] = await cluster.query<Counts>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(id || ':' || v, ',' ORDER BY id), '')) AS h FROM ONLY ${t} WHERE ${where}`, [], db);
    if (row === undefined) throw new Error('no row');
    return row;
  };
  const fileNodes = async (): Promise<Record<string, string>> => Object.fromEntries((await target.query<{ t: string; node: string }>(
    `SELECT relname AS t, pg_relation_filenode(oid)::text AS node FROM pg_class WHERE relname = ANY($1)`, [ALL], targetDb)).map((r) => [r.t, r.node]));
  /** Tuples of the table and how many carry HEAP_XMIN_FROZEN (t_infomask 0x0300), page by page. */
  const frozen = async (t: string): Promise<{ pages: number; tuples: number; frozen: number }> => {
    const [row] = await target.query<{ pages: number; tuples: number; frozen: number }>(
      `SELECT count(DISTINCT b)::int AS pages, count(*)::int AS tuples, count(*) FILTER (WHERE (i.t_infomask & 768) = 768)::int AS frozen
         FROM generate_series(0, (pg_relation_size('${t}') / current_setting('block_size')::int)::int - 1) AS b,
              heap_page_items(get_raw_page('${t}', b)) AS i WHERE i.lp_flags = 1`, [], targetDb);
    if (row === undefined) throw new Error('no row');
    return row;
  };

  it('loads empty and truncated tables frozen and every other table as before, exactly', async () => {
    // A reader on the target holds `held` open: the load must not wait for it, nor freeze under it.
    const reader: pg.Client = await target.connect({ database: targetDb });
    await reader.query('BEGIN; SELECT count(*) FROM held');
    const nodesBefore = await fileNodes();
    const snapshot = await exportSnapshot(parse(source.url({ database: sourceDb })), sourceDb);
    try {
      await copyTables({
        source: parse(source.url({ database: sourceDb })), target: parse(target.url({ database: targetDb })), sourceDatabase: sourceDb, targetDatabase: targetDb,
        snapshotId: snapshot.snapshotId, workers: 2, format: 'auto',
        tables: [table('fresh'), table('kept'), table('referenced'), table('held'), table('recopied', { truncateFirst: true }), table('small', { estimatedBytes: 1000 }),
          // A group truncated together: both load frozen, one after the other in one transaction.
          table('g1', { truncateFirst: true, group: 'g' }), table('g2', { truncateFirst: true, group: 'g' }),
          table('published'), table('leaf'), table('triggered'), table('unpublished_truncate')],
      });
    } finally {
      await snapshot.release();
      await reader.query('ROLLBACK');
      await reader.end();
    }
    for (const t of ALL) {
      const src = await counts(source, sourceDb, t);
      const tgt = await counts(target, targetDb, t, 'id > 0');
      expect({ t, n: tgt.n, h: tgt.h }).toEqual({ t, n: src.n, h: src.h });
    }
    for (const t of ['fresh', 'recopied', 'g1', 'g2', 'unpublished_truncate']) {
      const f = await frozen(t);
      expect(f.pages).toBeGreaterThan(0);
      expect({ t, frozen: f.frozen }).toEqual({ t, frozen: f.tuples });
    }
    for (const t of ['recopied', 'g1']) expect({ t, n: (await counts(target, targetDb, t)).n }).toEqual({ t, n: 5000 });
    // Not frozen: a row was there (and stays), an FK points at it, a reader held it, or it is small.
    expect((await counts(target, targetDb, 'kept')).n).toBe(5001);
    expect((await counts(target, targetDb, 'kept', 'id = -1')).n).toBe(1);
    for (const t of ['kept', 'referenced', 'held', 'small', 'published', 'leaf', 'triggered']) expect({ t, frozen: (await frozen(t)).frozen }).toEqual({ t, frozen: 0 });
    // A TRUNCATE gives a table a new file node: these were never truncated, the one published without truncates was.
    const nodesAfter = await fileNodes();
    for (const t of ['published', 'leaf', 'triggered']) expect({ t, node: nodesAfter[t] }).toEqual({ t, node: nodesBefore[t] });
    expect(nodesAfter['unpublished_truncate']).not.toBe(nodesBefore['unpublished_truncate']);
  });
});
