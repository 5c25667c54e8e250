// Lets PostgreSQL itself judge row filters: each filter goes into a throw-away `CREATE PUBLICATION
// pgrepl_probe_<random> FOR TABLE t WHERE (…)` inside BEGIN … ROLLBACK (EXPLAIN accepts filters a publication
// refuses: now(), enum columns, user-defined functions, STABLE cross-type comparisons). While the probe
// publication exists we read the columns the filter uses from its parsed qualifier (pg_publication_rel.prqual),
// because PostgreSQL checks them against the replica identity only later, when the source's own UPDATEs fail.
import { randomBytes } from 'node:crypto';
import type { ClientBase, QueryConfig } from 'pg';
import type pg from 'pg';
import { probeInRollback } from '../../session.js';
import { toProbeError } from './probe-error.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../sql/quote.js';
import type { FilterProbeRequest, FilterProbeResult } from './types.js';

export function probeObjectName(): string {
  return `pgrepl_probe_${randomBytes(6).toString('hex')}`;
}

/**
 * The attribute numbers of the Vars in a node tree's text (`{VAR :varno 1 :varattno 3 …}`). A row filter has no
 * subqueries, so every Var is a column of the published table; constants print as bytes, so no user text can
 * look like a Var. Attribute 0 is a whole-row reference (every column).
 */
export function varAttnos(nodeTree: string): number[] {
  const out = new Set<number>();
  for (const m of nodeTree.matchAll(/\{VAR :varno \d+ :varattno (-?\d+)/g)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}

interface QualRow {
  prqual: string | null;
  relid: string;
}

interface AttRow {
  attnum: number;
  attname: string;
}

const QUAL_SQL = `
SELECT r.prqual::text AS prqual, r.prrelid::text AS relid
FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
WHERE p.pubname = $1`;

const ATTS_SQL = `
SELECT a.attnum::int AS attnum, a.attname::text AS attname FROM pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

/**
 * Runs one statement through the extended protocol, which refuses several commands in one string: a filter is
 * user SQL spliced into a statement, and `…); COMMIT; DROP …` must not get past the probe's ROLLBACK.
 */
export async function singleStatement(client: ClientBase, text: string): Promise<void> {
  const config: QueryConfig & { queryMode: 'extended' } = { text, queryMode: 'extended' };
  await client.query(config);
}

/** A time window as a literal in the column's own type, anchored at the source's now(). */
async function windowExpression(client: ClientBase, column: string, columnType: string, last: string): Promise<string> {
  // columnType comes from format_type(): valid type text, not user input.
  const sql = `SELECT ((now() - $1::interval)::${columnType})::text AS lit`;
  const lit = (await client.query<{ lit: string }>(sql, [last])).rows[0]?.lit;
  if (lit === undefined) throw new Error('the source returned no time for the window');
  return `${quoteIdent(column)} >= ${quoteLiteral(lit)}::${columnType}`;
}

async function probeOne(client: ClientBase, req: FilterProbeRequest): Promise<FilterProbeResult> {
  let expression: string | null = null;
  await client.query('SAVEPOINT pgrepl_filter_probe');
  try {
    expression =
      req.filter.kind === 'where'
        ? req.filter.where
        : await windowExpression(client, req.filter.column, req.filter.columnType, req.filter.last);
    const table = quoteQualified(req.schema, req.table);
    if (req.check === 'select') {
      await singleStatement(client, `EXPLAIN SELECT 1 FROM ${table} WHERE (${expression})`);
      return { key: req.key, ok: true, expression, columns: [] };
    }
    const name = probeObjectName();
    const options = [`publish = ${quoteLiteral(req.publish.join(', '))}`];
    if (req.viaRoot) options.push('publish_via_partition_root = true');
    await singleStatement(
      client,
      `CREATE PUBLICATION ${name} FOR TABLE ${table} WHERE (${expression}) WITH (${options.join(', ')})`,
    );
    const qual = (await client.query<QualRow>(QUAL_SQL, [name])).rows[0];
    const attnos = varAttnos(qual?.prqual ?? '');
    const atts = qual ? (await client.query<AttRow>(ATTS_SQL, [qual.relid])).rows : [];
    const columns = attnos.includes(0)
      ? atts.map((a) => a.attname)
      : atts.filter((a) => attnos.includes(a.attnum)).map((a) => a.attname);
    return { key: req.key, ok: true, expression, columns };
  } catch (e) {
    return { key: req.key, ok: false, expression, error: toProbeError(e) };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT pgrepl_filter_probe');
  }
}

/** Probes every filter in one transaction that is always rolled back; one savepoint per filter. */
export async function probeFilters(client: pg.Client, requests: readonly FilterProbeRequest[]): Promise<FilterProbeResult[]> {
  if (requests.length === 0) return [];
  return probeInRollback(client, async () => {
    const results: FilterProbeResult[] = [];
    for (const req of requests) results.push(await probeOne(client, req));
    return results;
  });
}
