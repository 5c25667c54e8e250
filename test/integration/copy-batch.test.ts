// copyBatch (src/pg/copy/batch-copy.ts) on a real server: many tables through one query per side, text and binary
// mixed, empty tables, two tables of ~12 MB (the source runs ahead of the target, so rows are held and the source's
// socket is paused and resumed), a source error mid-batch (a filter that divides by zero at row 5), a target error
// mid-batch (a CHECK the target has and the source has not) and a target trigger enabled ALWAYS that drops rows
// (refused by the batch and by the streaming path alike).
// Rows are compared by SQL of the test's own (count and an order-independent hash); after an error both sessions
// are still usable and the target keeps nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { copyBatch, type BatchItem } from '../../src/pg/copy/batch-copy.js';
import { CopyError } from '../../src/pg/copy/copy-error.js';
import { copyTables, exportSnapshot } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import type { CopyFormat, CopyTable } from '../../src/pg/copy/types.js';
import { getCluster, useScratchDatabases, type Cluster } from '../harness/index.js';
import { tableHash } from './apply-engine-plan.js';

const scratch = useScratchDatabases();
const SMALL = 40;

const SCHEMA = `
CREATE TABLE big_a (id integer, payload text);
CREATE TABLE big_b (id integer, payload text);
CREATE TABLE empty_one (id integer, v text);
CREATE TABLE checked (id integer, v integer);
CREATE TABLE dropped (id integer);
${Array.from({ length: SMALL }, (_, i) => `CREATE TABLE s${String(i)} (id integer, v text, n numeric, at timestamptz);`).join('\n')}
`;

const DATA = `
INSERT INTO big_a SELECT g, repeat(md5(g::text), 12) FROM generate_series(1, 30000) g;
INSERT INTO big_b SELECT g, repeat(md5((g + 7)::text), 12) FROM generate_series(1, 30000) g;
INSERT INTO checked SELECT g, g FROM generate_series(1, 20) g;
INSERT INTO dropped SELECT g FROM generate_series(1, 10) g;
${Array.from({ length: SMALL }, (_, i) => `INSERT INTO s${String(i)} SELECT g, 'v ' || g || E' \\t\\\\ Grüße', g / 7.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, ${String(i % 5 === 0 ? 0 : 3 * i)}) g;`).join('\n')}
`;

const table = (name: string, columns: readonly string[], filter: string | null = null): CopyTable => ({ schema: 'public', table: name, columns, filter, truncateFirst: false });
const smallItems = (format: (i: number) => CopyFormat): BatchItem[] =>
  Array.from({ length: SMALL }, (_, i) => ({ table: table(`s${String(i)}`, ['id', 'v', 'n', 'at']), format: format(i) }));

let cluster: Cluster;
let sourceDb: string;
let targetDb: string;
let source: pg.Client;
let target: pg.Client;

beforeAll(async () => {
  cluster = await getCluster({ major: 15 });
  sourceDb = await scratch(cluster, 'batch_src');
  targetDb = await scratch(cluster, 'batch_tgt');
  await cluster.query(SCHEMA + DATA, [], sourceDb);
  await cluster.query(`${SCHEMA}
    ALTER TABLE checked ADD CONSTRAINT small_v CHECK (v < 15);
    CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
    CREATE TRIGGER drop_all BEFORE INSERT ON dropped FOR EACH ROW EXECUTE FUNCTION drop_row();
    ALTER TABLE dropped ENABLE ALWAYS TRIGGER drop_all;`, [], targetDb);
  source = new pg.Client({ connectionString: cluster.url({ database: sourceDb }) });
  target = new pg.Client({ connectionString: cluster.url({ database: targetDb }) });
  await source.connect();
  await target.connect();
});

afterAll(async () => {
  await source.end();
  await target.end();
});

async function inTransactions<T>(run: () => Promise<T>, commit: boolean): Promise<T> {
  await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await target.query("BEGIN; SET LOCAL session_replication_role = 'replica'");
  try {
    const out = await run();
    await target.query(commit ? 'COMMIT' : 'ROLLBACK');
    return out;
  } catch (e) {
    await target.query('ROLLBACK');
    throw e;
  } finally {
    await source.query('COMMIT');
  }
}

