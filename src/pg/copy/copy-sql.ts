// SQL text of the copy engine. Pure; every name goes through the one quoting helper.
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import type { CopyFormat, CopyTable } from './types.js';

function columnList(columns: readonly string[]): string {
  if (columns.length === 0) throw new Error('a COPY needs at least one column');
  return columns.map(quoteIdent).join(', ');
}

function withOptions(format: CopyFormat, freeze = false): string {
  // Text is COPY's default; saying nothing keeps the statement readable in logs.
  const options = [...(format === 'binary' ? ['FORMAT binary'] : []), ...(freeze ? ['FREEZE'] : [])];
  return options.length === 0 ? '' : ` WITH (${options.join(', ')})`;
}

/**
 * An inheritance parent's own rows only (`FROM ONLY`): its children are tables of their own. Without a filter the
 * table form, which reads exactly the table's own rows too and skips planning a query: on 1,000 small tables the
 * source answered the table form in half the time of the query form. RLS applies to both alike.
 */
export function copyOutSql(t: CopyTable, format: CopyFormat): string {
  if (t.filter === null) return `COPY ${quoteQualified(t.schema, t.table)} (${columnList(t.columns)}) TO STDOUT${withOptions(format)}`;
  return `COPY (SELECT ${columnList(t.columns)} FROM ONLY ${quoteQualified(t.schema, t.table)} WHERE (${t.filter})) TO STDOUT${withOptions(format)}`;
}

/** `freeze`: the table was emptied in this (sub)transaction, see prepareFreeze. */
export function copyInSql(t: CopyTable, format: CopyFormat, freeze = false): string {
  return `COPY ${quoteQualified(t.schema, t.table)} (${columnList(t.columns)}) FROM STDIN${withOptions(format, freeze)}`;
}

/** One statement for all, so referencing and referenced tables go together; never CASCADE. */
export function truncateSql(tables: readonly CopyTable[]): string | null {
  if (tables.length === 0) return null;
  return `TRUNCATE TABLE ONLY ${tables.map((t) => quoteQualified(t.schema, t.table)).join(', ')}`;
}

/** Exports the current transaction's snapshot for other sessions (the id as `id`). */
export const EXPORT_SNAPSHOT_SQL = 'SELECT pg_catalog.pg_export_snapshot() AS id';

export function importSnapshotSql(snapshotId: string): string {
  // An exported snapshot id is like 00000003-0000001B-1; anything else is refused before it reaches SQL.
  if (!/^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i.test(snapshotId)) throw new Error(`not a snapshot id: ${JSON.stringify(snapshotId)}`);
  return `SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshotId)}`;
}

export function tableAddress(t: Pick<CopyTable, 'schema' | 'table'>): string {
  return `${t.schema}.${t.table}`;
}
