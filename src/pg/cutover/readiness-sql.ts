// Step 1 and 3 reads: the subscription's per-table state on the target (pg_subscription_rel, the catalog that has
// srsubstate; pg_stat_subscription has no such column), and the slot's position and lag on the source.
import type pg from 'pg';

export interface SubscriptionFacts {
  readonly exists: boolean;
  readonly enabled: boolean;
  /** subslotname: null once detached (slot_name = NONE). */
  readonly slot: string | null;
  readonly tables: readonly { readonly table: string; readonly state: string }[];
}

// Only columns every role may read: subconninfo is revoked from non-superusers.
const SUBSCRIPTION_SQL = `SELECT s.oid::text AS oid, s.subenabled AS enabled, s.subslotname::text AS slot
  FROM pg_subscription s
 WHERE s.subname = $1 AND s.subdbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())`;

const SUBSCRIPTION_REL_SQL = `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_name, sr.srsubstate::text AS state
  FROM pg_subscription_rel sr
  JOIN pg_class c ON c.oid = sr.srrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE sr.srsubid = $1::oid
 ORDER BY 1`;

/** The subscription `name` in the connected (target) database and the state of each of its tables. */
export async function readSubscription(client: pg.Client, name: string): Promise<SubscriptionFacts> {
  const sub = await client.query<{ oid: string; enabled: boolean; slot: string | null }>(SUBSCRIPTION_SQL, [name]);
  const row = sub.rows[0];
  if (row === undefined) return { exists: false, enabled: false, slot: null, tables: [] };
  const rel = await client.query<{ table_name: string; state: string }>(SUBSCRIPTION_REL_SQL, [row.oid]);
  return { exists: true, enabled: row.enabled, slot: row.slot, tables: rel.rows.map((r) => ({ table: r.table_name, state: r.state })) };
}

export interface SlotFacts {
  readonly exists: boolean;
  readonly active: boolean;
  readonly confirmedFlushLsn: string | null;
  /** pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn). */
  readonly byteLag: number | null;
  /** pg_stat_replication has a row for the slot's walsender. */
  readonly streaming: boolean;
  /** pg_stat_replication.replay_lag in ms, null when NULL (idle, caught up). */
  readonly replayLagMs: number | null;
  /** The role the slot's walsender runs as (null when inactive). */
  readonly walsenderRole: string | null;
}

const SLOT_SQL = `SELECT s.active,
       s.confirmed_flush_lsn::text AS confirmed_flush_lsn,
       pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::float8 AS byte_lag,
       r.pid IS NOT NULL AS streaming,
       (extract(epoch FROM r.replay_lag) * 1000)::float8 AS replay_lag_ms,
       a.usename::text AS walsender_role
  FROM pg_replication_slots s
  LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
  LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid
 WHERE s.slot_name = $1`;

export async function readSlot(client: pg.Client, name: string): Promise<SlotFacts> {
  const res = await client.query<{
    active: boolean;
    confirmed_flush_lsn: string | null;
    byte_lag: number | null;
    streaming: boolean;
    replay_lag_ms: number | null;
    walsender_role: string | null;
  }>(SLOT_SQL, [name]);
  const row = res.rows[0];
  if (row === undefined) return { exists: false, active: false, confirmedFlushLsn: null, byteLag: null, streaming: false, replayLagMs: null, walsenderRole: null };
  return {
    exists: true,
    active: row.active,
    confirmedFlushLsn: row.confirmed_flush_lsn,
    byteLag: row.byte_lag,
    streaming: row.streaming,
    replayLagMs: row.replay_lag_ms,
    walsenderRole: row.walsender_role,
  };
}

/**
 * L: the source's current WAL insert position. Not the write position (pg_current_wal_lsn()): under
 * synchronous_commit = off a commit returns once its record is inserted, possibly before it is written, so a slot
 * past the write position does not prove that every returned commit arrived.
 */
export async function currentWalLsn(client: pg.Client): Promise<string> {
  const res = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  const lsn = res.rows[0]?.lsn;
  if (lsn === undefined) throw new Error('pg_current_wal_insert_lsn() returned no row');
  return lsn;
}

/** Whether the slot's confirmed_flush_lsn is at or past `lsn` (null when the slot is gone). */
export async function slotPassed(client: pg.Client, slot: string, lsn: string): Promise<{ readonly passed: boolean; readonly confirmedFlushLsn: string | null } | null> {
  const res = await client.query<{ confirmed_flush_lsn: string | null; passed: boolean | null }>(
    `SELECT confirmed_flush_lsn::text AS confirmed_flush_lsn, pg_wal_lsn_diff(confirmed_flush_lsn, $2::pg_lsn) >= 0 AS passed
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slot, lsn],
  );
  const row = res.rows[0];
  if (row === undefined) return null;
  return { passed: row.passed === true, confirmedFlushLsn: row.confirmed_flush_lsn };
}