describe('copyBatch', () => {
  it('copies many tables, text and binary mixed, empty ones and two of ~12 MB, exactly; rows and bytes per table', async () => {
    const items: BatchItem[] = [
      { table: table('big_a', ['id', 'payload']), format: 'binary' },
      { table: table('empty_one', ['id', 'v']), format: 'text' },
      { table: table('big_b', ['id', 'payload']), format: 'text' },
      ...smallItems((i) => (i % 2 === 0 ? 'binary' : 'text')),
    ];
    const results = await inTransactions(() => copyBatch(source, target, items), true);
    expect(results.map((r) => r.rows)).toEqual([30000, 0, 30000, ...Array.from({ length: SMALL }, (_, i) => (i % 5 === 0 ? 0 : 3 * i))]);
    expect(results[0]?.bytes).toBeGreaterThan(10_000_000);
    for (const it of items) expect(await tableHash(cluster, targetDb, it.table.table), it.table.table).toEqual(await tableHash(cluster, sourceDb, it.table.table));
    await cluster.query(`TRUNCATE big_a, big_b, empty_one, ${Array.from({ length: SMALL }, (_, i) => `s${String(i)}`).join(', ')}`, [], targetDb);
  });

  it('a source error mid-batch names its table and side; the target keeps nothing and both sessions go on', async () => {
    const items: BatchItem[] = [
      ...smallItems(() => 'binary').slice(0, 10),
      { table: table('s7', ['id', 'v'], '1 / (id - 5) > 0'), format: 'text' },
      ...smallItems(() => 'text').slice(11, 20),
    ];
    const error = await inTransactions(() => copyBatch(source, target, items), true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect(error).toMatchObject({ side: 'source', address: 'public.s7' });
    expect(String((error as CopyError).message)).toMatch(/division by zero/);
    expect(await cluster.query('SELECT count(*)::int AS n FROM s1', [], targetDb)).toEqual([{ n: 0 }]);
    expect((await source.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await target.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a target error mid-batch names its table and side; the source\'s rows after it are dropped; both sessions go on', async () => {
    const items: BatchItem[] = [
      ...smallItems(() => 'text').slice(0, 5),
      { table: table('checked', ['id', 'v']), format: 'binary' },
      { table: table('big_a', ['id', 'payload']), format: 'binary' },
      ...smallItems(() => 'binary').slice(5, 15),
    ];
    const error = await inTransactions(() => copyBatch(source, target, items), true).catch((e: unknown) => e);
    expect(error).toMatchObject({ side: 'target', address: 'public.checked' });
    expect(String((error as CopyError).message)).toMatch(/small_v/);
    expect(await cluster.query('SELECT count(*)::int AS n FROM s1', [], targetDb)).toEqual([{ n: 0 }]);
    expect((await source.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await target.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a table whose target kept fewer rows than the source sent (a trigger enabled ALWAYS dropping them)', async () => {
    const items: BatchItem[] = [{ table: table('s1', ['id', 'v', 'n', 'at']), format: 'text' }, { table: table('dropped', ['id']), format: 'text' }];
    const error = await inTransactions(() => copyBatch(source, target, items), false).catch((e: unknown) => e);
    expect(error).toMatchObject({ side: 'local', address: 'public.dropped' });
    expect(String((error as CopyError).message)).toMatch(/source sent 10 rows \(COPY 10\) and the target stored 0/);
  });

  it('the streaming path (a table alone in its unit) refuses the same loss', async () => {
    const ci = (database: string): ConnInfo => parseConnString(cluster.url({ database }), { env: {}, passfile: null });
    const holder = await exportSnapshot(ci(sourceDb), sourceDb);
    try {
      const error = await copyTables({
        source: ci(sourceDb), target: ci(targetDb), sourceDatabase: sourceDb, targetDatabase: targetDb, snapshotId: holder.snapshotId,
        tables: [table('dropped', ['id'])], workers: 1, format: 'auto',
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ side: 'local', address: 'public.dropped' });
      expect(String((error as CopyError).message)).toMatch(/source sent 10 rows \(COPY 10\) and the target stored 0/);
    } finally {
      await holder.release();
    }
  });
});
