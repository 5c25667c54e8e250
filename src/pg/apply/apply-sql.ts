// SQL text the apply engine needs around the copy: sequence values, the target tables' oids, ANALYZE. Pure; every
// name goes through the one quoting helper.
import { quoteQualified } from '../sql/quote.js';

export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/**
 * last_value and is_called of every sequence in ONE query (pg_dump reads each sequence relation the same way; a
 * sequence relation always shows its latest state, so the snapshot only keeps the session consistent). `i` is the
 * position in `sequences`.
 */
export function readSequencesSql(sequences: readonly QualifiedName[]): string {
  if (sequences.length === 0) throw new Error('readSequencesSql needs at least one sequence');
  return sequences
    .map((s, i) => `SELECT ${i} AS i, last_value::text AS last_value, is_called FROM ${quoteQualified(s.schema, s.name)}`)
    .join('\nUNION ALL\n') + '\nORDER BY i';
}

/** setval of many sequences in one round trip: $1 regclass texts, $2 values (bigint as text), $3 is_called. */
export const SET_SEQUENCES_SQL = `SELECT pg_catalog.setval(u.seq::regclass, u.value, u.called)
  FROM unnest($1::text[], $2::bigint[], $3::boolean[]) WITH ORDINALITY AS u(seq, value, called, i)
 ORDER BY u.i`;

/** Oids of tables by qualified name ($1: quoteQualified texts); NULL for a table that does not exist. */
export const TABLE_OIDS_SQL = `SELECT u.i::int AS i, pg_catalog.to_regclass(u.name)::oid::bigint AS oid
  FROM unnest($1::text[]) WITH ORDINALITY AS u(name, i)
 ORDER BY u.i`;

/** The regclass text of a table or sequence, as SET_SEQUENCES_SQL and TABLE_OIDS_SQL take it. */
export function regclassText(n: QualifiedName): string {
  return quoteQualified(n.schema, n.name);
}

/** One ANALYZE of the tables given (PostgreSQL 11+ takes a list): many small tables in one round trip. */
export function analyzeSql(tables: readonly QualifiedName[]): string {
  if (tables.length === 0) throw new Error('ANALYZE of no table');
  return `ANALYZE ${tables.map((t) => quoteQualified(t.schema, t.name)).join(', ')}`;
}

/**
 * Index builds in post-data get a generous maintenance_work_mem (pg_restore leaves the server default, 64MB, which
 * spills a large table's sort to disk), raised only: a server configured higher keeps its own.
 */
export const INDEX_BUILD_MEMORY = '256MB';
export const RAISE_MAINTENANCE_WORK_MEM_SQL = `SELECT pg_catalog.set_config('maintenance_work_mem', $1, false)
 WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < pg_catalog.pg_size_bytes($1)`;

/**
 * Parallel workers of an index build (max_parallel_maintenance_workers): the server's own setting while a build runs
 * alone, none while several sessions build at once. Two sessions that each started two workers put six processes on
 * the cores of two; on a 2-core machine the eight tables of the clone benchmark built in 4.5 s with workers and in
 * 3.6-3.8 s without. A table built alone (one large table) keeps them: its sort then uses the idle cores.
 */
export function maintenanceWorkersSql(alone: boolean): string {
  return alone ? 'RESET max_parallel_maintenance_workers' : 'SET max_parallel_maintenance_workers = 0';
}
