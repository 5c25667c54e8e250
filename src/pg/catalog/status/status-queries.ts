// The catalog reads of `pgrepl status`: raw row types, SQL (with ORDER BY) and pure parsers into the observation
// types of src/status/types.ts (STYLE.md #6). Every query names its columns: the target may be read by a role
// that cannot read pg_subscription.subconninfo, so nothing here selects `*` from pg_subscription.
//
// Version differences are kept out of the SQL where a row's JSON can carry them: pg_stat_subscription_stats grew
// conflict counters in 18 and pg_stat_subscription grew leader_pid in 16, so those rows are read with to_jsonb()
// and the parser takes the columns that exist.
import { quoteQualified } from '../../sql/quote.js';
import type {
  ErrorCounts,
  PublicationObservation,
  RelState,
  SlotObservation,
  StreamObservation,
} from '../../../status/types.js';

/** wal_status and safe_wal_size exist from PostgreSQL 13. */
const WAL_STATUS_MIN_VERSION_NUM = 130000;
/** pg_stat_subscription_stats exists from PostgreSQL 15. */
export const SUBSCRIPTION_STATS_MIN_VERSION_NUM = 150000;

export const VERSION_SQL = `SELECT current_setting('server_version_num')::int AS version_num`;
export interface VersionRow {
  version_num: number;
}

export const SOURCE_DATABASES_SQL = `SELECT datname::text AS datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1`;
export interface DatabaseNameRow {
  datname: string;
}

// A standby has no pg_current_wal_lsn() (logical slots on standbys exist from 16): measure against what it replayed.
const CURRENT_LSN = `CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END`;

export interface SlotRow {
  slot_name: string;
  active: boolean;
  wal_status: string | null;
  /** int8 as text. */
  safe_wal_size: string | null;
  /** numeric as text. */
  retained_bytes: string | null;
  lag_bytes: string | null;
}

/** $1: slot names. Byte figures come from one statement, against one current LSN. */
export function slotsSql(versionNum: number): string {
  const walStatus = versionNum >= WAL_STATUS_MIN_VERSION_NUM ? 's.wal_status::text' : 'NULL::text';
  const safe = versionNum >= WAL_STATUS_MIN_VERSION_NUM ? 's.safe_wal_size::text' : 'NULL::text';
  return `
SELECT s.slot_name::text AS slot_name, s.active, ${walStatus} AS wal_status, ${safe} AS safe_wal_size,
       pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::text AS retained_bytes,
       pg_wal_lsn_diff(cur.lsn, s.confirmed_flush_lsn)::text AS lag_bytes
FROM pg_replication_slots s CROSS JOIN (SELECT ${CURRENT_LSN} AS lsn) cur
WHERE s.slot_name = ANY($1::text[])
ORDER BY 1`;
}

