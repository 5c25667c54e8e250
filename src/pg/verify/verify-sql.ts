// SQL text of `pgrepl verify` (docs/verify.md). Pure. Every row is hashed ON THE SERVER: the row's text
// (`ROW(c1, c2, …)::text` over an explicit column list, so NULL and '' differ, json keeps its text, and column
// order or dropped columns on one side cannot shift the encoding) through hashtextextended, then summed (a
// duplicated row adds, where XOR would cancel it; sum(bigint) accumulates in 128 bits and returns numeric, so it
// cannot overflow). Key ranges compare text key columns under COLLATE "C" on both sides, so two servers with
// different collations cut the same ranges. Key values travel as text parameters cast back to the column's type,
// never spliced into the SQL.
import { quoteIdent, quoteQualified } from '../sql/quote.js';

export interface VerifyKeyColumn {
  readonly name: string;
  /** format_type of the column (the cast a bound's text goes through). */
  readonly type: string;
  /** Has a collation: compared with COLLATE "C". */
  readonly collatable: boolean;
}

export interface VerifyTableSql {
  readonly schema: string;
  readonly name: string;
  /** FROM ONLY (an inheritance parent's own rows); false for a partitioned table, whose rows live in its leaves. */
  readonly only: boolean;
  /** The columns hashed, in the source's order. */
  readonly columns: readonly string[];
  /** null: keyless (whole-table hash only). */
  readonly key: readonly VerifyKeyColumn[] | null;
  /** The source's predicate (the recorded one, windows as literals); the target is read whole. */
  readonly filter: string | null;
}

/** [lower, upper): null bounds are open. Values are the key columns' text output. */
export interface KeyRange {
  readonly lower: readonly string[] | null;
  readonly upper: readonly string[] | null;
}

export type VerifySide = 'source' | 'target';

export interface SqlQuery {
  readonly text: string;
  readonly values: readonly string[];
}

const from = (t: VerifyTableSql): string => `FROM ${t.only ? 'ONLY ' : ''}${quoteQualified(t.schema, t.name)}`;

function keyExpr(k: VerifyKeyColumn): string {
  return k.collatable ? `${quoteIdent(k.name)} COLLATE "C"` : quoteIdent(k.name);
}

function keyList(t: VerifyTableSql): string {
  return (t.key ?? []).map(keyExpr).join(', ');
}

export function rowText(t: VerifyTableSql): string {
  if (t.columns.length === 0) return `''::text`;
  return `ROW(${t.columns.map(quoteIdent).join(', ')})::text`;
}

/** The WHERE clause of one side over one range, with its parameters. */
export function whereClause(t: VerifyTableSql, side: VerifySide, range: KeyRange | null): SqlQuery {
  const parts: string[] = [];
  const values: string[] = [];
  if (side === 'source' && t.filter !== null) parts.push(`(${t.filter})`);
  const key = t.key;
  if (range !== null && key !== null) {
    const bound = (vals: readonly string[], op: string): void => {
      if (vals.length !== key.length) throw new Error(`a key bound has ${vals.length} values, the key ${key.length} columns`);
      const params = key.map((k, i) => {
        values.push(vals[i] as string);
        return `$${values.length}::${k.type}`;
      });
      parts.push(key.length === 1 ? `${keyExpr(key[0] as VerifyKeyColumn)} ${op} ${params[0] as string}` : `ROW(${keyList(t)}) ${op} ROW(${params.join(', ')})`);
    };
    if (range.lower !== null) bound(range.lower, '>=');
    if (range.upper !== null) bound(range.upper, '<');
  }
  return { text: parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`, values };
}

/** Count and summed row hash (numeric, as text) of one side over one range (null: the whole table). */
export function hashSql(t: VerifyTableSql, side: VerifySide, range: KeyRange | null): SqlQuery {
  const w = whereClause(t, side, range);
  return {
    text: `SELECT count(*)::text AS n, coalesce(sum(hashtextextended(${rowText(t)}, 0)), 0)::text AS h ${from(t)}${w.text}`,
    values: w.values,
  };
}

/** Every `every`-th key of the source under the filter, in "C" order: the chunk boundaries, read in one pass. */
export function boundariesSql(t: VerifyTableSql, every: number): SqlQuery {
  const key = t.key ?? [];
  if (!Number.isInteger(every) || every < 1) throw new Error(`chunk size must be a positive integer, got ${every}`);
  const w = whereClause(t, 'source', null);
  const cols = key.map((k, i) => `${quoteIdent(k.name)}::text AS k${i}`).join(', ');
  const inner = key.map((k) => quoteIdent(k.name)).join(', ');
  return {
    text: `SELECT ${key.map((_, i) => `k${i}`).join(', ')} FROM (SELECT ${cols}, row_number() OVER (ORDER BY ${keyList(t)}) AS rn FROM (SELECT ${inner} ${from(t)}${w.text}) s) b WHERE rn % ${every} = 0 ORDER BY rn`,
    values: w.values,
  };
}

/** min and max of a single integer key on the source under the filter (served by the key's index). */
export function keyMinMaxSql(t: VerifyTableSql): SqlQuery {
  const k = quoteIdent((t.key ?? [])[0]?.name ?? '');
  const w = whereClause(t, 'source', null);
  return { text: `SELECT min(${k})::text, max(${k})::text ${from(t)}${w.text}`, values: w.values };
}

/** The key at `offset` (0-based, "C" order) in a range of one side: where a chunk is bisected. */
export function keyAtSql(t: VerifyTableSql, side: VerifySide, range: KeyRange, offset: number): SqlQuery {
  const w = whereClause(t, side, range);
  const key = t.key ?? [];
  return {
    text: `SELECT ${key.map((k) => `${quoteIdent(k.name)}::text`).join(', ')} ${from(t)}${w.text} ORDER BY ${keyList(t)} OFFSET ${Math.max(0, Math.floor(offset))} LIMIT 1`,
    values: w.values,
  };
}

/** (key text…, row hash) of every row in a small range of one side, in "C" key order: the last drill-down step. */
export function rowHashesSql(t: VerifyTableSql, side: VerifySide, range: KeyRange): SqlQuery {
  const w = whereClause(t, side, range);
  const key = t.key ?? [];
  return {
    text: `SELECT ${key.map((k) => `${quoteIdent(k.name)}::text`).join(', ')}, hashtextextended(${rowText(t)}, 0)::text ${from(t)}${w.text} ORDER BY ${keyList(t)}`,
    values: w.values,
  };
}

/** Which of the table's columns have a collation (read on the source). */
export const COLLATABLE_SQL = `SELECT attname, attcollation <> 0 AS collatable FROM pg_catalog.pg_attribute
 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`;

/** The source's WAL insert position: a commit that returned lies before it. */
export const WAL_INSERT_LSN_SQL = 'SELECT pg_catalog.pg_current_wal_insert_lsn()::text AS lsn';

/** Whether the slot's subscriber confirmed everything up to $1. */
export const SLOT_PAST_SQL = `SELECT confirmed_flush_lsn IS NOT NULL AND confirmed_flush_lsn >= $1::pg_lsn AS past,
 confirmed_flush_lsn::text AS confirmed FROM pg_catalog.pg_replication_slots WHERE slot_name = $2`;
