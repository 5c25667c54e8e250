// Opens one session to the source or the target with pgrepl's fixed settings (CONTRACTS.md, Sessions) and
// libpq's sslmode behaviour, including the plain/TLS retry that node-postgres does not do. Failures become a
// PgreplError that names the server in its display form (never the password) and says what to do.
import pg from 'pg';
import { TLSSocket } from 'node:tls';
import { PgreplError, asError } from '../util/errors.js';
import { isSocketHost } from './conninfo/defaults.js';
import { displayName } from './conninfo/display.js';
import { forDatabase } from './conninfo/for-database.js';
import { MissingPasswordError, fallbackTlsAttempt, firstTlsAttempt, toPgConfig, type TlsAttempt } from './conninfo/pg-config.js';
import type { WarningSink } from './conninfo/pgpass.js';
import { IDLE_SESSION_TIMEOUT_MIN_VERSION_NUM, startupOptions, type Side } from './conninfo/startup-options.js';
import type { ConnInfo } from './conninfo/types.js';

export type { Side } from './conninfo/startup-options.js';

export interface ConnectOptions {
  readonly side: Side;
  /** Another database of the same server (its passfile password is looked up again). */
  readonly database?: string;
  /** A logical replication connection (`replication=database`), e.g. for CREATE_REPLICATION_SLOT. */
  readonly replication?: boolean;
  /** For ~/.postgresql TLS defaults; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly onWarning?: WarningSink;
}

/** Read back after connecting: a pooler that drops the `options` startup parameter leaves these unset. */
const EXPECTED = { datestyle: 'ISO, MDY', timezone: 'UTC', extra_float_digits: '3' } as const;

// One round trip: the server version, proof that the startup settings hold, and idle_session_timeout=0 on 14+
// (the parameter does not exist before 14, so it cannot go into the startup options). CASE evaluates only the
// branch it takes, and set_config() is volatile, so it is never folded into the plan on older servers.
const SESSION_CHECK_SQL = `SELECT current_setting('server_version_num') AS server_version_num,
       current_setting('DateStyle') AS datestyle,
       current_setting('TimeZone') AS timezone,
       current_setting('extra_float_digits') AS extra_float_digits,
       CASE WHEN current_setting('server_version_num')::int >= ${IDLE_SESSION_TIMEOUT_MIN_VERSION_NUM}
            THEN set_config('idle_session_timeout', '0', false) END AS idle_session_timeout`;

interface SessionCheckRow {
  readonly server_version_num: string;
  readonly datestyle: string;
  readonly timezone: string;
  readonly extra_float_digits: string;
}

export const DIRECT_URL_HINT =
  'connect directly to PostgreSQL: use the direct (non-pooled) URL, e.g. the Neon URL without "-pooler" in the host, ' +
  'Supabase\'s direct connection (port 5432 on db.<project>.supabase.co), or the server behind PgBouncer';

/** The server answered like a transaction-mode connection pooler (PgBouncer, Neon/Supabase pooled URLs). */
export class PoolerError extends PgreplError {
  constructor(message: string, cause?: unknown) {
    super(message, { hints: [DIRECT_URL_HINT], ...(cause === undefined ? {} : { cause }) });
    this.name = 'PoolerError';
  }
}

export async function connect(ci: ConnInfo, opts: ConnectOptions): Promise<pg.Client> {
  const target = opts.database === undefined ? ci : forDatabase(ci, opts.database, opts.onWarning);
  const startup = startupOptions(opts.side, target.extra['options']);
  const first = firstTlsAttempt(target);
  const fallback = fallbackTlsAttempt(target);
  let client: pg.Client;
  try {
    client = await attempt(target, first, startup, opts);
  } catch (e) {
    if (fallback === undefined || !shouldRetry(e, first)) throw connectError(e, target, opts.side);
    try {
      client = await attempt(target, fallback, startup, opts);
    } catch (second) {
      // Like libpq, report both attempts: the first failure is often the real cause (e.g. a CA that does not verify).
      const error = connectError(second, target, opts.side);
      if (error instanceof PoolerError) throw error;
      const label = first === 'tls' ? 'with TLS' : 'without TLS';
      throw new PgreplError(error.message, { hints: [...error.hints, `the first attempt ${label} failed: ${asError(e).message}`], cause: second });
    }
  }
  try {
    await checkSession(client, target, opts.side);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e instanceof PgreplError ? e : connectError(e, target, opts.side);
  }
  return client;
}

async function attempt(ci: ConnInfo, tls: TlsAttempt, startup: string, opts: ConnectOptions): Promise<pg.Client> {
  const client = new pg.Client(
    toPgConfig(ci, { attempt: tls, startupOptions: startup, replication: opts.replication === true, ...(opts.env ? { env: opts.env } : {}) }),
  );
  // An idle client whose server goes away emits 'error'; without a listener Node would exit. The next query on
  // it fails with a clear error, which is where pgrepl reports it.
  client.on('error', () => undefined);
  let channelBound = false;
  client.connection.on('authenticationSASL', (msg: { mechanisms?: readonly string[] }) => {
    channelBound = (msg.mechanisms ?? []).includes('SCRAM-SHA-256-PLUS') && client.connection.stream instanceof TLSSocket;
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  if (ci.extra['channel_binding'] === 'require' && !channelBound) {
    await client.end().catch(() => undefined);
    throw new PgreplError(
      `could not connect to the ${opts.side} server ${displayName(ci)}: channel_binding=require, but the server ` +
        'authenticated the client without channel binding (it needs TLS and SCRAM-SHA-256 authentication)',
    );
  }
  return client;
}

/**
 * libpq's retry: `prefer` falls back to plain when the server refuses TLS, the TLS handshake fails or the server
 * rejects the encrypted connection (pg_hba); `allow` tries TLS when the server rejects the plain one.
 */
function shouldRetry(e: unknown, first: TlsAttempt): boolean {
  const err = asError(e);
  const code = (err as { code?: unknown }).code;
  if (code === '28000') return true; // no pg_hba.conf entry for this kind of connection
  if (first === 'plain') return false;
  if (err.message === 'The server does not support SSL connections') return true;
  return isTlsError(err);
}

function isTlsError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SELF_SIGNED') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  );
}

async function checkSession(client: pg.Client, ci: ConnInfo, side: Side): Promise<void> {
  const result = await client.query<SessionCheckRow>(SESSION_CHECK_SQL);
  const row = result.rows[0];
  const wrong = row === undefined ? ['no row'] : (Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]).filter((k) => row[k] !== EXPECTED[k]);
  if (wrong.length > 0) {
    const seen = row === undefined ? '' : ` (${wrong.map((k) => `${k} is "${row[k as keyof typeof EXPECTED]}"`).join(', ')})`;
    throw new PoolerError(
      `the ${side} server ${displayName(ci)} did not apply pgrepl's session settings${seen}: ` +
        'a connection pooler that drops the "options" startup parameter is the usual cause',
    );
  }
}

/** How PgBouncer, Supavisor and the Neon/Supabase poolers refuse what only PostgreSQL itself accepts. */
export const POOLER_MESSAGE = /unsupported startup parameter|pgbouncer|supavisor|pooler|statement pooling mode|transaction pooling mode/i;

/** A connection failure as a PgreplError that names the server and what to check. */
export function connectError(e: unknown, ci: ConnInfo, side: Side): PgreplError {
  if (e instanceof PgreplError) return e;
  const err = asError(e);
  const where = `could not connect to the ${side} server ${displayName(ci)}`;
  if (err instanceof MissingPasswordError || err.name === 'MissingPasswordError') {
    return new PgreplError(`${where}: the server asked for a password, but none was found`, {
      hints: [
        `looked in: the connection string, PGPASSWORD${ci.passfile === undefined ? '' : `, the password file ${ci.passfile}`}`,
        'put the password in the URL (percent-encoded), in PGPASSWORD, or in a 0600 password file',
      ],
      cause: err,
    });
  }
  if (POOLER_MESSAGE.test(err.message)) {
    return new PoolerError(`${where}: ${err.message} (this is a connection pooler, not PostgreSQL itself)`, err);
  }
  const code = (err as { code?: unknown }).code;
  const sqlstate = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const hints: string[] = [];
  if (sqlstate === '28P01' && ci.passwordSource !== undefined) {
    hints.push(`the password came from ${passwordOrigin(ci)}`);
  }
  if (sqlstate === '28000' && /no encryption/.test(err.message)) {
    hints.push(`the server accepts only TLS connections here: use sslmode=require or stronger (sslmode is ${ci.sslmode})`);
  }
  if (err.message === 'The server does not support SSL connections') {
    hints.push(`sslmode=${ci.sslmode} requires TLS; the server has ssl = off`);
  }
  if (isTlsError(err)) hints.push(`TLS verification failed under sslmode=${ci.sslmode}${ci.sslrootcert ? ` with sslrootcert=${ci.sslrootcert}` : ''}`);
  if (code === 'ENOENT' && isSocketHost(ci.host)) {
    hints.push(`no server socket in ${ci.host}: is the server running on this machine, or should host= name a TCP host?`);
  }
  if (err.message === 'timeout expired' || err.message.includes('timeout')) hints.push('raise connect_timeout=<seconds> if the server is slow to answer');
  const detail = sqlstate === undefined ? err.message : `${err.message} (SQLSTATE ${sqlstate})`;
  return new PgreplError(`${where}: ${detail}`, { hints, cause: err });
}

function passwordOrigin(ci: ConnInfo): string {
  switch (ci.passwordSource) {
    case 'env':
      return 'PGPASSWORD';
    case 'passfile':
      return `the password file ${ci.passfile ?? ''}`;
    default:
      return 'the connection string';
  }
}
