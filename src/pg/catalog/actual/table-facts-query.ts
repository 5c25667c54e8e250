// Target table facts (oid, does it hold rows) for a list of tables, in ONE statement whatever their number.
// Whether a table holds rows needs a query on the table itself; a statement that names a table the role may not
// read fails as a whole (permissions are checked for every table before anything runs), so the names cannot be
// written into one UNION ALL. Instead the statement checks the privileges first and runs `SELECT 1 … LIMIT 1`
// through query_to_xml() (a built-in that runs a query text and returns its rows: no function to create, nothing
// written) only for the tables it may read. The table names arrive as parameters, quoted by src/pg/sql/quote.ts.
// query_to_xml needs a server built with libxml (every packaged build is); without it the server answers 0A000
// and table-facts-io.ts falls back to two statements: the same one with $4 = false (privileges only), then one
// UNION ALL of EXISTS over the tables it may read (existsUnionSql).
import type { TargetTableFacts } from '../../../introspect/types.js';
import { objectKey } from '../../../model/object-key.js';
import { quoteQualified } from '../../sql/quote.js';

export interface FactsTable {
  readonly schema: string;
  readonly name: string;
  /** Relations probing it locks (the table, its indexes, partitions below it); 1 when unknown. */
  readonly locks?: number;
}

/** Why the role cannot tell whether a table holds rows. */
export type UnreadableReason = 'no-usage' | 'no-select' | 'row-security';

export interface TableFactsRow {
  readonly schema: string;
  readonly name: string;
  /** oid as text (an oid is unsigned 32-bit). */
  readonly oid: string;
  readonly relkind: 'r' | 'p';
  readonly usage: boolean;
  readonly select: boolean;
  /** Row-level security filters what this role sees (enabled, role neither superuser nor BYPASSRLS, and not the owner or FORCE). */
  readonly row_security: boolean;
  /** null when not looked at (unreadable). */
  readonly has_rows: boolean | null;
}

// A partitioned table is read without ONLY (any row of any leaf), every other table with ONLY (its own rows,
// not an inheritance child's). Row-level security would hide rows silently (row_security = on) or fail the
// statement (off), so such tables are not read either. The CASE runs query_to_xml only for readable tables.
export const TABLE_FACTS_SQL = `
SELECT f.schema, f.name, f.oid::text AS oid, f.relkind, f.usage, f."select", f.row_security,
       CASE WHEN $4::boolean AND f.usage AND f."select" AND NOT f.row_security
            THEN pg_catalog.query_to_xml(
                   'SELECT 1 AS x FROM ' || CASE WHEN f.relkind = 'p' THEN '' ELSE 'ONLY ' END || f.qualified || ' LIMIT 1',
                   false, true, '')::text <> ''
       END AS has_rows
FROM (SELECT v.schema, v.name, v.qualified, c.oid, c.relkind::text AS relkind,
             pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS usage,
             pg_catalog.has_table_privilege(c.oid, 'SELECT') AS "select",
             (c.relrowsecurity AND NOT me.rolsuper AND NOT me.rolbypassrls
              AND (c.relforcerowsecurity OR NOT pg_catalog.pg_has_role(c.relowner, 'USAGE'))) AS row_security
        FROM unnest($1::text[], $2::text[], $3::text[]) AS v(schema, name, qualified)
        JOIN pg_catalog.pg_namespace n ON n.nspname = v.schema
        JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = v.name AND c.relkind IN ('r', 'p')
        CROSS JOIN (SELECT rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user) me
      OFFSET 0) f
ORDER BY f.schema, f.name`;

/**
 * The parameters: schemas, names, each name quoted and qualified for the query text, and whether to look for
 * rows (false: privileges and oids only, has_rows NULL).
 */
export function tableFactsParams(tables: readonly FactsTable[], probeRows = true): [string[], string[], string[], boolean] {
  return [tables.map((t) => t.schema), tables.map((t) => t.name), tables.map((t) => quoteQualified(t.schema, t.name)), probeRows];
}

/** Whether the role may look into the table (same rule as the CASE in TABLE_FACTS_SQL). */
export function canProbe(r: TableFactsRow): boolean {
  return r.usage && r.select && !r.row_security;
}

export interface ExistsRow {
  readonly oid: string;
  readonly has_rows: boolean;
}

/** The fallback without query_to_xml: one EXISTS per readable table, ONLY except for partitioned ones; null for none. */
export function existsUnionSql(rows: readonly TableFactsRow[]): string | null {
  const arms = rows
    .filter(canProbe)
    .map((r) => `SELECT ${String(Number(r.oid))}::pg_catalog.oid::text AS oid, EXISTS (SELECT 1 FROM ${r.relkind === 'p' ? '' : 'ONLY '}${quoteQualified(r.schema, r.name)}) AS has_rows`);
  return arms.length === 0 ? null : arms.join('\nUNION ALL ');
}

/** The fallback's answers merged into the privilege-only rows. */
export function withExists(rows: readonly TableFactsRow[], exists: readonly ExistsRow[]): TableFactsRow[] {
  const byOid = new Map(exists.map((e) => [e.oid, e.has_rows]));
  return rows.map((r) => ({ ...r, has_rows: byOid.get(r.oid) ?? null }));
}

export interface UnreadableTable {
  readonly key: string;
  readonly schema: string;
  readonly name: string;
  readonly reasons: readonly UnreadableReason[];
}

export interface ParsedTableFacts {
  readonly tables: Readonly<Record<string, TargetTableFacts>>;
  /** Tables whose rows could not be looked at: counted as holding rows (emptying them needs consent). */
  readonly unreadable: readonly UnreadableTable[];
}

export function parseTableFacts(rows: readonly TableFactsRow[]): ParsedTableFacts {
  const tables: Record<string, TargetTableFacts> = {};
  const unreadable: UnreadableTable[] = [];
  for (const r of rows) {
    const key = objectKey('table', r.schema, r.name);
    const reasons: UnreadableReason[] = [];
    if (!r.usage) reasons.push('no-usage');
    if (!r.select) reasons.push('no-select');
    if (r.row_security) reasons.push('row-security');
    // Unknown counts as "has rows": the conservative answer, since a non-empty target needs consent.
    const hasRows = reasons.length > 0 || r.has_rows === null ? true : r.has_rows;
    if (reasons.length > 0) unreadable.push({ key, schema: r.schema, name: r.name, reasons });
    tables[key] = { oid: Number(r.oid), hasRows };
  }
  return { tables, unreadable };
}
