// What `plan` knows about the live servers: one frozen, JSON-serialisable snapshot read from both (read-only), so the
// planner (src/plan/planner/) is a pure function of (Spec, ActualState, StateDocument, options) and unit tests can
// feed it JSON fixtures. src/introspect/read-actual.ts fills it; nothing here holds a password.
import type { OidRange } from '../model/oid-ranges.js';
import type { DatabaseInfo, RoleInfo, SchemaModel } from '../model/schema.js';
import type { TargetCatalogLookup } from '../schema/compat.js';
import type { Diagnostic } from '../util/errors.js';

/** A database on a server (pg_database, templates and datallowconn = false left out): the schema model's fields. */
export type ServerDatabase = Pick<DatabaseInfo, 'name' | 'owner' | 'encoding' | 'collate' | 'ctype' | 'localeProvider' | 'locale'>;

/**
 * A logical replication slot on the source server (pg_replication_slots), every logical slot whatever its database:
 * slots are cluster-wide, and a leftover of the old tool or of another lineage must be seen. Lag fields are volatile
 * (left out of the plan fingerprint).
 */
export interface SlotFacts {
  readonly name: string;
  /** The database the slot decodes (null for a physical slot; only logical slots are listed). */
  readonly database: string | null;
  readonly plugin: string | null;
  readonly active: boolean;
  /** `wal_status` (13+): reserved | extended | unreserved | lost; null on 12 or when unknown. */
  readonly walStatus: string | null;
  /** Volatile: `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)` in bytes, null when unknown. */
  readonly retainedBytes: number | null;
  /** Volatile: confirmed_flush_lsn as text (`0/16B3748`), null when never confirmed. */
  readonly confirmedFlushLsn: string | null;
}

/** A table a publication lists directly (pg_publication_rel): the root for a partitioned table. */
export interface PublicationTableFacts {
  readonly schema: string;
  readonly name: string;
  /** `pg_get_expr(prqual, prrelid)` (15+), null for no filter. */
  readonly rowFilter: string | null;
  /** Column list (15+, prattrs as names), null for every column. */
  readonly columns: readonly string[] | null;
}

/** A publication in one source database (pg_publication), every publication (leftovers and others' included). */
export interface PublicationFacts {
  readonly name: string;
  readonly owner: string;
  /** obj_description: pgrepl marks its own `managed by pgrepl <lineage>`. */
  readonly comment: string | null;
  readonly allTables: boolean;
  /** pubviaroot (13+; false on 12). */
  readonly viaRoot: boolean;
  /** The operations published, in the order insert, update, delete, truncate. */
  readonly publish: readonly ('insert' | 'update' | 'delete' | 'truncate')[];
  /** Directly listed tables, sorted by schema then name (FOR TABLES IN SCHEMA members are not expanded here). */
  readonly tables: readonly PublicationTableFacts[];
  /** Schemas of FOR TABLES IN SCHEMA (15+), sorted. */
  readonly schemas: readonly string[];
}

/** One table of a subscription (pg_subscription_rel, read in the subscription's database). */
export interface SubscriptionTableFacts {
  readonly schema: string;
  readonly name: string;
  /** srsubstate: i init, d copying, f finished copy, s synced, r ready. */
  readonly state: 'i' | 'd' | 'f' | 's' | 'r';
}

/**
 * A subscription in one target database (pg_subscription where subdbid is that database). Read column by column:
 * subconninfo is never read (non-superusers may not, and it holds a password). The worker and error fields are
 * volatile (left out of the plan fingerprint).
 */
export interface SubscriptionFacts {
  readonly name: string;
  readonly owner: string;
  readonly ownerSuperuser: boolean;
  readonly comment: string | null;
  readonly enabled: boolean;
  /** subslotname; null = NONE (detached). */
  readonly slotName: string | null;
  readonly publications: readonly string[];
  /**
   * Options as PostgreSQL reports them, only those the target's major has and the role may read (a non-superuser
   * on 12/13 may not read subsynccommit: no synchronous_commit there): binary, streaming (`off` | `on` |
   * `parallel`, as text), disable_on_error, two_phase (true when the state is not `d`), origin, password_required,
   * run_as_owner, failover, synchronous_commit. Booleans as booleans, the rest as text.
   */
  readonly options: Readonly<Record<string, string | boolean>>;
  /** Sorted by schema then name. */
  readonly tables: readonly SubscriptionTableFacts[];
  /** Volatile: the apply worker's pid from pg_stat_subscription (relid IS NULL), null when none runs. */
  readonly workerPid: number | null;
  /** Volatile: pg_stat_subscription_stats (15+) apply_error_count and sync_error_count; null before 15. */
  readonly errorCounts: { readonly apply: number; readonly sync: number } | null;
}

