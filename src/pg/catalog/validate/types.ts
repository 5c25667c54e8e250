// Snapshot types that `pgrepl validate` reads from both servers. The readers in this folder fill them (raw rows ->
// pure parser); the checks in src/validate/ are pure functions of them. Everything is plain readonly data, so a
// unit test builds a snapshot by hand and a failing check can be reproduced without a server.

export type LocaleProvider = 'libc' | 'icu' | 'builtin';

/** The connected role and the memberships validate cares about. */
export interface RoleFacts {
  readonly name: string;
  readonly superuser: boolean;
  readonly replication: boolean;
  readonly createdb: boolean;
  readonly bypassrls: boolean;
  /**
   * Roles among {@link INTERESTING_ROLES} whose privileges the role has (pg_has_role … 'USAGE', i.e. through
   * inheriting membership). Absent roles are simply missing.
   */
  readonly memberOf: readonly string[];
}

/** Predefined and provider roles that grant what validate checks for. */
export const INTERESTING_ROLES = [
  'pg_create_subscription',
  'rds_replication',
  'rds_superuser',
  'azure_pg_admin',
  'cloudsqlsuperuser',
] as const;

export interface DatabaseFacts {
  readonly name: string;
  /** `pg_encoding_to_char(encoding)`, e.g. `UTF8`, `LATIN1`, `SQL_ASCII`. */
  readonly encoding: string;
  readonly collate: string;
  readonly ctype: string;
  /** `datlocprovider` (15+); null on older servers, where it is always libc. */
  readonly localeProvider: LocaleProvider | null;
  /** ICU / builtin locale (`daticulocale` on 15–16, `datlocale` on 17+), null for libc. */
  readonly providerLocale: string | null;
  readonly isTemplate: boolean;
  readonly allowConnections: boolean;
  /** The connected role may CREATE in it (publications on the source, subscriptions on the target). */
  readonly canCreate: boolean;
  readonly canConnect: boolean;
}

export interface SlotFacts {
  readonly name: string;
  readonly type: 'logical' | 'physical';
  readonly plugin: string | null;
  readonly database: string | null;
  readonly active: boolean;
  /** `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`; null when unknown (no restart_lsn, a standby). */
  readonly retainedBytes: number | null;
  /** `wal_status` (13+): reserved, extended, unreserved, lost; null before 13. */
  readonly walStatus: string | null;
}

export interface SubscriptionFacts {
  readonly name: string;
  readonly database: string;
  readonly enabled: boolean;
  readonly slotName: string | null;
}

export interface AvailableExtension {
  readonly name: string;
  /** Versions the server can install (pg_available_extension_versions), ascending by text. */
  readonly versions: readonly string[];
  readonly defaultVersion: string | null;
}

