// The conninfo the target server uses to reach the source (CREATE SUBSCRIPTION … CONNECTION '…'). The target's
// libpq reads it, so it is a libpq key=value string rendered from the same ConnInfo as pgrepl's own sessions.
import { isSocketHost } from './defaults.js';
import { renderConninfo } from './quote.js';
import type { ConnInfo } from './types.js';

export interface SubscriptionConninfoOptions {
  /**
   * Put the password in the string. Needed when the target cannot find it in its own ~/.pgpass; and from
   * PostgreSQL 16 a non-superuser subscription owner must give one. Render previews with redactedConninfo().
   */
  readonly includePassword: boolean;
}

// Keys of ConnInfo.extra that mean the same on the target's libpq. application_name and
// fallback_application_name stay out: PostgreSQL names the walsender after the subscription, and status
// finds it in pg_stat_replication by that name.
const PASSED_EXTRA_KEYS = ['options', 'keepalives', 'keepalives_idle', 'channel_binding', 'gssencmode', 'sslnegotiation'] as const;

/**
 * A libpq key=value string for CREATE SUBSCRIPTION. File paths (sslrootcert, sslcert, sslkey) are passed as
 * given and are read on the target server's machine; a socket-directory host names a directory there too.
 */
export function toSubscriptionConninfo(ci: ConnInfo, opts: SubscriptionConninfoOptions): string {
  const pairs: [string, string][] = [
    ['host', ci.host],
    ['port', String(ci.port)],
    ['dbname', ci.database],
    ['user', ci.user],
  ];
  if (opts.includePassword && ci.password !== undefined) pairs.push(['password', ci.password]);
  // TLS settings make no sense on a unix socket (libpq ignores them there); keep the string minimal.
  if (!isSocketHost(ci.host)) {
    pairs.push(['sslmode', ci.sslmode]);
    if (ci.sslrootcert !== undefined) pairs.push(['sslrootcert', ci.sslrootcert]);
    if (ci.sslcert !== undefined) pairs.push(['sslcert', ci.sslcert]);
    if (ci.sslkey !== undefined) pairs.push(['sslkey', ci.sslkey]);
  }
  if (ci.connectTimeoutSeconds !== undefined) pairs.push(['connect_timeout', String(ci.connectTimeoutSeconds)]);
  for (const key of PASSED_EXTRA_KEYS) {
    const value = ci.extra[key];
    if (value !== undefined) pairs.push([key, value]);
  }
  return renderConninfo(pairs);
}