export interface ServerActual {
  /** displayName() of the connection: redacted, the one form servers appear in output. */
  readonly display: string;
  /** server_version_num, e.g. 150018. */
  readonly versionNum: number;
  readonly major: number;
  /** The role pgrepl connects as (current_user) and what it may do. */
  readonly user: string;
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  /** Every role on the server (pg_roles.rolname), sorted; predefined roles included. */
  readonly roles: readonly string[];
  /** Roles current_user is a member of (transitively, pg_has_role … 'MEMBER'), sorted: may it create a database OWNER x. */
  readonly memberOf: readonly string[];
  /** Connectable, non-template databases, sorted by name. */
  readonly databases: readonly ServerDatabase[];
  /** libc locales the server knows (pg_collation collcollate of provider c, plus every database's datcollate), sorted. */
  readonly libcLocales: readonly string[];
  /** `now()` read on this server, as PostgreSQL prints a timestamptz under TimeZone=UTC (`2026-11-26 09:00:00.123456+00`). */
  readonly now: string;
  /** Logical slots on this server, sorted by name (read on the source; empty on the target). */
  readonly slots: readonly SlotFacts[];
  /** `wal_level` (the source must be logical for sync). */
  readonly walLevel: string;
}

/** Sizes from the catalogs (never counted): for estimates and largest-first ordering only. */
export interface TableSize {
  /** The main forks of the table and its TOAST table (for a partitioned table: of all its leaves): what the copy reads. */
  readonly bytes: number;
  /** reltuples (summed over leaves), -1 or 0 when never analysed. */
  readonly rowEstimate: number;
}

/** A table on the target that a selected table's name also names. Keyed by ObjectKey (`table:sales.orders`). */
export interface TargetTableFacts {
  readonly oid: number;
  /** `EXISTS (SELECT 1 FROM ONLY t)` (any leaf for a partitioned table): non-empty targets need consent. */
  readonly hasRows: boolean;
}

/** The large objects of a database (pg_largeobject_metadata). */
export interface LargeObjectFacts {
  readonly count: number;
  /** Their oids as canonical ranges (oid-ranges.ts). */
  readonly ranges: readonly OidRange[];
  /** pg_table_size of pg_largeobject: the plan's estimate. Volatile. */
  readonly bytes: number;
  /** Roles their owners and ACLs name and the roles those are members of, sorted (read on the source only). */
  readonly roles: readonly RoleInfo[];
  /** Those the connected role may not read, with up to 5 of their oids. */
  readonly unreadable: { readonly count: number; readonly sample: readonly number[] };
}

export interface SourceDatabaseActual {
  /** The whole source database's schema (not cut to scope: the planner selects and cuts). */
  readonly model: SchemaModel;
  /** Sizes of every ordinary and partitioned table, by ObjectKey. Volatile: left out of the plan fingerprint. */
  readonly sizes: Readonly<Record<string, TableSize>>;
  /** pg_largeobject_metadata rows: the plan warns when large objects exist and the spec does not copy them. */
  readonly largeObjects: number;
  /** Read when the spec copies the database's large objects (large_objects: true). Volatile but for the count. */
  readonly largeObjectFacts?: LargeObjectFacts;
  /**
   * Tables (leaves included) the source role may not COPY out whole, by ObjectKey, with why: the planner refuses to
   * copy them (a COPY would fail with 42501, or row-level security would hide rows). Absent = none.
   */
  readonly unreadable?: Readonly<Record<string, readonly ('no-usage' | 'no-select' | 'row-security')[]>>;
  /** Every publication of this database, sorted by name. */
  readonly publications: readonly PublicationFacts[];
}

export interface TargetDatabaseActual {
  /** The whole target database's schema. */
  readonly model: SchemaModel;
  readonly lookup: TargetCatalogLookup;
  /**
   * Facts of the target tables whose keys the source's selectable tables (and their leaf partitions) also have,
   * whatever the spec selects (the planner decides scope), by ObjectKey.
   */
  readonly tables: Readonly<Record<string, TargetTableFacts>>;
  /** Every subscription of this database, sorted by name. */
  readonly subscriptions: readonly SubscriptionFacts[];
  /** The oids of its large objects as canonical ranges (absent: none). */
  readonly largeObjects?: readonly OidRange[];
}

export interface DatabaseActual {
  /** The spec's database key (the source database's name). */
  readonly key: string;
  readonly targetDatabase: string;
  /** null when the source has no such database (the planner reports it). */
  readonly source: SourceDatabaseActual | null;
  /** null when the target database does not exist yet. */
  readonly target: TargetDatabaseActual | null;
}

/** Copy throughput the estimates use: measured by earlier applies (state) or by a short read on the source now. */
export interface Throughput {
  readonly bytesPerSecond: number;
  /** For the plan's reason line, e.g. `measured by the last apply` or `sampled from the source (2.1 MB in 0.2 s)`. */
  readonly basis: string;
}

export interface ActualState {
  readonly source: ServerActual;
  readonly target: ServerActual;
  /** One entry per database the spec selects on the source (listed and rule-selected), in spec order. */
  readonly databases: readonly DatabaseActual[];
  /** Sampled on the source when no earlier apply measured one; null when there was nothing to sample. */
  readonly sampledThroughput: Throughput | null;
  /**
   * Why the throughput sample failed (sampledThroughput is then null), for a note in the plan. Volatile like the
   * sample itself, so not a diagnostic (diagnostics are part of the plan fingerprint). Absent when it did not fail.
   */
  readonly sampleError?: string;
  /** What reading found worth saying (e.g. a database the spec lists that the source lacks). */
  readonly diagnostics: readonly Diagnostic[];
}
