// COPY … FREEZE writes the rows already frozen and (14+) marks their pages all-visible, so the index builds and the
// ANALYZE that follow a big load skip the per-row visibility work and the hint-bit writes (measured here on 3 M
// pgbench_accounts rows: ADD PRIMARY KEY 0.9–1.2 s instead of 1.4–1.5 s, ANALYZE 0.26–0.33 s instead of 0.32–0.35 s).
// PostgreSQL allows FREEZE only on a plain table created or truncated in the current (sub)transaction. A table a
// unit truncates anyway qualifies as it is; an empty one is truncated first, which loses nothing: it is locked
// (NOWAIT: a reader on the target keeps the ordinary load instead of waiting), checked empty under that lock and
// only then truncated, inside a savepoint that any refusal rolls back (a foreign key pointing at it, no right to
// lock it), leaving the ordinary COPY. Small tables skip it: a TRUNCATE creates a new file, which costs more than
// a few pages of hint bits. Nor is an empty table truncated where that TRUNCATE would reach further than the table:
// a publication of the target database that publishes truncates for it or an ancestor (a downstream subscriber
// would empty its own copy, all of it when the partition root is published), or a TRUNCATE trigger that is not
// disabled (one enabled ALWAYS or REPLICA fires even in replica mode).
import type pg from 'pg';
import { quoteLiteral, quoteQualified } from '../sql/quote.js';
import type { CopyTable } from './types.js';

/** Tables smaller than this (the source's estimate) load without FREEZE. */
export const FREEZE_MIN_BYTES = 8 * 1_048_576;

/**
 * Inside the target's open load transaction, right before the table's COPY. `truncated`: the unit's TRUNCATE named
 * it. Returns whether the COPY may say FREEZE.
 */
export async function prepareFreeze(client: pg.Client, t: CopyTable, truncated: boolean): Promise<boolean> {
  if ((t.estimatedBytes ?? 0) < FREEZE_MIN_BYTES) return false;
  const table = quoteQualified(t.schema, t.table);
  const plain = `SELECT c.relkind = 'r' AS ok FROM pg_catalog.pg_class c WHERE c.oid = ${quoteLiteral(table)}::regclass`;
  if (truncated) return (await client.query<{ ok: boolean }>(plain)).rows[0]?.ok === true;
  try {
    const results = await client.query(
      `SAVEPOINT pgrepl_freeze; LOCK TABLE ONLY ${table} IN ACCESS EXCLUSIVE MODE NOWAIT; ` +
        `SELECT c.relkind = 'r' AND NOT EXISTS (SELECT FROM ONLY ${table}) AND ${truncateStaysHere('c.oid')} AS ok ` +
        `FROM pg_catalog.pg_class c WHERE c.oid = ${quoteLiteral(table)}::regclass`,
    ) as unknown as readonly pg.QueryResult<{ ok: boolean }>[];
    if (results[results.length - 1]?.rows[0]?.ok !== true) {
      await client.query('ROLLBACK TO SAVEPOINT pgrepl_freeze; RELEASE SAVEPOINT pgrepl_freeze');
      return false;
    }
    await client.query(`TRUNCATE TABLE ONLY ${table}; RELEASE SAVEPOINT pgrepl_freeze`);
    return true;
  } catch (e) {
    // A refusal inside the savepoint: undo it and load as usual. If even that fails, the session is gone: the cause counts.
    await client.query('ROLLBACK TO SAVEPOINT pgrepl_freeze; RELEASE SAVEPOINT pgrepl_freeze').catch(() => {
      throw e;
    });
    return false;
  }
}

/**
 * SQL: a TRUNCATE of the table `oid` (a SQL expression) stays on this server and fires nothing. pg_partition_ancestors
 * lists nothing for a table that is not a partition, hence the table itself beside it.
 */
function truncateStaysHere(oid: string): string {
  return `NOT EXISTS (SELECT FROM pg_catalog.pg_publication p
      JOIN pg_catalog.pg_publication_tables pt ON pt.pubname = p.pubname
      JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname
      JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = pt.tablename
      WHERE p.pubtruncate AND r.oid IN (SELECT ${oid} UNION ALL SELECT a.relid FROM pg_catalog.pg_partition_ancestors(${oid}) AS a(relid)))
    AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ${oid} AND (t.tgtype & 32) <> 0 AND t.tgenabled <> 'D')`;
}
