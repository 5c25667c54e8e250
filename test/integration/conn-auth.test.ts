// Authentication through pgrepl's own parsing against a scram cluster whose passwords hold `: \ @ % / '` and a
// space: percent-encoded URL, key=value quoting, PGPASSWORD, a passfile; and failures that say where the
// password came from without ever showing it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/pg/connect.js';
import { parseConnString, type ParseOptions } from '../../src/pg/conninfo/parse.js';
import { escapePassfileField } from '../../src/pg/conninfo/pgpass.js';
import { quoteConninfoValue } from '../../src/pg/conninfo/quote.js';
import { toSubscriptionConninfo } from '../../src/pg/conninfo/subscription.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { withClient } from '../../src/pg/session.js';
import { PgreplError } from '../../src/util/errors.js';
import { type Cluster, getCluster, percentEncode, SOURCE_ROLE, WRONG_PASSWORD } from '../harness/index.js';

let cluster: Cluster;
let home: string;
const { user, password } = SOURCE_ROLE;

beforeAll(async () => {
  cluster = await getCluster({ major: 15, auth: 'scram' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-conn-auth-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** Parse in a sealed environment: an empty HOME, no PG* variables except those given. */
const parse = (s: string, opts: ParseOptions = {}): ConnInfo =>
  parseConnString(s, { passfile: null, ...opts, env: { HOME: home, ...(opts.env ?? {}) } });

async function whoami(ci: ConnInfo): Promise<string> {
  return withClient(ci, { side: 'target', env: { HOME: home } }, async (c) => {
    const r = await c.query<{ u: string }>('SELECT current_user AS u');
    return r.rows[0]?.u ?? '';
  });
}

async function refusal(ci: ConnInfo): Promise<PgreplError> {
  const e = await connect(ci, { side: 'source', env: { HOME: home } }).then(
    () => new Error('connected'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PgreplError);
  return e as PgreplError;
}
const fullText = (e: PgreplError): string => [e.message, ...e.hints, String((e.cause as Error | undefined)?.message)].join('\n');

describe('the awkward password reaches the server intact', () => {
  it('from a percent-encoded URL', async () => {
    const ci = parse(`postgres://${percentEncode(user)}:${percentEncode(password)}@127.0.0.1:${cluster.port}/postgres?sslmode=disable`);
    expect(ci.password).toBe(password);
    expect(await whoami(ci)).toBe(user);
  });

  it("from the harness's own URL", async () => {
    expect(await whoami(parse(cluster.url({ user })))).toBe(user);
  });

  it('from a key=value string with libpq quoting', async () => {
    const s = `host=127.0.0.1 port=${cluster.port} dbname=postgres user=${user} password=${quoteConninfoValue(password)}`;
    expect(await whoami(parse(s))).toBe(user);
  });

  it('from a rendered subscription conninfo (the string CREATE SUBSCRIPTION gets)', async () => {
    const ci = parse(cluster.url({ user }));
    expect(await whoami(parse(toSubscriptionConninfo(ci, { includePassword: true })))).toBe(user);
  });

  it('from PGPASSWORD', async () => {
    const ci = parse(`host=127.0.0.1 port=${cluster.port} dbname=postgres user=${user}`, { env: { PGPASSWORD: password } });
    expect(ci.passwordSource).toBe('env');
    expect(await whoami(ci)).toBe(user);
  });

  it('from PG* variables alone', async () => {
    const env = { PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGUSER: user, PGPASSWORD: password, PGDATABASE: 'postgres' };
    expect(await whoami(parse('', { env }))).toBe(user);
  });

  it('from a 0600 passfile with escaped fields, matched on host, port, database and user', async () => {
    const file = path.join(home, 'pgpass');
    const line = ['127.0.0.1', String(cluster.port), 'postgres', escapePassfileField(user), escapePassfileField(password)].join(':');
    fs.writeFileSync(file, `# pgrepl test\n127.0.0.1:${cluster.port}:other:${user}:wrong\n${line}\n`, { mode: 0o600 });
    const ci = parse(`host=127.0.0.1 port=${cluster.port} dbname=postgres user=${user}`, { passfile: undefined, env: { PGPASSFILE: file } });
    expect(ci.passwordSource).toBe('passfile');
    expect(await whoami(ci)).toBe(user);
  });

  it('from ~/.pgpass for another database of the same server (looked up again per database)', async () => {
    const db = await cluster.createDatabase('conn_auth', { owner: user });
    const file = path.join(home, '.pgpass');
    fs.writeFileSync(file, `*:*:${db}:*:${escapePassfileField(password)}\n`, { mode: 0o600 });
    try {
      const ci = parse(`host=127.0.0.1 port=${cluster.port} dbname=postgres user=${user}`, { passfile: undefined });
      expect(ci.password).toBeUndefined();
      const c = await connect(ci, { side: 'source', database: db, env: { HOME: home } });
      try {
        expect((await c.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d).toBe(db);
      } finally {
        await c.end();
      }
    } finally {
      fs.rmSync(file);
      await cluster.dropDatabase(db);
    }
  });
});

describe('failures name the server and the password source, never the password', () => {
  it('a wrong password from the URL', async () => {
    const e = await refusal(parse(cluster.url({ user, password: WRONG_PASSWORD })));
    expect(e.message).toMatch(new RegExp(`could not connect to the source server postgres://${user}@127\\.0\\.0\\.1:${cluster.port}/postgres`));
    expect(e.message).toMatch(/password authentication failed .*28P01/);
    expect(e.hints.join('\n')).toMatch(/came from the connection string/);
    expect(fullText(e)).not.toContain(WRONG_PASSWORD);
  });

  it('a wrong password from a passfile', async () => {
    const file = path.join(home, 'wrong-pgpass');
    fs.writeFileSync(file, `*:*:*:*:${escapePassfileField(WRONG_PASSWORD)}\n`, { mode: 0o600 });
    const e = await refusal(parse(`host=127.0.0.1 port=${cluster.port} user=${user} dbname=postgres`, { passfile: file }));
    expect(e.hints.join('\n')).toContain(`the password file ${file}`);
    expect(fullText(e)).not.toContain(WRONG_PASSWORD);
  });

  it('no password anywhere', async () => {
    const e = await refusal(parse(`host=127.0.0.1 port=${cluster.port} user=${user} dbname=postgres`));
    expect(e.message).toMatch(/asked for a password, but none was found/);
  });

  it('a group-readable passfile is ignored with a warning, as libpq does', async () => {
    const file = path.join(home, 'loose-pgpass');
    fs.writeFileSync(file, `*:*:*:*:${escapePassfileField(password)}\n`);
    fs.chmodSync(file, 0o640);
    const warnings: string[] = [];
    const ci = parse(`host=127.0.0.1 port=${cluster.port} user=${user} dbname=postgres`, { passfile: file, onWarning: (m) => warnings.push(m) });
    expect(ci.password).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/group or world access/);
  });

  it('an unreachable port fails with the display name', async () => {
    const e = await refusal(parse(`host=127.0.0.1 port=1 user=${user} password=x dbname=postgres connect_timeout=2`));
    expect(e.message).toMatch(/could not connect to the source server postgres:\/\/src_owner@127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/);
  });

  it('the unix socket directory is a host like any other', async () => {
    // The harness trusts its socket: no password needed.
    const ci = parse(`host=${cluster.socketDir} port=${cluster.port} user=${user} dbname=postgres sslmode=require`);
    expect(await whoami(ci)).toBe(user);
  });
});
