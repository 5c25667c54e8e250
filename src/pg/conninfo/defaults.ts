// libpq's compiled-in defaults, as the Debian/Ubuntu libpq (and so psql on the machines pgrepl targets) has them.
// Upstream libpq defaults the socket directory to /tmp; Debian, Ubuntu and the PGDG packages compile in
// /var/run/postgresql. pgrepl follows the packaged psql so that `pgrepl` and `psql` with the same (empty)
// settings reach the same server. Set PGHOST or host= to use another directory or a TCP host.
import * as os from 'node:os';

export const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
export const DEFAULT_PORT = 5432;
/** Name of the passfile in the home directory when neither passfile= nor PGPASSFILE is set. */
export const DEFAULT_PASSFILE_NAME = '.pgpass';
/** libpq's per-user TLS files (`~/.postgresql/...`), used when sslrootcert/sslcert/sslkey are not given. */
export const DEFAULT_ROOT_CERT = '.postgresql/root.crt';
export const DEFAULT_CLIENT_CERT = '.postgresql/postgresql.crt';
export const DEFAULT_CLIENT_KEY = '.postgresql/postgresql.key';

/** libpq treats a host that starts with '/' as a unix-socket directory. */
export function isSocketHost(host: string): boolean {
  return host.startsWith('/');
}

/** The home directory for ~/.pgpass and ~/.postgresql: $HOME first, as libpq does, then the password database. */
export function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env['HOME'] || os.homedir();
}
