// The fence on the source (cutover step 2) and its undo: the facts the privilege check needs, ALTER ROLE per
// fence role, and ending the roles' sessions. ALTER ROLE affects new sessions only, so a fence also terminates the
// existing ones and checks that none started before the fence remain. The statement builders are pure and
// unit-tested; the ALTERs run in a READ WRITE transaction (source sessions are READ ONLY by default).
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { withSourceWrite } from '../session.js';

export type FenceSqlMode = 'read-only' | 'nologin';

export interface FenceActorRow {
  readonly name: string;
  readonly superuser: boolean;
  readonly createrole: boolean;
  readonly signalBackend: boolean;
  readonly serverVersionNum: number;
}

export interface FenceRoleRow {
  readonly name: string;
  readonly exists: boolean;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  readonly readOnly: string | null;
  readonly adminOption: boolean;
  readonly member: boolean;
}

export async function readFenceActor(client: pg.Client): Promise<FenceActorRow> {
  const res = await client.query<{ name: string; superuser: boolean; createrole: boolean; signal: boolean; version: number }>(
    `SELECT r.rolname::text AS name, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
            pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal,
            current_setting('server_version_num')::int AS version
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const row = res.rows[0];
  if (row === undefined) throw new Error('the current role is missing from pg_roles');
  return { name: row.name, superuser: row.superuser, createrole: row.createrole, signalBackend: row.signal, serverVersionNum: row.version };
}

// rolconfig holds `name=value` entries set by ALTER ROLE … SET (database-independent ones).
const ROLES_SQL = `SELECT w.name,
       r.oid IS NOT NULL AS exists,
       coalesce(r.rolsuper, false) AS superuser,
       coalesce(r.rolcanlogin, false) AS can_login,
       (SELECT substr(c, length('default_transaction_read_only=') + 1)
          FROM unnest(r.rolconfig) AS c WHERE c LIKE 'default\\_transaction\\_read\\_only=%' LIMIT 1) AS read_only,
       CASE WHEN r.oid IS NULL THEN false ELSE pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION') END AS admin_option,
       CASE WHEN r.oid IS NULL THEN false ELSE pg_has_role(current_user, r.oid, 'MEMBER') END AS member
  FROM unnest($1::text[]) WITH ORDINALITY AS w(name, i)
  LEFT JOIN pg_roles r ON r.rolname = w.name
 ORDER BY w.i`;

export async function readFenceRoles(client: pg.Client, names: readonly string[]): Promise<FenceRoleRow[]> {
  const res = await client.query<{
    name: string;
    exists: boolean;
    superuser: boolean;
    can_login: boolean;
    read_only: string | null;
    admin_option: boolean;
    member: boolean;
  }>(ROLES_SQL, [names]);
  return res.rows.map((r) => ({
    name: r.name,
    exists: r.exists,
    superuser: r.superuser,
    canLogin: r.can_login,
    readOnly: r.read_only,
    adminOption: r.admin_option,
    member: r.member,
  }));
}

/** The statement that fences `role`. */
export function fenceStatement(mode: FenceSqlMode, role: string): string {
  return mode === 'nologin' ? `ALTER ROLE ${quoteIdent(role)} NOLOGIN` : `ALTER ROLE ${quoteIdent(role)} SET default_transaction_read_only = on`;
}

/** The statements that put `role` back as it was before a fence of `mode`. */
export function undoStatements(mode: FenceSqlMode, role: string, previous: { readonly login: boolean; readonly read_only: string | null }): string[] {
  const r = quoteIdent(role);
  if (mode === 'nologin') return previous.login ? [`ALTER ROLE ${r} LOGIN`] : [];
  return previous.read_only === null
    ? [`ALTER ROLE ${r} RESET default_transaction_read_only`]
    : [`ALTER ROLE ${r} SET default_transaction_read_only = ${quoteLiteral(previous.read_only)}`];
}

/** Runs `statements` in one READ WRITE transaction and returns the source's clock_timestamp() after the commit. */
export async function runRoleStatements(client: pg.Client, statements: readonly string[]): Promise<string> {
  await withSourceWrite(client, async (c) => {
    for (const sql of statements) await c.query(sql);
  });
  const res = await client.query<{ at: string }>(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`);
  return res.rows[0]?.at ?? new Date().toISOString();
}

export interface RoleSession {
  readonly pid: number;
  readonly role: string;
  readonly backendStart: string;
}

/**
 * Ends every session of `roles` (but this one) that started at or before `since`, the fence's time: later ones
 * started under the fence (read-only default) and may stay. Returns the sessions signalled.
 */
export async function terminateRoleSessions(client: pg.Client, roles: readonly string[], since: string): Promise<RoleSession[]> {
  const res = await client.query<{ pid: number; role: string; backend_start: string }>(
    // MATERIALIZED: the filter must pick the sessions before pg_terminate_backend sees any pid (a plain WHERE
    // gives the planner the choice of order).
    `WITH picked AS MATERIALIZED (
       SELECT a.pid, a.usename::text AS role, a.backend_start::text AS backend_start
         FROM pg_stat_activity a
        WHERE a.usename = ANY($1::text[]) AND a.pid <> pg_backend_pid() AND a.backend_start <= $2::timestamptz)
     SELECT pid, role, backend_start FROM picked WHERE pg_terminate_backend(pid)`,
    [roles, since],
  );
  return res.rows.map((r) => ({ pid: r.pid, role: r.role, backendStart: r.backend_start }));
}

/** Sessions of `roles` that started at or before `since` (ISO timestamp): those the fence has not reached. */
export async function sessionsStartedBefore(client: pg.Client, roles: readonly string[], since: string): Promise<RoleSession[]> {
  const res = await client.query<{ pid: number; role: string; backend_start: string }>(
    `SELECT a.pid, a.usename::text AS role, a.backend_start::text AS backend_start
       FROM pg_stat_activity a
      WHERE a.usename = ANY($1::text[]) AND a.pid <> pg_backend_pid() AND a.backend_start <= $2::timestamptz
      ORDER BY a.pid`,
    [roles, since],
  );
  return res.rows.map((r) => ({ pid: r.pid, role: r.role, backendStart: r.backend_start }));
}
