// The stand-in for `pgrepl apply` while the CLI command does not exist: pgrepl's copy engine driven by hand, as
// apply will drive it. Pre-data schema (pg_dump --section=pre-data | psql), exported snapshot + copyTables (2 workers,
// format 'auto' = binary here), then the post-data (primary keys, unique constraints, indexes, then foreign keys)
// built from the source catalog on 2 target sessions, largest table first. Measures the engine, not apply's
// planning, state writes or lock; the report labels it as such.
import pg from 'pg';
import { copyTables, exportSnapshot, type CopySummary, type CopyTable } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { Cluster } from '../../test/harness/index.js';
import { sh } from '../lib/proc.js';

const WORKERS = 2;

export interface TableRow { readonly schema: string; readonly table: string; readonly bytes: string; readonly columns: string[] }
interface PostDataRow { readonly sql: string; readonly bytes: string; readonly late: boolean }

/** Ordinary tables of the user's schemas with their copyable (non-generated) columns. */
export const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS table, pg_relation_size(c.oid)::text AS bytes,
       array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
GROUP BY 1, 2, 3
ORDER BY 1, 2`;

// Constraints with an index (p, u, x) and plain indexes first, foreign keys last (they need the referenced keys).
const POST_DATA_SQL = `
SELECT format('ALTER TABLE ONLY %I.%I ADD CONSTRAINT %I %s', n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)) AS sql,
       pg_relation_size(r.oid)::text AS bytes, c.contype = 'f' AS late
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE c.contype IN ('p', 'u', 'x', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT pg_get_indexdef(i.indexrelid), pg_relation_size(r.oid)::text, false
FROM pg_index i
JOIN pg_class r ON r.oid = i.indrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`;

async function runOnSessions(target: Cluster, database: string, statements: readonly string[], sessions: number): Promise<void> {
  const queue = [...statements];
  await Promise.all(Array.from({ length: Math.min(sessions, queue.length) }, async () => {
    const client = new pg.Client(target.clientConfig({ database }));
    await client.connect();
    try {
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await client.query(sql);
    } finally {
      await client.end();
    }
  }));
}

export interface EngineCtx {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly sourceDb: string;
  readonly targetDb: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Clone with the engine; `lap(name)` is called at the end of each phase (pre-data, copy, post-data). */
export async function engineClone(ctx: EngineCtx, lap: (phase: string) => void): Promise<CopySummary> {
  await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" --section=pre-data "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$TGT_DB" >/dev/null', ctx.env);
  lap('pre-data');
  const sourceCi = parseConnString(ctx.source.url(), { env: {}, passfile: null });
  const holder = await exportSnapshot(sourceCi, ctx.sourceDb);
  let summary: CopySummary;
  try {
    const rows = await ctx.source.query<TableRow>(TABLES_SQL, [], ctx.sourceDb);
    const tables: CopyTable[] = rows.map((r) => ({
      schema: r.schema, table: r.table, columns: r.columns, filter: null, truncateFirst: false, estimatedBytes: Number(r.bytes),
    }));
    summary = await copyTables({
      source: sourceCi, target: parseConnString(ctx.target.url(), { env: {}, passfile: null }),
      sourceDatabase: ctx.sourceDb, targetDatabase: ctx.targetDb, snapshotId: holder.snapshotId, tables, workers: WORKERS, format: 'auto',
    });
  } finally {
    await holder.release();
  }
  lap('copy');
  const post = (await ctx.source.query<PostDataRow>(POST_DATA_SQL, [], ctx.sourceDb)).sort((a, b) => Number(b.bytes) - Number(a.bytes));
  await runOnSessions(ctx.target, ctx.targetDb, post.filter((p) => !p.late).map((p) => p.sql), WORKERS);
  await runOnSessions(ctx.target, ctx.targetDb, post.filter((p) => p.late).map((p) => p.sql), WORKERS);
  lap('post-data');
  return summary;
}