function numberOrNull(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function parseSlot(row: SlotRow | undefined): SlotObservation {
  if (row === undefined) return { exists: false, active: false, walStatus: null, safeWalSize: null, retainedBytes: null, lagBytes: null };
  return {
    exists: true,
    active: row.active,
    walStatus: row.wal_status,
    safeWalSize: numberOrNull(row.safe_wal_size),
    retainedBytes: numberOrNull(row.retained_bytes),
    lagBytes: numberOrNull(row.lag_bytes),
  };
}

export interface StreamRow {
  application_name: string;
  pid: number;
  state: string | null;
  replay_lag_seconds: number | null;
  unconfirmed_bytes: string | null;
}

/**
 * $1: application names (a subscription's walsender uses the subscription's name). Without pg_read_all_stats
 * only the pid is visible: every other column reads NULL.
 */
export const STREAMS_SQL = `
SELECT r.application_name::text AS application_name, r.pid, r.state::text AS state,
       EXTRACT(EPOCH FROM r.replay_lag)::float8 AS replay_lag_seconds,
       pg_wal_lsn_diff(r.sent_lsn, r.replay_lsn)::text AS unconfirmed_bytes
FROM pg_stat_replication r
WHERE r.application_name = ANY($1::text[])
ORDER BY r.application_name, (r.state = 'streaming') DESC NULLS LAST, r.pid`;

/** The first row is the best (streaming first); null when no walsender serves the subscription. */
export function parseStream(row: StreamRow | undefined): StreamObservation | null {
  if (row === undefined) return null;
  return {
    state: row.state,
    replayLagSeconds: row.replay_lag_seconds,
    unconfirmedBytes: numberOrNull(row.unconfirmed_bytes),
    detailsHidden: row.state === null,
  };
}

/** $1: publication name; run in the publication's database. */
export const PUBLICATION_SQL = `SELECT p.pubname::text AS pubname FROM pg_publication p WHERE p.pubname = $1`;
export interface PublicationRow {
  pubname: string;
}

/** What subscribers get: leaves or the root, as publish_via_partition_root says. */
export const PUBLICATION_TABLES_SQL = `
SELECT t.schemaname::text AS schema, t.tablename::text AS name
FROM pg_publication_tables t
WHERE t.pubname = $1
ORDER BY 1, 2`;
export interface TableNameRow {
  schema: string;
  name: string;
}

export function parsePublication(exists: boolean, tables: readonly TableNameRow[]): PublicationObservation {
  return { exists, tables: tables.map((t) => quoteQualified(t.schema, t.name)) };
}

export interface SubscriptionRow {
  oid: string;
  subname: string;
  subenabled: boolean;
  subslotname: string | null;
  publications: string[];
}

/** $1: subscription name; run in the target database (pg_subscription is shared, pg_subscription_rel is not). */
export const SUBSCRIPTION_SQL = `
SELECT s.oid::text AS oid, s.subname::text AS subname, s.subenabled, s.subslotname::text AS subslotname,
       s.subpublications::text[] AS publications
FROM pg_subscription s
JOIN pg_database d ON d.oid = s.subdbid
WHERE s.subname = $1 AND d.datname = current_database()`;

export interface RelRow {
  schema: string;
  name: string;
  state: string;
}

/** $1: subscription oid. The per-table state lives here, never in pg_stat_subscription. */
export const SUBSCRIPTION_RELS_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name, r.srsubstate::text AS state
FROM pg_subscription_rel r
JOIN pg_class c ON c.oid = r.srrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.srsubid = $1::oid
ORDER BY 1, 2`;

export function parseRels(rows: readonly RelRow[]): { table: string; state: RelState }[] {
  return rows.map((r) => ({ table: quoteQualified(r.schema, r.name), state: r.state as RelState }));
}

export interface WorkerRow {
  pid: number | null;
  /** relid IS NULL: the apply worker (or, from 16, a parallel apply worker, which has a leader_pid). */
  apply: boolean;
  parallel: boolean;
  last_msg_receipt_time: Date | null;
}

/** $1: subscription oid. */
export const WORKERS_SQL = `
SELECT s.pid, s.relid IS NULL AS apply, (to_jsonb(s) ->> 'leader_pid') IS NOT NULL AS parallel, s.last_msg_receipt_time
FROM pg_stat_subscription s
WHERE s.subid = $1::oid
ORDER BY s.pid NULLS LAST`;

export function parseWorkers(rows: readonly WorkerRow[]): { running: boolean; lastMessageAt: string | null } {
  const leader = rows.find((r) => r.apply && !r.parallel && r.pid !== null);
  const at = leader?.last_msg_receipt_time ?? null;
  return { running: leader !== undefined, lastMessageAt: at === null ? null : at.toISOString() };
}

export interface StatsRow {
  stats: Record<string, unknown>;
}

/** $1: subscription oid. 15+. */
export const STATS_SQL = `SELECT to_jsonb(s) AS stats FROM pg_stat_subscription_stats s WHERE s.subid = $1::oid`;

function count(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}

export function parseStats(row: StatsRow | undefined): ErrorCounts {
  const stats = row?.stats ?? {};
  const conflicts: Record<string, number> = {};
  for (const [key, value] of Object.entries(stats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key.startsWith('confl_')) conflicts[key.slice('confl_'.length)] = count(value);
  }
  const reset = stats['stats_reset'];
  return {
    apply: count(stats['apply_error_count']),
    sync: count(stats['sync_error_count']),
    conflicts,
    statsReset: typeof reset === 'string' ? new Date(reset).toISOString() : null,
  };
}
