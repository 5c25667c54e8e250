// Keeps the target's triggers (and FK checks) from firing while rows load: a re-copy into a table that already
// has a BEFORE INSERT trigger would otherwise rewrite the copied rows.
//
// First choice: session_replication_role = replica, set once on the loading session (superuser, or on 15+ a role
// granted SET on that parameter). Ordinary triggers and FK triggers stay silent; triggers marked ENABLE REPLICA / ALWAYS still fire,
// as they do under logical replication. Fallback, for the non-superuser owner of the tables: disable, by name, the
// ordinary enabled user triggers (tgenabled 'O', exactly those replica mode silences; ALWAYS ones keep firing,
// REPLICA ones do not fire in this origin-mode session) and enable exactly those again before commit (ALTER
// TABLE is transactional, so a rollback re-enables them too). FK checks are system triggers that the fallback cannot
// disable: apply creates foreign keys after the data (post-data), as pg_dump does, so none exist yet.
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import type { CopyTable, TriggerGuard } from './types.js';

const INSUFFICIENT_PRIVILEGE = '42501';

const ENABLED_USER_TRIGGERS_SQL = `SELECT tgname FROM pg_catalog.pg_trigger
 WHERE tgrelid = $1::regclass AND NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname`;

export interface GuardHandle {
  readonly kind: TriggerGuard;
  /** Statements to run before COMMIT (re-enable what the fallback disabled). */
  readonly beforeCommit: readonly string[];
}

function sqlstate(e: unknown): string | undefined {
  const code = (asError(e) as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Once per worker target session, outside a transaction: `SET session_replication_role = replica` for the whole
 * session (the session only loads rows). False when the role may not set it (42501): each unit then takes the
 * fallback of guardTriggers.
 */
export async function trySessionReplicaRole(client: pg.Client): Promise<boolean> {
  try {
    await client.query('SET session_replication_role = replica');
    return true;
  } catch (e) {
    if (sqlstate(e) !== INSUFFICIENT_PRIVILEGE) throw e;
    return false;
  }
}

/** Inside the target's open transaction; `replicaRole` is what trySessionReplicaRole returned for this session. */
export async function guardTriggers(client: pg.Client, tables: readonly CopyTable[], replicaRole: boolean): Promise<GuardHandle> {
  if (replicaRole) return { kind: 'session_replication_role', beforeCommit: [] };
  const beforeCommit: string[] = [];
  for (const t of tables) {
    const table = quoteQualified(t.schema, t.table);
    const triggers = (await client.query<{ tgname: string }>(ENABLED_USER_TRIGGERS_SQL, [table])).rows;
    for (const { tgname } of triggers) {
      try {
        await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ${quoteIdent(tgname)}`);
      } catch (e) {
        if (sqlstate(e) !== INSUFFICIENT_PRIVILEGE) throw e;
        throw new PgreplError(
          `cannot load ${t.schema}.${t.table} without firing its trigger ${tgname}: the target role may neither set ` +
            'session_replication_role nor alter the table', {
            hints: [
              'run as a superuser, or (PostgreSQL 15+) GRANT SET ON PARAMETER session_replication_role TO <target role>',
              'or make the target role the owner of the table so pgrepl can disable its triggers during the load',
            ],
            cause: e,
          },
        );
      }
      beforeCommit.push(`ALTER TABLE ${table} ENABLE TRIGGER ${quoteIdent(tgname)}`);
    }
  }
  return { kind: 'disable_trigger', beforeCommit };
}
