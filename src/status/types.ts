// The shapes `pgrepl status` works with: what it expects per database (from the spec and the state), what it read
// from the servers (observations, filled by src/pg/catalog/status), and the report it prints (`--json` prints the
// report as is, so its keys are the documented JSON keys: docs/status.md). Everything here is plain data.

/** Bumped only when a field changes meaning or disappears; new fields may appear within a version. */
export const STATUS_FORMAT_VERSION = '1';

/**
 * Worst first (HEALTH_ORDER): `broken` and `lagging` make status exit 2. `paused`: disabled as the spec asks.
 * `syncing`: tables still in their initial copy. `not-started`: sync wanted, nothing recorded yet.
 */
export type Health = 'healthy' | 'paused' | 'syncing' | 'lagging' | 'broken' | 'not-started' | 'snapshot-only';

/** pg_subscription_rel.srsubstate: i init, d data copy, f finished copy, s synced, r ready. */
export type RelState = 'i' | 'd' | 'f' | 's' | 'r';
export const REL_STATES: readonly RelState[] = ['i', 'd', 'f', 's', 'r'];
export const REL_STATE_NAMES: Readonly<Record<RelState, string>> = { i: 'init', d: 'copying', f: 'copied', s: 'synced', r: 'ready' };

// ---- What status expects (spec + state) ----

export interface ReplicationRef {
  readonly name: string;
  /** The database the object lives in (source database for publication and slot, target database for subscription). */
  readonly database: string;
}

export interface ExpectedSubscription extends ReplicationRef {
  /** What the state recorded at the last apply. */
  readonly enabled: boolean;
}

/** One database status reports on. */
export interface StatusTarget {
  /** The spec's database key (= the source database name). */
  readonly key: string;
  readonly targetDatabase: string;
  readonly sync: boolean;
  /** False for a database the state records but the spec no longer lists. */
  readonly inSpec: boolean;
  /** `subscription.enabled` of the spec; for a database no longer in the spec, what the state recorded. */
  readonly wantEnabled: boolean;
  /** The present (not pending-delete) replication resources the state records for this database. */
  readonly publication: ReplicationRef | null;
  readonly slot: ReplicationRef | null;
  readonly subscription: ExpectedSubscription | null;
  /** What `pgrepl cutover` did to this database's replication, when it ended it; null otherwise. */
  readonly cutover: CutoverDone | null;
}

/**
 * `disabled`: cutover disabled the subscription (after: disable), the slot is kept. `dropped`: cutover dropped the
 * subscription and the slot (after: drop) and the state forgot them.
 */
export interface CutoverDone {
  readonly state: 'disabled' | 'dropped';
  /** ISO 8601, when known. */
  readonly at: string | null;
  /** A write fence cutover put on the source and nobody undid yet (`read-only` or `nologin`), else null. */
  readonly fence: string | null;
}

/** A resource the state marks `pending-delete`: pgrepl started to drop it and could not finish. */
export interface PendingDeleteRef {
  readonly address: string;
  readonly kind: string;
  readonly name: string | null;
  /** The database it lives in, when the state says. */
  readonly database: string | null;
}

// ---- What the servers say (observations) ----

export interface PublicationObservation {
  readonly exists: boolean;
  /** What the publication hands to subscribers now (pg_publication_tables), as `schema.name` SQL text. */
  readonly tables: readonly string[];
}

export interface SlotObservation {
  readonly exists: boolean;
  readonly active: boolean;
  /** null before PostgreSQL 13. */
  readonly walStatus: string | null;
  /** Bytes that can still be written before the slot is in danger of losing WAL; null when unlimited or before 13. */
  readonly safeWalSize: number | null;
  /** pg_wal_lsn_diff(current, restart_lsn): WAL the slot keeps on the source. */
  readonly retainedBytes: number | null;
  /** pg_wal_lsn_diff(current, confirmed_flush_lsn). */
  readonly lagBytes: number | null;
}

/** The walsender serving the subscription (pg_stat_replication, matched by application_name). */
export interface StreamObservation {
  /** `streaming`, `catchup`, `startup`, …; null when the role may not see the details. */
  readonly state: string | null;
  /** replay_lag in seconds; null when idle (or hidden). */
  readonly replayLagSeconds: number | null;
  /** pg_wal_lsn_diff(sent_lsn, replay_lsn): sent but not yet confirmed; null when unknown. */
  readonly unconfirmedBytes: number | null;
  /** The source role lacks pg_read_all_stats: only the walsender's pid is visible. */
  readonly detailsHidden: boolean;
}

