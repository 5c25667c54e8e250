// The trusted, resolved replication spec. `src/spec/load.ts` turns YAML (or, later, the old tool's TOML and
// CLI flags) into this shape: defaults applied, `${ENV}` interpolated, names split and normalised. Everything
// after spec loading reads only this model, never the raw YAML types generated from the JSON Schema.
import type { SourcePosition } from '../util/errors.js';

export type PublishAction = 'insert' | 'update' | 'delete' | 'truncate';
export type CopyMode = 'stream' | 'native';
export type RolesMode = 'copy' | 'skip';
export type WindowUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

/** A server as the user wrote it: the connection string stays raw until src/pg/conninfo parses it. */
export interface ServerSpec {
  /** URL (`postgres://…`) or libpq `key=value` string, after `${ENV}` interpolation. Holds secrets: never print. */
  readonly url: string;
  /** Where `url` was written (for errors that name file:line:column). */
  readonly position?: SourcePosition;
}

/**
 * A table selector: a glob on schema and on table name, matched case-sensitively against catalog names.
 * `public.*`, `sales.orders`, bare `orders` (= `public.orders`), `"My Schema"."Order Lines"`.
 */
export interface TablePattern {
  /** The schema name, or a glob when `schemaGlob` (then `*` and `?` are wildcards; nothing else is). */
  readonly schema: string;
  /** The table name, or a glob when `tableGlob`. */
  readonly table: string;
  /** True when the part was written unquoted and holds `*` or `?`; a quoted part is always literal. */
  readonly schemaGlob: boolean;
  readonly tableGlob: boolean;
  /** The text the user wrote, for messages. */
  readonly raw: string;
  readonly position?: SourcePosition;
  /** Inherited from `defaults:`: it applies where it matches, so matching nothing in one database is no error. */
  readonly fromDefaults?: boolean;
}

/** An exact table name (no glob), as in filters. */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

export interface TableFilter extends TableName {
  /** SQL boolean expression, as written. */
  readonly where: string;
  readonly position?: SourcePosition;
  /** Inherited from `defaults:` (see TablePattern.fromDefaults). */
  readonly fromDefaults?: boolean;
}

export interface TimeWindow {
  readonly amount: number;
  readonly unit: WindowUnit;
  /** Canonical text, e.g. `90 days`. */
  readonly text: string;
}

export interface TimeFilter extends TableName {
  readonly column: string;
  readonly last: TimeWindow;
  readonly position?: SourcePosition;
  /** Inherited from `defaults:` (see TablePattern.fromDefaults). */
  readonly fromDefaults?: boolean;
}

/** Column list for one table (publication column lists and copy). */
export interface ColumnList extends TableName {
  readonly columns: readonly string[];
  readonly position?: SourcePosition;
  /** Inherited from `defaults:` (see TablePattern.fromDefaults). */
  readonly fromDefaults?: boolean;
}

export interface SubscriptionSpec {
  /** `false` = paused: created disabled, and a disabled subscription is not drift. */
  readonly enabled: boolean;
  /** Subscription options (binary, streaming, disable_on_error, origin, two_phase, failover, …). */
  readonly options: Readonly<Record<string, string | boolean>>;
  /** What the target uses to reach the source when it differs from `source.url`. Holds secrets. */
  readonly conninfo?: string;
}

/** Explicit replication object names; absent = derived per CONTRACTS.md. */
export interface ReplicationNames {
  readonly publication?: string;
  readonly slot?: string;
  readonly subscription?: string;
}

export interface DatabaseSpec {
  /** The source database name; also the key used in addresses and object names. */
  readonly key: string;
  readonly targetDatabase: string;
  /** `null` = every table (minus `exclude`). Mutually exclusive with a non-empty `exclude`. */
  readonly include: readonly TablePattern[] | null;
  readonly exclude: readonly TablePattern[];
  readonly schemaOnly: readonly TablePattern[];
  readonly tableFilters: readonly TableFilter[];
  readonly timeFilters: readonly TimeFilter[];
  readonly columnLists: readonly ColumnList[];
  readonly sync: boolean;
  readonly copy: CopyMode;
  readonly publish: readonly PublishAction[];
  /** Delete target rows that leave a filter or window (destructive). */
  readonly prune: boolean;
  /** A foreign key to a filtered parent that the child's filter does not follow: refused, or created NOT VALID. */
  readonly filteredForeignKeys: 'refuse' | 'not_valid';
  readonly largeObjects: boolean;
  readonly roles: RolesMode;
  readonly subscription: SubscriptionSpec;
  readonly names: ReplicationNames;
  readonly position?: SourcePosition;
}

/** Databases chosen by rule rather than listed one by one (`exclude_databases` starts from every database). */
export interface DatabaseSelection {
  /** Names or globs (`*`, `?`); null = no include rule. */
  readonly include: readonly string[] | null;
  readonly exclude: readonly string[];
  /** Where each include/exclude entry was written, keyed by its text (absent for specs built from flags). */
  readonly positions?: Readonly<Record<string, SourcePosition>>;
}

export type StateBackend =
  | { readonly backend: 'local'; readonly path: string }
  | { readonly backend: 'postgres'; readonly url: string; readonly schema: string; readonly name: string };

/** `max_lag` parsed: a duration or a byte size (sizes in PostgreSQL's 1024-based units). */
export type LagLimit =
  | { readonly kind: 'time'; readonly milliseconds: number; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: number; readonly text: string };

export interface CutoverSpec {
  /** Roles whose writes are fenced on the source at cutover. */
  readonly fenceRoles: readonly string[];
  readonly fence: 'none' | 'read-only' | 'nologin';
  /** As written (`30s`, `64MB`); null = no limit. */
  readonly maxLag: string | null;
  /** `maxLag` parsed. */
  readonly maxLagLimit: LagLimit | null;
  readonly sequenceMargin: number;
  readonly after: 'keep' | 'disable' | 'drop';
}

export interface Spec {
  readonly version: 1;
  /** Absolute path of the spec file, or null for a spec built from flags. */
  readonly file: string | null;
  readonly source: ServerSpec;
  readonly target: ServerSpec;
  readonly state: StateBackend;
  /** Listed databases, in file order. */
  readonly databases: readonly DatabaseSpec[];
  /** Rule-based selection on top of `databases` (each selected database gets the defaults). */
  readonly selection: DatabaseSelection | null;
  /** Defaults applied to databases found by `selection`. */
  readonly defaults: Omit<DatabaseSpec, 'key' | 'targetDatabase' | 'position'>;
  readonly cutover: CutoverSpec;
}
