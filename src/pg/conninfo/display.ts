// How a server is named to people (messages, plans, status) and to machines (hashes in file and object names).
import { isSocketHost } from './defaults.js';
import type { ConnInfo } from './types.js';

/**
 * The one display form, without the password: `postgres://app@db.example.com:5432/shop`, `postgres://app@[::1]:5432/shop`,
 * and for a socket directory `postgres://app@:5432/shop?host=/var/run/postgresql`. Each is a URL that libpq and
 * pgrepl parse back to the same server, so it can be pasted into psql.
 */
export function displayName(ci: ConnInfo): string {
  const head = `postgres://${encodeURIComponent(ci.user)}@`;
  const tail = `:${ci.port}/${encodeURIComponent(ci.database)}`;
  if (isSocketHost(ci.host)) return `${head}${tail}?host=${encodeURI(ci.host).replace(/[?&=#]/g, encodeURIComponent)}`;
  if (ci.host.includes(':')) return `${head}[${ci.host.replace(/%/g, '%25')}]${tail}`; // IPv6, zone id encoded
  return `${head}${encodeURIComponent(ci.host)}${tail}`;
}

/**
 * A stable string naming the server, database and role, for hashing (state file names, object-name suffixes).
 * Never the password or TLS settings, so rotating a password or tightening sslmode keeps the identity.
 */
export function identity(ci: ConnInfo): string {
  const host = isSocketHost(ci.host) ? ci.host : ci.host.toLowerCase();
  return JSON.stringify(['postgres', host, ci.port, ci.database, ci.user]);
}
