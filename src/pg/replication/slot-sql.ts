// SQL of the slot primitives (slot.ts). Pure.
import { quoteIdent } from '../sql/quote.js';
import { checkReplicationName } from './names.js';

/**
 * The replication command, in the pre-15 keyword syntax that 12–18 all accept (`(SNAPSHOT 'export')` fails on 13,
 * seen). Sent with the simple query protocol: replication commands have no extended-protocol form. A failover slot
 * (17+) needs the option-list syntax: CREATE SUBSCRIPTION … WITH (create_slot = false, failover = true) records
 * failover on the subscription but leaves the existing slot's failover false (seen on 17).
 */
export function createSlotCommand(slot: string, exportSnapshot: boolean, failover = false): string {
  const name = quoteIdent(checkReplicationName('slot', slot));
  if (failover) return `CREATE_REPLICATION_SLOT ${name} LOGICAL pgoutput (SNAPSHOT '${exportSnapshot ? 'export' : 'nothing'}', FAILOVER true)`;
  return `CREATE_REPLICATION_SLOT ${name} LOGICAL pgoutput ${exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT'}`;
}

/** The first major whose slots can fail over to a standby. */
export const FAILOVER_SLOT_MIN_VERSION_NUM = 170000;

/**
 * The timeouts that would end the idle replication connection and with it the exported snapshot. The second
 * argument of current_setting() makes it NULL where the setting does not exist (idle_session_timeout before 14).
 */
export const SLOT_SESSION_TIMEOUTS_SQL = `SELECT pg_catalog.pg_backend_pid() AS pid,
       pg_catalog.current_setting('server_version_num')::int AS server_version_num,
       pg_catalog.current_setting('statement_timeout', true) AS statement_timeout,
       pg_catalog.current_setting('idle_in_transaction_session_timeout', true) AS idle_in_transaction_session_timeout,
       pg_catalog.current_setting('idle_session_timeout', true) AS idle_session_timeout`;

export interface SlotSessionRow {
  readonly pid: number;
  readonly server_version_num: number;
  readonly statement_timeout: string | null;
  readonly idle_in_transaction_session_timeout: string | null;
  readonly idle_session_timeout: string | null;
}

/**
 * What slot creation waits for: every transaction holding an xid (cluster-wide: the snapshot builder reads the
 * running transactions of the whole cluster), the sessions the creating backend is blocked on right now, and
 * prepared transactions, which hold an xid with no session at all. $1: our own pids; $2: the creating backend.
 */
export const SLOT_BLOCKERS_SQL = `SELECT a.pid, a.usename::text AS usename, a.application_name, a.datname::text AS datname, a.state,
       extract(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS xact_age_s,
       pg_catalog.left(a.query, 200) AS query, NULL::text AS gid
  FROM pg_catalog.pg_stat_activity a
 WHERE (a.backend_xid IS NOT NULL OR a.pid = ANY (pg_catalog.pg_blocking_pids($2::int)))
   AND a.pid <> ALL ($1::int[])
UNION ALL
SELECT NULL, p.owner::text, NULL, p.database::text, 'prepared',
       extract(epoch FROM pg_catalog.now() - p.prepared)::float8, NULL, p.gid
  FROM pg_catalog.pg_prepared_xacts p
 ORDER BY xact_age_s DESC NULLS LAST, pid`;

export interface SlotBlockerRow {
  readonly pid: number | null;
  readonly usename: string | null;
  readonly application_name: string | null;
  readonly datname: string | null;
  readonly state: string | null;
  readonly xact_age_s: number | null;
  readonly query: string | null;
  readonly gid: string | null;
}

export const SLOT_STATE_SQL =
  'SELECT active, active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = $1';

export interface SlotStateRow {
  readonly active: boolean;
  readonly active_pid: number | null;
}

export const DROP_SLOT_SQL = 'SELECT pg_catalog.pg_drop_replication_slot($1)';
export const CANCEL_BACKEND_SQL = 'SELECT pg_catalog.pg_cancel_backend($1)';
export const TERMINATE_BACKEND_SQL = 'SELECT pg_catalog.pg_terminate_backend($1)';
export const BACKEND_PID_SQL = 'SELECT pg_catalog.pg_backend_pid() AS pid';
/** pg_drop_replication_slot is a write in spirit (CONTRACTS.md); the session that runs it is made read-write. */
export const READ_WRITE_SQL = 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE';
