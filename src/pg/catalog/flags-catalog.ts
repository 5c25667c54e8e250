// What the old tool's flags and the interactive picker need from the source (src/flags/catalog.ts): the databases a
// flag may choose, and per database its tables with their date/timestamp columns and row estimates. Two queries,
// never one per table (STYLE.md #6); the row shapes are parsed here so src/flags stays free of SQL.
import type { ClientBase } from 'pg';

/** Databases that accept connections and are no templates (as the spec's database rules see them). */
export const SOURCE_DATABASES_SQL = `
SELECT d.datname::text AS name
FROM pg_catalog.pg_database d
WHERE NOT d.datistemplate AND d.datallowconn
ORDER BY d.datname COLLATE "C"`;

export interface FlagTableRow {
  schema: string;
  name: string;
  reltuples: number | string;
  time_columns: string[];
}

/**
 * Ordinary and partitioned tables in user schemas, never a partition on its own (a spec selects the partitioned
 * table whole) nor a table an extension owns (it comes with CREATE EXTENSION, as schema introspection has it).
 * Time columns: date, timestamp, timestamptz, in column order. Domains over them are left out: a time window is
 * rendered as a literal of the column's own type, which the planner knows only for those three.
 */
export const FLAG_TABLES_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name, c.reltuples::float8 AS reltuples,
       ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND a.atttypid IN ('pg_catalog.date'::regtype, 'pg_catalog.timestamp'::regtype, 'pg_catalog.timestamptz'::regtype)
             ORDER BY a.attnum) AS time_columns
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`;

export interface FlagTable {
  readonly schema: string;
  readonly table: string;
  readonly timeColumns: readonly string[];
  /** reltuples; -1 = never analysed (PostgreSQL 14+), 0 may also mean unknown before 14. */
  readonly estimatedRows: number;
}

export function parseFlagTables(rows: readonly FlagTableRow[]): FlagTable[] {
  return rows.map((r) => ({ schema: r.schema, table: r.name, timeColumns: [...r.time_columns], estimatedRows: Math.round(Number(r.reltuples)) }));
}

export async function readSourceDatabases(client: ClientBase): Promise<string[]> {
  const res = await client.query<{ name: string }>(SOURCE_DATABASES_SQL);
  return res.rows.map((r) => r.name);
}

export async function readFlagTables(client: ClientBase): Promise<FlagTable[]> {
  const res = await client.query<FlagTableRow>(FLAG_TABLES_SQL);
  return parseFlagTables(res.rows);
}
