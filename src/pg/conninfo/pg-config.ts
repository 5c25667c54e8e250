// node-postgres options from one ConnInfo. node-postgres fills anything left undefined from PG* variables of
// process.env with its own meaning (PGSSLMODE=require becomes verify-full), so every field is set explicitly
// here and the environment was already applied by parseConnString() with libpq's meaning.
import type { ClientConfig } from 'pg';
import { isSocketHost } from './defaults.js';
import { APPLICATION_NAME } from './startup-options.js';
import { tlsOptions } from './tls-options.js';
import type { ConnInfo } from './types.js';

/** One connection attempt with or without TLS; `allow` and `prefer` may need both (see connect()). */
export type TlsAttempt = 'tls' | 'plain';

export interface PgConfigOptions {
  /** Default: the first attempt libpq makes for the sslmode (firstTlsAttempt). */
  readonly attempt?: TlsAttempt;
  /** The `options` startup parameter; default: the user's own `options` only. */
  readonly startupOptions?: string;
  /** Open a logical replication connection (`replication=database`). */
  readonly replication?: boolean;
  /** For ~/.postgresql defaults; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Without a connect_timeout, pgrepl gives up after 30 s (libpq waits for the OS, ~2 min on Linux). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** libpq raises connect_timeout values of 1 s to 2 s; pgrepl does the same. */
const MIN_CONNECT_TIMEOUT_MS = 2_000;

/** Thrown by the password callback when the server asks for a password that was not found anywhere. */
export class MissingPasswordError extends Error {
  constructor() {
    super('the server asked for a password, but none was given');
    this.name = 'MissingPasswordError';
  }
}

/** libpq over a unix socket never uses TLS, whatever sslmode says (local sockets are trusted). */
export function firstTlsAttempt(ci: ConnInfo): TlsAttempt {
  if (isSocketHost(ci.host)) return 'plain';
  return ci.sslmode === 'disable' || ci.sslmode === 'allow' ? 'plain' : 'tls';
}

/** The second attempt libpq makes when the first is refused: prefer falls back to plain, allow tries TLS. */
export function fallbackTlsAttempt(ci: ConnInfo): TlsAttempt | undefined {
  if (isSocketHost(ci.host)) return undefined;
  if (ci.sslmode === 'prefer') return 'plain';
  if (ci.sslmode === 'allow') return 'tls';
  return undefined;
}

export function toPgConfig(ci: ConnInfo, opts: PgConfigOptions = {}): ClientConfig {
  const attempt = opts.attempt ?? firstTlsAttempt(ci);
  const password = ci.password;
  const timeout = ci.connectTimeoutSeconds;
  const keepalivesIdle = ci.extra['keepalives_idle'];
  const options = opts.startupOptions ?? ci.extra['options'];
  return {
    host: ci.host,
    port: ci.port,
    user: ci.user,
    database: ci.database,
    // A function, so node-postgres never falls back to process.env.PGPASSWORD, and the password is only
    // handed over when the server asks for one.
    password: () => {
      if (password === undefined) throw new MissingPasswordError();
      return password;
    },
    ssl: attempt === 'tls' ? tlsOptions(ci, opts.env) : false,
    ...(attempt === 'tls' && ci.extra['sslnegotiation'] === 'direct' ? { sslnegotiation: 'direct' as const } : {}),
    enableChannelBinding: ci.extra['channel_binding'] !== 'disable',
    keepAlive: ci.extra['keepalives'] === undefined || Number.parseInt(ci.extra['keepalives'], 10) !== 0,
    ...(keepalivesIdle === undefined ? {} : { keepAliveInitialDelayMillis: Number.parseInt(keepalivesIdle, 10) * 1000 }),
    connectionTimeoutMillis:
      timeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : timeout <= 0 ? 0 : Math.max(timeout * 1000, MIN_CONNECT_TIMEOUT_MS),
    application_name: APPLICATION_NAME,
    ...(options === undefined ? {} : { options }),
    ...(opts.replication === true ? { replication: 'database' } : {}),
  };
}