/** Settings validate reads; a missing one is absent from the record. */
export const SETTING_NAMES = [
  'wal_level',
  'max_replication_slots',
  'max_wal_senders',
  'max_logical_replication_workers',
  'max_worker_processes',
  'max_sync_workers_per_subscription',
  'rds.logical_replication',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/** One server as seen through one connection: cluster-wide facts only. */
export interface ServerFacts {
  /** `server_version_num`, e.g. 150010. */
  readonly versionNum: number;
  /** `server_version`, e.g. `15.10 (Debian 15.10-1)`. */
  readonly version: string;
  readonly settings: Readonly<Partial<Record<SettingName, string>>>;
  readonly role: RoleFacts;
  readonly databases: readonly DatabaseFacts[];
  readonly slots: readonly SlotFacts[];
  /** Running walsender processes (pg_stat_replication rows). */
  readonly walSenders: number;
  readonly subscriptions: readonly SubscriptionFacts[];
  /** Running logical replication workers (pg_stat_subscription rows with a pid). */
  readonly logicalWorkers: number;
  readonly availableExtensions: readonly AvailableExtension[];
}

/** A failure talking to a server, already free of secrets. */
export interface ProbeError {
  readonly message: string;
  /** SQLSTATE, or a Node error code such as ECONNREFUSED. */
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** What a transaction-mode pooler probe found. */
export interface PoolerFinding {
  readonly detected: boolean;
  /** Why we think so (or why the probe could not tell). */
  readonly reason: string;
}

export type ServerProbe =
  | { readonly reachable: true; readonly display: string; readonly facts: ServerFacts; readonly pooler: PoolerFinding | null }
  | {
      readonly reachable: false;
      readonly display: string;
      readonly error: ProbeError;
      /** Set when the connection failed the way a transaction-mode pooler makes it fail. */
      readonly pooler?: PoolerFinding;
    };

export type RelationKind = 'table' | 'partitioned' | 'view' | 'materialized view' | 'foreign table';
export type Persistence = 'permanent' | 'unlogged' | 'temporary';
export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface ColumnFacts {
  readonly name: string;
  readonly num: number;
  /** `format_type(atttypid, atttypmod)`: valid SQL type text. */
  readonly type: string;
  readonly typeOid: number;
  readonly notNull: boolean;
  readonly generated: boolean;
  /** The type has a default btree or hash equality (what REPLICA IDENTITY FULL needs on the subscriber). */
  readonly hasEquality: boolean;
}

export interface IndexFacts {
  readonly name: string;
  readonly primary: boolean;
  /** `indisreplident`: the index named by REPLICA IDENTITY USING INDEX. */
  readonly replicaIdentity: boolean;
  /** Unique, immediate, valid, not partial, plain columns only, all NOT NULL: usable for USING INDEX. */
  readonly identityCandidate: boolean;
  readonly columns: readonly string[];
}

export interface RelationFacts {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  readonly persistence: Persistence;
  readonly isPartition: boolean;
  /** Direct partition parent (partitions only). */
  readonly parentOid: number | null;
  readonly owner: string;
  /** The connected role has the owner's privileges (is the owner, or an inheriting member of it). */
  readonly ownedByRole: boolean;
  readonly canSelect: boolean;
  readonly schemaUsage: boolean;
  readonly rowSecurity: boolean;
  readonly forceRowSecurity: boolean;
  readonly replicaIdentity: ReplicaIdentity;
  /** Member of an extension (created by CREATE EXTENSION). */
  readonly extensionMember: boolean;
  /** Tables and partitioned tables only; empty for views and foreign tables. */
  readonly columns: readonly ColumnFacts[];
  readonly indexes: readonly IndexFacts[];
}

export interface SequenceFacts {
  readonly schema: string;
  readonly name: string;
  /** Relations whose columns own or default to this sequence (pg_depend). */
  readonly usedBy: readonly number[];
  /** SELECT or USAGE: what reading last_value needs. */
  readonly canRead: boolean;
  readonly schemaUsage: boolean;
}

export interface ExtensionFacts {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
}

export interface PublicationFacts {
  readonly name: string;
  readonly owner: string;
}

/** One source database's catalog, read in a few queries. */
/** The database's large objects, and those the connected role may not read (lo_open would fail with 42501). */
export interface LargeObjectsFacts {
  readonly count: number;
  readonly unreadable: number;
  /** The first few unreadable oids, ascending, for the GRANT statements. */
  readonly unreadableSample: readonly number[];
}

export interface DatabaseCatalog {
  readonly database: string;
  readonly relations: readonly RelationFacts[];
  readonly sequences: readonly SequenceFacts[];
  readonly extensions: readonly ExtensionFacts[];
  readonly publications: readonly PublicationFacts[];
  readonly largeObjects: LargeObjectsFacts;
}

export type CatalogProbe =
  | { readonly ok: true; readonly catalog: DatabaseCatalog }
  | { readonly ok: false; readonly database: string; readonly error: ProbeError };

/** A row filter to try on the source with a throw-away publication. */
export interface FilterProbeRequest {
  /** Caller's key to match the result. */
  readonly key: string;
  readonly schema: string;
  readonly table: string;
  readonly filter:
    | { readonly kind: 'where'; readonly where: string }
    | { readonly kind: 'window'; readonly column: string; readonly columnType: string; readonly last: string };
  /**
   * `publication`: a streamed filter, judged by CREATE PUBLICATION … WHERE (source 15+). `select`: a filter that
   * only limits the copy, judged by EXPLAIN SELECT … WHERE (any version).
   */
  readonly check: 'publication' | 'select';
  readonly publish: readonly string[];
  /** The table is partitioned: publish_via_partition_root = true is what a filtered root needs. */
  readonly viaRoot: boolean;
}

export type FilterProbeResult =
  | {
      readonly key: string;
      readonly ok: true;
      /** The expression as it was probed (time windows rendered as a literal in the column's type). */
      readonly expression: string;
      /** Columns the filter reads, from the probe publication's prqual (empty for a `select` check). */
      readonly columns: readonly string[];
    }
  | { readonly key: string; readonly ok: false; readonly expression: string | null; readonly error: ProbeError };

/** Whether the target could open a (never enabled) subscription to the source. */
export type SubscriptionProbeResult =
  | { readonly ok: true; readonly database: string }
  | { readonly ok: false; readonly database: string; readonly error: ProbeError };
