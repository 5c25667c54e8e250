// Self-signed certificates for TLS clusters, made with the openssl CLI. EC P-256 keys: generating them takes
// milliseconds where RSA takes up to a second, and every server version the harness runs (OpenSSL 1.1+) accepts them.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chownToServer, runChecked } from './server-user.js';

export const DEFAULT_TLS_SERVER_NAMES: readonly string[] = ['localhost', '127.0.0.1'];

export interface TlsFiles {
  /** CA that signed the server certificate: give it as sslrootcert (libpq) or `ssl.ca` (node-postgres). */
  readonly caCertPath: string;
  readonly caKeyPath: string;
  /** A second, unrelated CA: verify-ca / verify-full against it must fail. */
  readonly otherCaCertPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly dir: string;
}

const IP_PATTERN = /^\d{1,3}(\.\d{1,3}){3}$|:/;

function openssl(args: readonly string[], cwd: string): Promise<unknown> {
  return runChecked('openssl', args, { cwd, asServer: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}

async function makeCa(dir: string, name: string, cn: string): Promise<void> {
  await openssl([
    'req', '-x509', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ], dir);
}

/** Sign a leaf certificate with the CA in `dir` (ca.crt/ca.key). */
async function signLeaf(dir: string, name: string, cn: string, extensions: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  await openssl(['req', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', `${name}.crt`, '-days', '3650', '-extfile', `${name}.ext`], dir);
  chmodSync(join(dir, `${name}.key`), 0o600);
}

/**
 * CA + server certificate (CN = first name, SAN = all names: IPs as IP:, others as DNS:) in `dir`.
 * The server key is owned by the server user, mode 0600, as postgres demands.
 */
export async function createServerTls(dir: string, serverNames: readonly string[] = DEFAULT_TLS_SERVER_NAMES): Promise<TlsFiles> {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  await makeCa(dir, 'ca', 'pgrepl test CA');
  await makeCa(dir, 'other-ca', 'pgrepl unrelated CA');
  const san = serverNames.map((name) => (IP_PATTERN.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
  await signLeaf(dir, 'server', serverNames[0] ?? 'localhost', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${san}`,
    '',
  ].join('\n'));
  for (const file of ['ca.crt', 'other-ca.crt', 'server.crt']) chmodSync(join(dir, file), 0o644);
  chownToServer(join(dir, 'server.key'));
  return {
    dir,
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    otherCaCertPath: join(dir, 'other-ca.crt'),
    serverCertPath: join(dir, 'server.crt'),
    serverKeyPath: join(dir, 'server.key'),
  };
}

/** A client certificate for `user` (CN = user) signed by the cluster's CA; key 0600, owned by the harness's user. */
export async function createClientCert(dir: string, user: string): Promise<{ certPath: string; keyPath: string }> {
  const name = `client-${user.replace(/[^A-Za-z0-9_]/g, '_')}`;
  await signLeaf(dir, name, user, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth', ''].join('\n'));
  return { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
}
