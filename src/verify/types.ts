// `pgrepl verify`'s report: what `--json` prints (format_version "1") and the text renderer shows. Plain JSON data.
// A key is the list of its column values as PostgreSQL prints them (text output, fixed session settings), in key
// column order, so `[["1041"], ["1042"]]` reads as "keys 1041, 1042" and `[["eu", "7"]]` as "key (eu, 7)".

export const VERIFY_FORMAT_VERSION = '1';

export type KeyValues = readonly string[];

export interface TableDifferences {
  /** Keys present on both sides whose rows differ. */
  readonly changed: readonly KeyValues[];
  /** Keys on the source (under the table's filter) that the target lacks. */
  readonly missing: readonly KeyValues[];
  /** Keys on the target that the source (under the filter) lacks. */
  readonly extra: readonly KeyValues[];
  /** More differences than listed (each list is capped). */
  readonly truncated: boolean;
  /** How many keys of each kind differ in all (the lists stop at their cap). Added by the engine; optional. */
  readonly counts?: { readonly changed: number; readonly missing: number; readonly extra: number };
}

export type TableOutcome =
  /** Every checked chunk has the same count and hash on both sides. */
  | 'equal'
  /** Rows differ (listed in `differences` when the table has a key). */
  | 'different'
  /** A chunk's source hash moved between re-checks (streaming): no verdict for it, not a difference. */
  | 'changed-during-check'
  /** The table could not be checked (missing on the target, a privilege, …): see `error`. */
  | 'error';

export interface TableReport {
  /** `schema.name`, quoted like SQL where needed. */
  readonly table: string;
  /** The key the chunks and drill-down use (primary key or replica identity index), null for a keyless table. */
  readonly key: readonly string[] | null;
  /** The predicate the source side is read under (the anchored time-window literal included), null for none. */
  readonly filter: string | null;
  readonly rows: { readonly source: number; readonly target: number };
  readonly chunks: { readonly total: number; readonly checked: number; readonly differing: number };
  readonly outcome: TableOutcome;
  /** null for a keyless table (whole-table count and hash only: no drill-down) and for equal tables. */
  readonly differences: TableDifferences | null;
  /** Why something is as it is: "no key: whole-table hash and count, no drill-down", "sampled 10% of chunks", … */
  readonly notes: readonly string[];
  readonly error: string | null;
  readonly seconds: number;
}

/** The database's large objects (large_objects: true), each compared by size and a hash of its data. */
export interface LargeObjectsReport {
  readonly outcome: 'equal' | 'different' | 'error';
  /** Objects on the source; the target's objects with a source oid or one pgrepl made. */
  readonly count: { readonly source: number; readonly target: number };
  /** Oids (each list capped; `counts` are whole): not on the target, different data, made by pgrepl but gone from the source. */
  readonly missing: readonly number[];
  readonly changed: readonly number[];
  readonly extra: readonly number[];
  readonly counts: { readonly missing: number; readonly changed: number; readonly extra: number };
  readonly notes: readonly string[];
  readonly error: string | null;
  readonly seconds: number;
}

export interface DatabaseReport {
  /** The spec's database key. */
  readonly key: string;
  readonly targetDatabase: string;
  /** The schema model's diff between source and target, in scope: one line per difference (empty = equal). */
  readonly schemaDifferences: readonly string[];
  readonly tables: readonly TableReport[];
  /** Absent when the spec does not copy the database's large objects (or --tables picks tables). */
  readonly largeObjects?: LargeObjectsReport;
}

export interface VerifyReport {
  readonly format_version: typeof VERIFY_FORMAT_VERSION;
  /** ISO 8601 UTC. */
  readonly checkedAt: string;
  /** `--sample` percentage, null for a full check. */
  readonly samplePercent: number | null;
  readonly databases: readonly DatabaseReport[];
  readonly summary: {
    readonly tables: number;
    readonly equal: number;
    readonly different: number;
    readonly changedDuringCheck: number;
    readonly errors: number;
    readonly schemaDifferences: number;
  };
  readonly seconds: number;
}
