// Sanity run, not a timed assertion: 8 tables of ~6 MB each (15 -> 17, 2 workers), copied exactly in binary
// ('auto') and in text, printing throughput and this process's peak RSS. The benchmark proper lives in bench/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, exportSnapshot, type CopyFormat, type CopyTable } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { getCluster, type Cluster } from '../harness/index.js';

const TABLE_COUNT = 8;
const ROWS_PER_TABLE = 50_000;
const MIB = 1024 * 1024;
// Order-independent and cheap over many rows: count and a sum of 64-bit row hashes, under fixed settings.
const HASH_SQL = (relation: string): string =>
  "SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET IntervalStyle = postgres; SET bytea_output = hex; " +
  `SELECT count(*)::text AS n, sum(hashtextextended(t::text, 0))::text AS h FROM ONLY ${relation} t`;

const DDL = Array.from({ length: TABLE_COUNT }, (_, i) =>
  `CREATE TABLE t${i} (id bigint PRIMARY KEY, created timestamptz, amount numeric(12,2), ratio float8, tags text[], doc jsonb, body text);`).join('\n');

describe('copyTables throughput sanity (15 -> 17)', () => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  const targets: string[] = [];

  beforeAll(async () => {
    source = await getCluster({ major: 15 });
    target = await getCluster({ major: 17 });
    sourceDb = await source.createDatabase('copy_bench');
    await source.query(DDL + Array.from({ length: TABLE_COUNT }, (_, i) => `
      INSERT INTO t${i} SELECT g, timestamptz '2024-01-01+00' + g * interval '1 second', g * 1.25, g / 7.0,
        ARRAY['a' || g % 10, 'b'], jsonb_build_object('g', g, 't', ${i}), repeat(md5(g::text), 1)
        FROM generate_series(1, ${ROWS_PER_TABLE}) g;`).join('\n') + '\nANALYZE;', [], sourceDb);
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    for (const db of targets) await target.dropDatabase(db);
  });

  it.each(['auto', 'text'] as const)('copies 8 tables exactly (%s) and prints throughput', async (format: CopyFormat | 'auto') => {
    const targetDb = await target.createDatabase('copy_bench_tgt');
    targets.push(targetDb);
    await target.query(DDL, [], targetDb);
    const sizes = await source.query<{ relname: string; bytes: string }>(
      "SELECT relname, pg_relation_size(oid)::text AS bytes FROM pg_class WHERE relname ~ '^t[0-9]$' AND relkind = 'r'", [], sourceDb);
    const tables: CopyTable[] = sizes.map((s) => ({
      schema: 'public', table: s.relname, columns: ['id', 'created', 'amount', 'ratio', 'tags', 'doc', 'body'],
      filter: null, truncateFirst: false, estimatedBytes: Number(s.bytes),
    }));
    const sourceCi = parseConnString(source.url(), { env: {}, passfile: null });
    const holder = await exportSnapshot(sourceCi, sourceDb);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    try {
      const summary = await copyTables({
        source: sourceCi, target: parseConnString(target.url(), { env: {}, passfile: null }), sourceDatabase: sourceDb,
        targetDatabase: targetDb, snapshotId: holder.snapshotId, tables, workers: 2, format,
      });
      const heapMiB = sizes.reduce((s, x) => s + Number(x.bytes), 0) / MIB;
      console.log(
        `copy throughput (${format}): ${summary.tables} tables, ${summary.rows} rows, ${(summary.bytes / MIB).toFixed(1)} MiB of COPY data ` +
          `(${heapMiB.toFixed(1)} MiB of heap) in ${summary.seconds.toFixed(2)} s = ${(summary.bytes / MIB / summary.seconds).toFixed(1)} MiB/s, ` +
          `${Math.round(summary.rows / summary.seconds)} rows/s; peak RSS ${(peakRss / MIB).toFixed(0)} MiB`,
      );
      expect(summary.rows).toBe(TABLE_COUNT * ROWS_PER_TABLE);
    } finally {
      clearInterval(sampler);
      await holder.release();
    }
    for (let i = 0; i < TABLE_COUNT; i += 1) {
      expect(await target.query(HASH_SQL(`t${i}`), [], targetDb), `t${i}`).toEqual(await source.query(HASH_SQL(`t${i}`), [], sourceDb));
    }
  });
});
