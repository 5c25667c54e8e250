// The shapes the old tool's command-line flags, its TOML config and the interactive picker are turned into before
// they become a spec (issue 7). Flow:
//
//   argv / TOML text ──parse──▶ FlagScope (table references as written: `[db.][schema.]table`, unresolved)
//   FlagScope + CatalogView ──resolveScope──▶ ResolvedScope (every table exact, per database)
//   interactive picker ──────────────────────▶ ResolvedScope
//   ResolvedScope + servers ──rawSpecFromScope──▶ raw spec object (the YAML shape) ──resolveSpecObject──▶ Spec
//
// So flags, TOML and the picker all end in one spec that the same plan/apply engine runs.
import type { SourcePosition } from '../util/errors.js';

/** A table named on the command line or in TOML, not yet matched against the catalog. */
export interface TableRef {
  /**
   * The dot-separated parts as written (quotes honoured, `""` unescaped): 1 part = `table`; 2 = `db.table` or
   * `schema.table` (decided against the live catalog); 3 = `db.schema.table`. An explicit TOML `schema` field
   * gives `{ database?, schema, table }` with `schemaExplicit`.
   */
  readonly parts: readonly string[];
  /** TOML `[databases.<db>]` the entry sits under: the database is known, parts are `[schema.]table`. */
  readonly database?: string;
  /** TOML `schema = "…"` was given (then `parts` is `[table]` and `schema` holds it). */
  readonly schema?: string;
  /** As the user wrote it, for messages. */
  readonly raw: string;
  /** Where it came from: `--table-filter` (the flag) or `replication.toml:12:1`. */
  readonly origin: string;
  readonly position?: SourcePosition;
}

export interface FlagTableFilter {
  readonly ref: TableRef;
  /** The SQL predicate as written (already split on the first `:` only). */
  readonly where: string;
}

export interface FlagTimeFilter {
  readonly ref: TableRef;
  readonly column: string;
  /** `6 months`, as accepted by src/spec/time-window.ts parseTimeWindow. */
  readonly last: string;
}

/** One kind of scope setting a command line or config gave; absent = not given (so it can be inherited). */
export interface FlagScope {
  readonly includeDatabases?: readonly string[];
  readonly excludeDatabases?: readonly string[];
  readonly includeTables?: readonly TableRef[];
  readonly excludeTables?: readonly TableRef[];
  readonly schemaOnlyTables?: readonly TableRef[];
  readonly tableFilters?: readonly FlagTableFilter[];
  readonly timeFilters?: readonly FlagTimeFilter[];
}

/** What the live source offers, for resolving `a.b` and for the picker. */
export interface CatalogView {
  /** Databases a flag or the picker may choose (not templates, not `postgres` unless named by the URL). */
  readonly databases: readonly string[];
  /** Tables (ordinary, partitioned, and foreign not: only what pgrepl copies) of one database. */
  tables(database: string): Promise<readonly CatalogTable[]>;
}

export interface CatalogTable {
  readonly schema: string;
  readonly table: string;
  /** Columns of type date, timestamp, timestamptz (what a time filter may use), in column order. */
  readonly timeColumns: readonly string[];
  /** Estimated rows (reltuples, -1 unknown), for the picker's labels. */
  readonly estimatedRows: number;
}

export interface ExactTable {
  readonly schema: string;
  readonly table: string;
}

/** One database's table-level settings, every table exact. */
export interface ResolvedDatabase {
  readonly name: string;
  /** null = every table. */
  readonly includeTables: readonly ExactTable[] | null;
  readonly excludeTables: readonly ExactTable[];
  readonly schemaOnly: readonly ExactTable[];
  readonly tableFilters: readonly (ExactTable & { readonly where: string })[];
  readonly timeFilters: readonly (ExactTable & { readonly column: string; readonly last: string })[];
}

export interface ResolvedScope {
  /**
   * How databases are chosen: `only` lists them (the source URL named one, `--include-databases`, or the
   * picker); `all-except` is every database the source has now and later, minus `except`.
   */
  readonly databases: { readonly kind: 'only'; readonly names: readonly string[] } | { readonly kind: 'all-except'; readonly except: readonly string[] };
  /** Per-database settings, for databases that have any. */
  readonly perDatabase: readonly ResolvedDatabase[];
  /** Notes for the user (e.g. `events: created_at > NOW() - INTERVAL '90 days' became a time window`). */
  readonly notes: readonly string[];
}
