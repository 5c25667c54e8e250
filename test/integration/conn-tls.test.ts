// libpq's sslmode semantics against clusters with a self-signed CA: what each mode verifies, when prefer and
// allow retry, and how failures read. HOME is an empty directory so ~/.postgresql on the machine never counts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/pg/connect.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { withClient } from '../../src/pg/session.js';
import { PgreplError } from '../../src/util/errors.js';
import { type Cluster, getCluster, percentEncode, SOURCE_ROLE } from '../harness/index.js';

let tls: Cluster; // TLS and plain TCP allowed; certificate for "localhost" only (no IP SAN)
let tlsOnly: Cluster; // hostnossl … reject
let plain: Cluster; // no TLS at all
let home: string;
const env = (): NodeJS.ProcessEnv => ({ HOME: home });

beforeAll(async () => {
  [tls, tlsOnly, plain] = await Promise.all([
    getCluster({ major: 15, auth: 'scram', tls: true, tlsServerNames: ['localhost'] }),
    getCluster({ major: 15, auth: 'scram', tls: true, tlsOnly: true }),
    getCluster({ major: 15, auth: 'scram' }),
  ]);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-conn-tls-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function ci(cluster: Cluster, host: string, params: Record<string, string>): ConnInfo {
  const query = Object.entries(params).map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
  const url = `postgres://${percentEncode(SOURCE_ROLE.user)}:${percentEncode(SOURCE_ROLE.password)}@${host}:${cluster.port}/postgres?${query}`;
  return parseConnString(url, { env: env(), passfile: null });
}

/** Whether the session runs over TLS, and the client certificate the server saw. */
async function sslState(info: ConnInfo): Promise<{ ssl: boolean; clientDn: string | null }> {
  return withClient(info, { side: 'source', env: env() }, async (c) => {
    const r = await c.query<{ ssl: boolean; client_dn: string | null }>('SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return { ssl: r.rows[0]?.ssl ?? false, clientDn: r.rows[0]?.client_dn ?? null };
  });
}

async function failure(info: ConnInfo): Promise<PgreplError> {
  const e = await connect(info, { side: 'source', env: env() }).then(
    async (c) => {
      await c.end();
      return new Error('connected');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PgreplError);
  expect([(e as Error).message, ...(e as PgreplError).hints].join('\n')).not.toContain(SOURCE_ROLE.password);
  return e as PgreplError;
}

describe('sslmode against a TLS cluster', () => {
  it('verify-full with the CA and the certificate host name connects over TLS', async () => {
    expect(await sslState(ci(tls, 'localhost', { sslmode: 'verify-full', sslrootcert: tls.caCertPath ?? '' }))).toMatchObject({ ssl: true });
  });

  it('verify-full with a host name the certificate does not carry fails', async () => {
    const e = await failure(ci(tls, '127.0.0.1', { sslmode: 'verify-full', sslrootcert: tls.caCertPath ?? '' }));
    expect(e.message).toMatch(/could not connect to the source server .*127\.0\.0\.1.*(altnames|IP)/);
  });

  it('verify-ca accepts the mismatching host name but not another CA', async () => {
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'verify-ca', sslrootcert: tls.caCertPath ?? '' }))).toMatchObject({ ssl: true });
    const e = await failure(ci(tls, '127.0.0.1', { sslmode: 'verify-ca', sslrootcert: tls.otherCaCertPath ?? '' }));
    expect(e.hints.join('\n')).toMatch(/TLS verification failed under sslmode=verify-ca/);
  });

  it('verify-ca and verify-full without any CA fail before connecting', async () => {
    const e = await failure(ci(tls, 'localhost', { sslmode: 'verify-full' }));
    expect(e.message).toMatch(/root certificate file ".*\.postgresql\/root\.crt" does not exist/);
  });

  it('require connects over TLS without a CA, and verifies the chain when a CA is given (libpq)', async () => {
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'require' }))).toMatchObject({ ssl: true });
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'require', sslrootcert: tls.caCertPath ?? '' }))).toMatchObject({ ssl: true });
    await failure(ci(tls, '127.0.0.1', { sslmode: 'require', sslrootcert: tls.otherCaCertPath ?? '' }));
  });

  it('prefer uses TLS; with a CA that does not verify it falls back to plain, as libpq does', async () => {
    expect(await sslState(ci(tls, '127.0.0.1', {}))).toMatchObject({ ssl: true });
    expect(await sslState(ci(tls, '127.0.0.1', { sslrootcert: tls.otherCaCertPath ?? '' }))).toMatchObject({ ssl: false });
  });

  it('allow and disable use plain TCP when the server allows it', async () => {
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'allow' }))).toMatchObject({ ssl: false });
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'disable' }))).toMatchObject({ ssl: false });
  });

  it('sends a client certificate from sslcert/sslkey', async () => {
    const cert = await tls.issueClientCert(SOURCE_ROLE.user);
    const state = await sslState(ci(tls, 'localhost', { sslmode: 'verify-full', sslrootcert: tls.caCertPath ?? '', sslcert: cert.certPath, sslkey: cert.keyPath }));
    expect(state).toEqual({ ssl: true, clientDn: `/CN=${SOURCE_ROLE.user}` });
  });

  it('channel_binding=require succeeds over TLS with SCRAM', async () => {
    expect(await sslState(ci(tls, '127.0.0.1', { sslmode: 'require', channel_binding: 'require' }))).toMatchObject({ ssl: true });
  });
});

describe('sslmode against a TLS-only cluster', () => {
  it('disable fails clearly: the server rejects unencrypted connections', async () => {
    const e = await failure(ci(tlsOnly, '127.0.0.1', { sslmode: 'disable' }));
    expect(e.message).toMatch(/pg_hba\.conf .*no encryption \(SQLSTATE 28000\)/);
    expect(e.hints.join('\n')).toMatch(/accepts only TLS connections here: use sslmode=require/);
  });

  it('allow retries with TLS after the plain attempt is rejected', async () => {
    expect(await sslState(ci(tlsOnly, '127.0.0.1', { sslmode: 'allow' }))).toMatchObject({ ssl: true });
  });

  it('prefer connects over TLS', async () => {
    expect(await sslState(ci(tlsOnly, '127.0.0.1', { sslmode: 'prefer' }))).toMatchObject({ ssl: true });
  });

  it('prefer with a CA that does not verify fails and reports both attempts, as libpq does', async () => {
    const e = await failure(ci(tlsOnly, '127.0.0.1', { sslrootcert: tlsOnly.otherCaCertPath ?? '' }));
    expect(e.message).toMatch(/no encryption/);
    expect(e.hints.join('\n')).toMatch(/the first attempt with TLS failed: .*certificate/);
  });
});

describe('sslmode against a cluster without TLS', () => {
  it('prefer falls back to plain', async () => {
    expect(await sslState(ci(plain, '127.0.0.1', { sslmode: 'prefer' }))).toMatchObject({ ssl: false });
  });

  it('require fails saying the server has no TLS', async () => {
    const e = await failure(ci(plain, '127.0.0.1', { sslmode: 'require' }));
    expect(e.message).toMatch(/does not support SSL/);
    expect(e.hints.join('\n')).toMatch(/sslmode=require requires TLS/);
  });

  it('channel_binding=require fails without TLS even when prefer connected', async () => {
    const e = await failure(ci(plain, '127.0.0.1', { channel_binding: 'require' }));
    expect(e.message).toMatch(/channel_binding=require/);
  });
});