export interface ErrorCounts {
  readonly apply: number;
  readonly sync: number;
  /** PostgreSQL 18's conflict counters (`confl_*` columns, without the prefix); empty before 18. */
  readonly conflicts: Readonly<Record<string, number>>;
  /** ISO 8601, or null when never reset. */
  readonly statsReset: string | null;
}

export interface SubscriptionObservation {
  readonly exists: boolean;
  readonly enabled: boolean;
  readonly slotName: string | null;
  readonly publications: readonly string[];
  /** An apply worker (relid IS NULL, not a parallel apply worker) with a pid. */
  readonly workerRunning: boolean;
  /** ISO 8601 of pg_stat_subscription.last_msg_receipt_time of the apply worker. */
  readonly lastMessageAt: string | null;
  /** pg_subscription_rel, `schema.name` SQL text and state. */
  readonly tables: readonly { readonly table: string; readonly state: RelState }[];
  /** pg_stat_subscription_stats (15+); null before 15. */
  readonly errors: ErrorCounts | null;
}

export interface DatabaseObservation {
  /** null: the state records no publication (nothing was read). */
  readonly publication: PublicationObservation | null;
  readonly slot: SlotObservation | null;
  /** null: no walsender for the subscription (or no subscription recorded). */
  readonly stream: StreamObservation | null;
  readonly subscription: SubscriptionObservation | null;
  /** Set when the target database itself is gone (the subscription cannot exist). */
  readonly targetDatabaseMissing: boolean;
  readonly sourceDatabaseMissing: boolean;
}

export interface PendingDeleteObservation {
  readonly exists: boolean | null;
  readonly active: boolean | null;
  readonly walStatus: string | null;
  readonly retainedBytes: number | null;
}

// ---- The report (what `--json` prints) ----

export interface TablesReport {
  readonly ready: number;
  /** Tables in i/d/f/s. */
  readonly syncing: number;
  readonly by_state: Readonly<Record<string, number>>;
  /** Tables not in state `r`, with their state name. */
  readonly not_ready: readonly { readonly table: string; readonly state: string }[];
  /** Tables the publication carries that the subscription does not know (no pg_subscription_rel row). */
  readonly unsubscribed: readonly string[];
}

export interface SubscriptionReport {
  readonly name: string;
  readonly exists: boolean;
  readonly enabled: boolean | null;
  readonly worker_running: boolean | null;
  readonly tables: TablesReport;
  readonly last_message_at: string | null;
  /** null before PostgreSQL 15 (no pg_stat_subscription_stats) or when the subscription is missing. */
  readonly errors: {
    readonly apply: number;
    readonly sync: number;
    readonly conflicts: Readonly<Record<string, number>>;
    readonly stats_reset: string | null;
  } | null;
}

export interface SlotReport {
  readonly name: string;
  readonly exists: boolean;
  readonly active: boolean | null;
  readonly wal_status: string | null;
  readonly safe_wal_size: number | null;
  readonly retained_bytes: number | null;
}

export interface LagReport {
  /** pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn); null without a slot. */
  readonly bytes: number | null;
  /** pg_stat_replication.replay_lag; 0 when caught up; null when unknown (no stream, or hidden). */
  readonly seconds: number | null;
  readonly caught_up: boolean;
}

export interface DatabaseReport {
  readonly key: string;
  readonly target_database: string;
  readonly sync: boolean;
  readonly in_spec: boolean;
  readonly publication: { readonly name: string; readonly exists: boolean } | null;
  readonly subscription: SubscriptionReport | null;
  readonly slot: SlotReport | null;
  readonly lag: LagReport | null;
  readonly health: Health;
  /** Why the health is what it is (empty when healthy). */
  readonly reasons: readonly string[];
  /** Worth knowing, not enough to change the health: error counts, wal_status unreserved, drift from the spec. */
  readonly warnings: readonly string[];
}

export interface PendingDeleteReport {
  readonly address: string;
  readonly kind: string;
  readonly name: string | null;
  readonly database: string | null;
  /** null when it could not be checked. */
  readonly exists: boolean | null;
  readonly active: boolean | null;
  readonly wal_status: string | null;
  readonly retained_bytes: number | null;
  readonly message: string;
}

export interface StatusReport {
  readonly format_version: typeof STATUS_FORMAT_VERSION;
  /** ISO 8601 UTC, when the servers were read. */
  readonly checked_at: string;
  /** `--max-lag` as given, or null. */
  readonly max_lag: string | null;
  /** The worst health of all databases. */
  readonly health: Health;
  /** What status exits with: 2 when a database is broken or lagging, else 0. */
  readonly exit_code: 0 | 2;
  readonly databases: readonly DatabaseReport[];
  readonly pending_deletes: readonly PendingDeleteReport[];
}
