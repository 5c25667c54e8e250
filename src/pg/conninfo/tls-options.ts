// libpq's sslmode semantics as Node TLS options (node-postgres's own mapping treats prefer/require/verify-ca as
// verify-full and never falls back, see the facts file). The rules follow initialize_SSL() in
// fe-secure-openssl.c:
// - a root certificate file (sslrootcert, else ~/.postgresql/root.crt when it exists) turns on chain
//   verification in every TLS mode, so `require` with a CA behaves like verify-ca;
// - verify-ca and verify-full without one fail before connecting;
// - only verify-full checks the host name; sslrootcert=system uses the trusted roots (Node's bundled set).
// Stricter than libpq, on purpose: a sslrootcert/sslcert/sslkey file named explicitly must exist (libpq quietly
// skips a missing one in the weaker modes, which would silently drop the verification the user asked for).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { PgreplError } from '../../util/errors.js';
import { DEFAULT_CLIENT_CERT, DEFAULT_CLIENT_KEY, DEFAULT_ROOT_CERT, homeDirectory } from './defaults.js';
import type { ConnInfo } from './types.js';

const skipHostNameCheck = (): undefined => undefined;

export function tlsOptions(ci: ConnInfo, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const home = homeDirectory(env);
  const verifying = ci.sslmode === 'verify-ca' || ci.sslmode === 'verify-full';
  const options: ConnectionOptions = {};

  if (ci.sslrootcert === 'system') {
    options.rejectUnauthorized = true;
  } else {
    const rootPath = ci.sslrootcert ?? path.join(home, DEFAULT_ROOT_CERT);
    const ca = readIfPresent(rootPath, ci.sslrootcert !== undefined, 'root certificate');
    if (ca !== undefined) {
      options.ca = ca;
      options.rejectUnauthorized = true;
    } else if (verifying) {
      throw new PgreplError(`root certificate file "${rootPath}" does not exist`, {
        hints: [
          `sslmode=${ci.sslmode} verifies the server certificate: give the CA with sslrootcert=<file>, ` +
            'use the trusted roots with sslrootcert=system, or use sslmode=require (no verification)',
        ],
      });
    } else {
      options.rejectUnauthorized = false;
    }
  }
  if (ci.sslmode !== 'verify-full') options.checkServerIdentity = skipHostNameCheck;

  const certPath = ci.sslcert ?? path.join(home, DEFAULT_CLIENT_CERT);
  const cert = readIfPresent(certPath, ci.sslcert !== undefined, 'client certificate');
  if (cert !== undefined) {
    const keyPath = ci.sslkey ?? path.join(home, DEFAULT_CLIENT_KEY);
    const key = readIfPresent(keyPath, true, 'client private key');
    options.cert = cert;
    options.key = key;
  } else if (ci.sslkey !== undefined) {
    throw new PgreplError(`sslkey is given but no client certificate: set sslcert too`);
  }
  return options;
}

/** The file's text; undefined when it is absent and optional; an error naming it otherwise. */
function readIfPresent(file: string, required: boolean, what: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!required && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw new PgreplError(`could not read ${what} file "${file}": ${code ?? String(e)}`, { cause: e });
  }
}
