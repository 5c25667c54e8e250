// The SQL of the PostgreSQL state backend (docs/state.md, "PostgreSQL backend"): three tables in the state schema,
// the advisory-lock probes and the compare-and-swap write. Pure text builders; state-session.ts runs them.
//
// The document is kept as text, not jsonb: the state is read back byte for byte as it was written (jsonb would
// reorder keys and drop duplicates), and parseState checks it like a state file.
import { quoteIdent, quoteQualified } from '../sql/quote.js';

export const STATE_TABLE = 'state';
export const HISTORY_TABLE = 'state_history';
export const LOCK_TABLE = 'state_lock';

export interface StateTables {
  readonly schema: string;
  readonly state: string;
  readonly history: string;
  readonly lock: string;
}

export function stateTables(schema: string): StateTables {
  return {
    schema: quoteIdent(schema),
    state: quoteQualified(schema, STATE_TABLE),
    history: quoteQualified(schema, HISTORY_TABLE),
    lock: quoteQualified(schema, LOCK_TABLE),
  };
}

/** Which of the three tables exist ($1 schema): creating is skipped (and needs no CREATE right) when all do. */
export const TABLES_EXIST_SQL = `SELECT to_regnamespace(quote_ident($1)) IS NOT NULL AS schema_exists,
       (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[])) AS tables,
       current_user AS role, current_database() AS database,
       has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
       CASE WHEN to_regnamespace(quote_ident($1)) IS NULL THEN NULL
            ELSE has_schema_privilege(to_regnamespace(quote_ident($1)), 'CREATE') END AS can_create_in_schema`;

export function createSchemaSql(t: StateTables): string {
  return `CREATE SCHEMA IF NOT EXISTS ${t.schema}`;
}

export function createTablesSql(t: StateTables): readonly string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.state} (
  name text PRIMARY KEY,
  lineage text NOT NULL,
  serial bigint NOT NULL CHECK (serial > 0),
  document text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
    `CREATE TABLE IF NOT EXISTS ${t.history} (
  name text NOT NULL,
  lineage text NOT NULL,
  serial bigint NOT NULL,
  document text NOT NULL,
  updated_at timestamptz NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (name, lineage, serial)
)`,
    `CREATE TABLE IF NOT EXISTS ${t.lock} (
  name text PRIMARY KEY,
  id text NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  pid_namespace text,
  process_start jsonb,
  process_started_at text,
  command text NOT NULL,
  os_user text NOT NULL,
  created_at timestamptz NOT NULL,
  backend_pid integer NOT NULL,
  db_role name NOT NULL DEFAULT current_user,
  lock_key1 integer NOT NULL,
  lock_key2 integer NOT NULL
)`,
  ];
}

/** Serialises table creation between runs that both find the tables missing ($1, $2: a key of the schema). */
export const DDL_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1::int, $2::int)';

export const TRY_LOCK_SQL = 'SELECT pg_try_advisory_lock($1::int, $2::int) AS locked';
export const UNLOCK_SQL = 'SELECT pg_advisory_unlock($1::int, $2::int) AS unlocked';

// A two-int advisory key shows in pg_locks as classid = key1, objid = key2, objsubid = 2 (keys are kept >= 0, so
// the int -> oid conversion is the identity).
const ADVISORY_MATCH = `locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2 AND granted
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** This session holds the key: run as its own statement, so a transaction pooler that moved us shows as false. */
export const HOLDS_LOCK_SQL = `SELECT pg_backend_pid() AS backend_pid,
       EXISTS (SELECT 1 FROM pg_locks WHERE ${ADVISORY_MATCH} AND pid = pg_backend_pid()) AS held`;

/** The backend holding the key, if any. */
export const LOCK_HOLDER_SQL = `SELECT pid FROM pg_locks WHERE ${ADVISORY_MATCH} LIMIT 1`;

/** Whether backend $3 still holds the key (checked inside the write transaction). */
export const PID_HOLDS_LOCK_SQL = `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE ${ADVISORY_MATCH} AND pid = $3::int) AS held`;

export function readStateSql(t: StateTables, forUpdate: boolean): string {
  return `SELECT lineage, serial::text AS serial, document, updated_at FROM ${t.state} WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`;
}

export function insertStateSql(t: StateTables): string {
  return `INSERT INTO ${t.state} (name, lineage, serial, document, updated_at) VALUES ($1, $2, $3::bigint, $4, now())
ON CONFLICT (name) DO NOTHING`;
}

/** The compare-and-swap: 0 rows when the stored serial or lineage is not the base the write was made from. */
export function updateStateSql(t: StateTables): string {
  return `UPDATE ${t.state} SET serial = $3::bigint, document = $4, updated_at = now()
 WHERE name = $1 AND lineage = $2 AND serial = $5::bigint`;
}

/** Keeps the version being replaced ($1 name). */
export function saveHistorySql(t: StateTables): string {
  return `INSERT INTO ${t.history} (name, lineage, serial, document, updated_at)
SELECT name, lineage, serial, document, updated_at FROM ${t.state} WHERE name = $1
ON CONFLICT (name, lineage, serial) DO NOTHING`;
}

/** Keeps the newest $2 previous versions of state $1. */
export function trimHistorySql(t: StateTables): string {
  return `DELETE FROM ${t.history} h WHERE h.name = $1 AND (h.lineage, h.serial) NOT IN (
  SELECT lineage, serial FROM ${t.history} WHERE name = $1 ORDER BY replaced_at DESC, serial DESC LIMIT $2::int)`;
}

export function historySql(t: StateTables): string {
  return `SELECT lineage, serial::text AS serial, document FROM ${t.history} WHERE name = $1 ORDER BY replaced_at DESC, serial DESC`;
}

const LOCK_COLUMNS = 'id, host, pid, pid_namespace, process_start, process_started_at, command, os_user, created_at, backend_pid, db_role, lock_key1, lock_key2';

export function readLockRowSql(t: StateTables): string {
  return `SELECT ${LOCK_COLUMNS} FROM ${t.lock} WHERE name = $1`;
}

/** Our lock row; one already there is a dead holder's (we hold the advisory lock now), so it is replaced. */
export function putLockRowSql(t: StateTables): string {
  return `INSERT INTO ${t.lock} (name, id, host, pid, pid_namespace, process_start, process_started_at, command, os_user, created_at, backend_pid, lock_key1, lock_key2)
VALUES ($1, $2, $3, $4::int, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, pg_backend_pid(), $11::int, $12::int)
ON CONFLICT (name) DO UPDATE SET id = EXCLUDED.id, host = EXCLUDED.host, pid = EXCLUDED.pid, pid_namespace = EXCLUDED.pid_namespace,
  process_start = EXCLUDED.process_start, process_started_at = EXCLUDED.process_started_at, command = EXCLUDED.command,
  os_user = EXCLUDED.os_user, created_at = EXCLUDED.created_at, backend_pid = EXCLUDED.backend_pid, db_role = current_user,
  lock_key1 = EXCLUDED.lock_key1, lock_key2 = EXCLUDED.lock_key2`;
}

export function deleteLockRowSql(t: StateTables): string {
  return `DELETE FROM ${t.lock} WHERE name = $1 AND id = $2`;
}

export const TERMINATE_SQL = 'SELECT pg_terminate_backend($1::int) AS terminated';
