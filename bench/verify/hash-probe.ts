// PGREPL_BENCH_PROBE=1: after the cases, the whole of the largest table hashed on the source by a few SQL variants,
// one session, median of 3, so a gap between pgrepl and the floor can be split into "the hash expression" and
// "everything else" (chunking, round trips, the CLI's start and schema check). Not the code pgrepl runs: the
// expressions its SQL uses (src/pg/verify/verify-sql.ts), and pgcopydb's.
import { ident, type Cluster } from '../../test/harness/index.js';
import { median } from '../lib/stats.js';
import type { BenchTable } from './methods.js';

export async function hashProbe(source: Cluster, database: string, table: BenchTable): Promise<string> {
  const q = `${ident(table.schema)}.${ident(table.name)}`;
  const row = `ROW(${table.columns.map(ident).join(', ')})::text`;
  const variants: Array<readonly [string, string]> = [
    ['count(*)', `SELECT count(*) FROM ONLY ${q}`],
    ['count(*), no parallel workers', `SET max_parallel_workers_per_gather = 0; SELECT count(*) FROM ONLY ${q}`],
    ['sum(hashtextextended(ROW()::text, 0)::numeric) (pgrepl)', `SET max_parallel_workers_per_gather = 0; SELECT count(*), sum(hashtextextended(${row}, 0)::numeric) FROM ONLY ${q}`],
    ['sum(hashtextextended(ROW()::text, 0)) (bigint sum)', `SET max_parallel_workers_per_gather = 0; SELECT count(*), sum(hashtextextended(${row}, 0)) FROM ONLY ${q}`],
    ['sum(hashtext(()::text)::bigint) (pgcopydb)', `SET max_parallel_workers_per_gather = 0; SELECT count(1), sum(hashtext((${table.columns.map(ident).join(', ')})::text)::bigint) FROM ONLY ${q}`],
    ['sum(hashtextextended(ROW()::text, 0)::numeric), parallel allowed', `SELECT count(*), sum(hashtextextended(${row}, 0)::numeric) FROM ONLY ${q}`],
  ];
  const client = await source.connect({ database });
  // pgrepl's chunk-boundary pass (src/pg/verify/verify-sql.ts boundariesSql, 100,000-row chunks) over the key.
  const pk = await client.query<{ k: string }>(`SELECT a.attname::text AS k FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`, [q]);
  const key = pk.rows.map((r) => ident(r.k));
  if (key.length > 0) {
    variants.push(['chunk boundaries: row_number() OVER (ORDER BY key) (pgrepl)',
      `SET max_parallel_workers_per_gather = 0; SELECT * FROM (SELECT ${key.join(', ')}, row_number() OVER (ORDER BY ${key.join(', ')}) AS rn FROM ONLY ${q}) b WHERE rn % 100000 = 0`]);
  }
  const lines: string[] = [];
  try {
    for (const [name, sql] of variants) {
      const ms: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        await client.query('RESET max_parallel_workers_per_gather');
        const t = performance.now();
        await client.query(sql);
        ms.push(performance.now() - t);
      }
      lines.push(`    ${name.padEnd(64)} ${(median(ms) / 1000).toFixed(2)} s`);
    }
  } finally {
    await client.end();
  }
  return `hash expressions over ${table.schema}.${table.name} on the source (one session, median of 3):\n${lines.join('\n')}`;
}
