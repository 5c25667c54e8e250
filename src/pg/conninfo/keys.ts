// Which libpq connection keys pgrepl accepts. libpq knows ~50 keys; each accepted one must mean here what it means
// to psql, so a key we cannot honour is refused by name instead of being ignored (an ignored `hostaddr` or
// `target_session_attrs` would silently connect somewhere else than the user asked for).
import { closest, distance } from 'fastest-levenshtein';
import { PgreplError } from '../../util/errors.js';

export interface KeyRule {
  /** The libpq environment variable that supplies the default. */
  readonly env?: string;
  /** Allowed values, when the key is an enumeration. */
  readonly values?: readonly string[];
  /** Values libpq accepts that pgrepl cannot honour, with the reason. */
  readonly refused?: Readonly<Record<string, string>>;
  /** The value must be an integer (libpq's "invalid integer value"). */
  readonly integer?: boolean;
}

export const SUPPORTED_KEYS = {
  host: { env: 'PGHOST' },
  port: { env: 'PGPORT', integer: true },
  dbname: { env: 'PGDATABASE' },
  user: { env: 'PGUSER' },
  password: { env: 'PGPASSWORD' },
  passfile: { env: 'PGPASSFILE' },
  sslmode: { env: 'PGSSLMODE', values: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] },
  sslrootcert: { env: 'PGSSLROOTCERT' },
  sslcert: { env: 'PGSSLCERT' },
  sslkey: { env: 'PGSSLKEY' },
  sslnegotiation: { env: 'PGSSLNEGOTIATION', values: ['postgres', 'direct'] },
  connect_timeout: { env: 'PGCONNECT_TIMEOUT', integer: true },
  application_name: { env: 'PGAPPNAME' },
  fallback_application_name: {},
  options: { env: 'PGOPTIONS' },
  keepalives: { integer: true },
  keepalives_idle: { integer: true },
  channel_binding: { env: 'PGCHANNELBINDING', values: ['disable', 'prefer', 'require'] },
  gssencmode: {
    env: 'PGGSSENCMODE',
    values: ['disable', 'prefer', 'require'],
    refused: { require: 'pgrepl does not support GSSAPI encryption; use sslmode instead' },
  },
} as const satisfies Readonly<Record<string, KeyRule>>;

export type SupportedKey = keyof typeof SUPPORTED_KEYS;

const ONE_SERVER = 'pgrepl connects to exactly one server; give one host (the primary)';
const NOT_SUPPORTED = 'not supported by pgrepl';

/** libpq keys that pgrepl refuses, with what to do instead. */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  hostaddr: 'give the address as host= instead',
  service: 'service files are not read; put the settings in the URL or key=value string',
  servicefile: 'service files are not read; put the settings in the URL or key=value string',
  target_session_attrs: ONE_SERVER,
  load_balance_hosts: ONE_SERVER,
  replication: 'pgrepl opens replication connections itself',
  client_encoding: 'pgrepl sets client_encoding=UTF8 on every session itself',
  requiressl: 'use sslmode=require',
  requirepeer: NOT_SUPPORTED,
  require_auth: NOT_SUPPORTED,
  sslpassword: 'use an unencrypted client key file (mode 0600)',
  sslcrl: NOT_SUPPORTED,
  sslcrldir: NOT_SUPPORTED,
  sslsni: 'pgrepl always sends SNI for host names, as libpq does by default',
  sslcompression: NOT_SUPPORTED,
  sslcertmode: NOT_SUPPORTED,
  sslkeylogfile: NOT_SUPPORTED,
  ssl_min_protocol_version: NOT_SUPPORTED,
  ssl_max_protocol_version: NOT_SUPPORTED,
  min_protocol_version: NOT_SUPPORTED,
  max_protocol_version: NOT_SUPPORTED,
  krbsrvname: 'Kerberos/GSSAPI authentication is not supported',
  gsslib: 'Kerberos/GSSAPI authentication is not supported',
  gssdelegation: 'Kerberos/GSSAPI authentication is not supported',
  keepalives_interval: 'Node.js cannot set it; keepalives and keepalives_idle are supported',
  keepalives_count: 'Node.js cannot set it; keepalives and keepalives_idle are supported',
  tcp_user_timeout: NOT_SUPPORTED,
  scram_client_key: NOT_SUPPORTED,
  scram_server_key: NOT_SUPPORTED,
  oauth_issuer: NOT_SUPPORTED,
  oauth_client_id: NOT_SUPPORTED,
  oauth_client_secret: NOT_SUPPORTED,
  oauth_scope: NOT_SUPPORTED,
};

/**
 * Environment variables libpq reads for keys pgrepl refuses. libpq would act on them, so pgrepl fails rather
 * than connect differently from psql. Variables that only change session settings (PGDATESTYLE, PGTZ,
 * PGCLIENTENCODING, ...) are ignored: pgrepl fixes those settings itself (CONTRACTS.md, Sessions).
 */
export const UNSUPPORTED_ENV: Readonly<Record<string, string>> = {
  PGHOSTADDR: 'hostaddr',
  PGSERVICE: 'service',
  PGTARGETSESSIONATTRS: 'target_session_attrs',
  PGLOADBALANCEHOSTS: 'load_balance_hosts',
  PGREQUIRESSL: 'requiressl',
  PGREQUIREPEER: 'requirepeer',
  PGREQUIREAUTH: 'require_auth',
  PGSSLCRL: 'sslcrl',
  PGSSLCRLDIR: 'sslcrldir',
  PGSSLCERTMODE: 'sslcertmode',
  PGSSLMINPROTOCOLVERSION: 'ssl_min_protocol_version',
  PGSSLMAXPROTOCOLVERSION: 'ssl_max_protocol_version',
  PGMINPROTOCOLVERSION: 'min_protocol_version',
  PGMAXPROTOCOLVERSION: 'max_protocol_version',
  PGKRBSRVNAME: 'krbsrvname',
  PGGSSLIB: 'gsslib',
  PGGSSDELEGATION: 'gssdelegation',
};

export function isSupportedKey(key: string): key is SupportedKey {
  return Object.hasOwn(SUPPORTED_KEYS, key);
}

/**
 * Throws a PgreplError naming `key` unless pgrepl supports it. `where` names the syntax ("connection option",
 * "URL query parameter"). Only the key is named: values may be secrets.
 */
export function assertSupportedKey(key: string, where: string): asserts key is SupportedKey {
  if (isSupportedKey(key)) return;
  const why = UNSUPPORTED_KEYS[key];
  if (why !== undefined) {
    throw new PgreplError(`unsupported ${where} "${key}": ${why}`, {
      hints: [`pgrepl supports: ${Object.keys(SUPPORTED_KEYS).join(', ')}`],
    });
  }
  const known = [...Object.keys(SUPPORTED_KEYS), ...Object.keys(UNSUPPORTED_KEYS)];
  const guess = closest(key, known);
  const hints = guess !== undefined && isClose(key, guess) ? [`did you mean "${guess}"?`] : [];
  throw new PgreplError(`invalid ${where} "${key}"`, {
    hints: [...hints, `pgrepl supports: ${Object.keys(SUPPORTED_KEYS).join(', ')}`],
  });
}

/** A suggestion is worth showing for a typo (`sslmdoe`, `ssl-mode`), not for an unrelated word. */
function isClose(key: string, guess: string): boolean {
  return distance(key, guess) <= Math.max(2, Math.floor(guess.length / 3));
}
