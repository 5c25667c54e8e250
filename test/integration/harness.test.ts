// The harness itself: every major starts, both auth profiles behave as promised, TLS verifies, the hostile
// database is hostile, scratch databases are guarded.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALL_MAJORS, type Cluster, createHostileDatabase, freePort, getCluster, HOSTILE_DATABASE_SETTINGS, type Major,
  SCRATCH_DATABASE_PATTERN, WRONG_PASSWORD,
} from '../harness/index.js';
import { embeddedPackageDir, hydrateEmbedded } from '../harness/binaries.js';

const startTimes = new Map<string, Cluster['startupMs']>();

async function timed(label: string, start: () => Promise<Cluster>): Promise<Cluster> {
  const cluster = await start();
  if (!startTimes.has(label)) startTimes.set(label, cluster.startupMs);
  return cluster;
}

afterAll(() => {
  if (startTimes.size === 0) return;
  const lines = [...startTimes].map(([label, ms]) => `  ${label.padEnd(18)} total ${ms.total} ms (tls ${ms.tls}, initdb ${ms.initdb}, start ${ms.start}, roles ${ms.bootstrap})`);
  console.log(`cluster start times:\n${lines.join('\n')}`);
});

async function expectLoginFails(cluster: Cluster, user: string, password: string): Promise<void> {
  await expect(cluster.connect({ user, password })).rejects.toMatchObject({ code: '28P01' });
}

async function one<T>(client: pg.Client, sql: string): Promise<T> {
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

describe('every major starts', () => {
  it.each(ALL_MAJORS.map((major) => [major]))('PostgreSQL %i answers select version() over TCP with logical WAL', async (major: Major) => {
    const cluster = await timed(`${major}`, () => getCluster({ major }));
    expect(cluster.major).toBe(major);
    expect(Number(cluster.version.split('.')[0])).toBe(major);
    const row = await one<{ version: string; num: string; wal_level: string; fsync: string; ssl: string }>(await cluster.connect(),
      "SELECT version(), current_setting('server_version_num') AS num, current_setting('wal_level') AS wal_level, current_setting('fsync') AS fsync, current_setting('ssl') AS ssl");
    expect(row.version).toMatch(new RegExp(`^PostgreSQL ${major}\\.`));
    expect(Math.floor(Number(row.num) / 10000)).toBe(major);
    expect(row.wal_level).toBe('logical');
    expect(row.fsync).toBe('off');
    expect(row.ssl).toBe('off');
    const [roles] = await cluster.query<{ src: boolean; tgt: boolean }>(
      "SELECT (SELECT rolreplication AND NOT rolsuper FROM pg_roles WHERE rolname = 'src_owner') AS src, (SELECT rolcreatedb AND NOT rolsuper FROM pg_roles WHERE rolname = 'tgt_user') AS tgt");
    expect(roles).toEqual({ src: true, tgt: true });
    // Cached: the same cluster comes back.
    expect(await getCluster({ major })).toBe(cluster);
  });
});

describe.each([15, 17] as const)('scram profile on PostgreSQL %i', (major) => {
  it('demands the right password over TCP from every role, raw and through url()', async () => {
    const cluster = await timed(`${major}-scram`, () => getCluster({ major, auth: 'scram' }));
    expect(cluster.auth).toBe('scram');
    for (const role of [cluster.superuser, cluster.roles.source, cluster.roles.target]) {
      expect(role.password).toMatch(/:/);
      for (const ch of [':', '\\', '@', '%', '/', "'", ' ']) expect(role.password).toContain(ch);
      await expectLoginFails(cluster, role.user, WRONG_PASSWORD);
      const row = await one<{ user: string }>(await cluster.connect({ user: role.user, password: role.password }), 'SELECT current_user AS user');
      expect(row.user).toBe(role.user);
      const viaUrl = new pg.Client({ connectionString: cluster.url({ user: role.user }) });
      await viaUrl.connect();
      expect((await one<{ user: string }>(viaUrl, 'SELECT current_user AS user')).user).toBe(role.user);
    }
    // A missing password is refused too (pg asks for one and gets nothing).
    await expect(cluster.connect({ user: cluster.roles.source.user, password: '' })).rejects.toThrow();
    // Passwords are stored as SCRAM verifiers.
    const stored = await cluster.query<{ rolname: string; scram: boolean }>(
      "SELECT rolname, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname IN ('postgres', 'src_owner', 'tgt_user') ORDER BY 1");
    expect(stored.map((r) => r.scram)).toEqual([true, true, true]);
  });

  it('demands the password on replication connections too', async () => {
    const cluster = await getCluster({ major, auth: 'scram' });
    const source = cluster.roles.source;
    const bad = new pg.Client(cluster.clientConfig({ user: source.user, password: WRONG_PASSWORD, replication: true }));
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
    const good = new pg.Client(cluster.clientConfig({ user: source.user, replication: true }));
    await good.connect();
    const row = await one<{ dbname: string }>(good, 'IDENTIFY_SYSTEM');
    expect(row.dbname).toBe('postgres');
  });

  it(`gives the target role pg_create_subscription only where it exists (16+)`, async () => {
    const cluster = await getCluster({ major, auth: 'scram' });
    const [row] = await cluster.query<{ member: boolean | null }>(
      "SELECT CASE WHEN to_regrole('pg_create_subscription') IS NULL THEN NULL ELSE pg_has_role('tgt_user', 'pg_create_subscription', 'MEMBER') END AS member");
    expect(row?.member).toBe(major >= 16 ? true : null);
  });
});

describe('trust profile', () => {
  it('lets every role in without a password', async () => {
    const cluster = await getCluster({ major: 15 });
    expect(cluster.superuser.password).toBe('');
    const row = await one<{ user: string }>(await cluster.connect({ user: cluster.roles.target.user, password: '' }), 'SELECT current_user AS user');
    expect(row.user).toBe('tgt_user');
    expect(cluster.url()).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
    expect(cluster.url({ user: 'src_owner', database: 'a b', params: { sslmode: 'disable' } }))
      .toBe(`postgres://src_owner:p%3Aa%5Css%40w%25rd%2F%20it%27s@127.0.0.1:${cluster.port}/a%20b?sslmode=disable`);
  });
});

describe('TLS', () => {
  it('verifies the server certificate against the CA by IP (verify-full) and refuses an unrelated CA', async () => {
    const cluster = await timed('15-tls', () => getCluster({ major: 15, tls: true }));
    expect(cluster.caCertPath && existsSync(cluster.caCertPath)).toBeTruthy();
    const ca = readFileSync(cluster.caCertPath ?? '');
    const row = await one<{ ssl: boolean }>(await cluster.connect({ ssl: { ca, rejectUnauthorized: true } }),
      'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(row.ssl).toBe(true);
    // Plain TCP is still allowed on a tls (not tlsOnly) cluster: sslmode=disable and prefer both have a server to talk to.
    const plain = await one<{ ssl: boolean }>(await cluster.connect(), 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(plain.ssl).toBe(false);
    const otherCa = readFileSync(cluster.otherCaCertPath ?? '');
    await expect(cluster.connect({ ssl: { ca: otherCa, rejectUnauthorized: true } })).rejects.toThrow(/certificate/i);
  });

  it('libpq (psql) accepts sslmode=verify-full with sslrootcert and the percent-encoded scram password', async () => {
    const psql = spawnSync('psql', ['--version'], { encoding: 'utf8' });
    if (psql.status !== 0) return; // the client package is optional on developer machines; CI installs it
    const cluster = await timed('17-scram-tlsonly', () => getCluster({ major: 17, auth: 'scram', tls: true, tlsOnly: true }));
    const run = (params: Record<string, string>, user = cluster.roles.source.user) => spawnSync('psql', [
      cluster.url({ user, params }), '-XAtc', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    ], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    const full = run({ sslmode: 'verify-full', sslrootcert: cluster.caCertPath ?? '' });
    expect(full.stderr).toBe('');
    expect(full.stdout.trim()).toBe('t');
    expect(run({ sslmode: 'verify-ca', sslrootcert: cluster.otherCaCertPath ?? '' }).status).not.toBe(0);
    // tlsOnly: a plain connection is rejected by pg_hba.
    const plain = run({ sslmode: 'disable' });
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toMatch(/no encryption|pg_hba/);
    // Node's pg, same cluster, verify-full semantics.
    const client = await cluster.connect({ user: cluster.roles.target.user, ssl: { ca: readFileSync(cluster.caCertPath ?? '') } });
    expect((await one<{ ssl: boolean }>(client, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).ssl).toBe(true);
  });
});

describe('hostile source database', () => {
  it.each([
    [12, 'trust'], [15, 'scram'], [18, 'trust'],
  ] as const)('on PostgreSQL %i (%s) has its settings in a fresh session, an RLS table the non-owner reads partially, and a sequence it cannot read', async (major, auth) => {
    const cluster = await getCluster({ major, auth });
    const hostile = await createHostileDatabase(cluster);
    try {
      expect(hostile.database).toMatch(SCRATCH_DATABASE_PATTERN);
      const session = await cluster.connect({ database: hostile.database });
      try {
        for (const [name, value] of Object.entries(HOSTILE_DATABASE_SETTINGS)) {
          const { rows } = await session.query<{ v: string }>(`SELECT current_setting('${name}') AS v`);
          expect(rows[0]?.v, name).toBe(value);
        }
        const { rows } = await session.query<{ d: string; f: string; iv: string }>(
          "SELECT d::text AS d, f8::text AS f, iv::text AS iv FROM public.hostile_temporal t JOIN public.hostile_numbers n USING (id) WHERE id = 1");
        expect(rows[0]).toEqual({ d: '04/03/2024', f: '0.3', iv: '+1-2 +3 +4:05:06.789' });
      } finally {
        await session.end();
      }
      const count = async (user: string, sql = `SELECT count(*)::int AS n FROM ${hostile.rlsTable}`) =>
        (await one<{ n: number }>(await cluster.connect({ database: hostile.database, user }), sql)).n;
      expect(await count(hostile.nonOwner.user)).toBe(hostile.rlsRows.visibleToNonOwner);
      expect(await count(hostile.owner.user)).toBe(hostile.rlsRows.total);
      expect(await count(cluster.superuser.user)).toBe(hostile.rlsRows.total);
      // With row_security = off a policy-bound reader gets an error instead of a silent subset; forced RLS binds the owner too.
      for (const user of [hostile.nonOwner.user, hostile.owner.user]) {
        const client = await cluster.connect({ database: hostile.database, user });
        await client.query('SET row_security = off');
        await expect(one(client, `SELECT * FROM ${hostile.rlsTable}`)).rejects.toMatchObject({ code: '42501' });
      }
      const seq = await one<{ last: string | null }>(await cluster.connect({ database: hostile.database, user: hostile.nonOwner.user }),
        "SELECT last_value::text AS last FROM pg_sequences WHERE schemaname = 'public' AND sequencename = 'hostile_seq'");
      expect(seq.last).toBeNull();
      const owned = await cluster.query<{ owner: string }>(
        "SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S')", [], hostile.database);
      expect(owned).toEqual([{ owner: 'src_owner' }]);
    } finally {
      await cluster.dropDatabase(hostile.database);
    }
  });
});

describe('scratch databases', () => {
  it('are named by the pattern, cloned from templates, and nothing else can be dropped', async () => {
    const cluster = await getCluster({ major: 15 });
    const template = await cluster.ensureTemplate('harness_fixture', 'CREATE TABLE fixture (id int PRIMARY KEY); INSERT INTO fixture VALUES (1), (2)');
    expect(await cluster.ensureTemplate('harness_fixture', 'SELECT 1')).toBe(template);
    const a = await cluster.createDatabase('My-App', { template, owner: cluster.roles.target.user });
    const b = await cluster.createDatabase(undefined, { template });
    expect(a).toMatch(SCRATCH_DATABASE_PATTERN);
    expect(a).toMatch(/^pgrepl_t_my_app_/);
    expect(b).not.toBe(a);
    expect(await cluster.query('SELECT id FROM fixture ORDER BY id', [], a)).toEqual([{ id: 1 }, { id: 2 }]);
    for (const name of ['postgres', 'template1', template, 'pgrepl_t_x; DROP DATABASE postgres', 'PGREPL_T_X', 'app']) {
      await expect(cluster.dropDatabase(name)).rejects.toThrow(/refuses to drop/);
    }
    await cluster.dropDatabase(a);
    await cluster.dropDatabase(b);
    await cluster.dropDatabase(b); // idempotent
    const left = await cluster.query('SELECT datname FROM pg_database WHERE datname IN ($1, $2)', [a, b]);
    expect(left).toEqual([]);
  });

  it.each([12, 15, 18] as const)('are dropped on PostgreSQL %i even with a subscription, an open session and a logical slot in them', async (major) => {
    const cluster = await getCluster({ major });
    const name = await cluster.createDatabase('leftovers');
    await cluster.query(`CREATE SUBSCRIPTION leftover_sub CONNECTION '${cluster.url()}' PUBLICATION nothing WITH (connect = false)`, [], name);
    await cluster.query("SELECT pg_create_logical_replication_slot('leftover_slot', 'pgoutput')", [], name);
    const session = await cluster.connect({ database: name });
    session.on('error', () => undefined); // it gets terminated
    await cluster.dropDatabase(name);
    expect(await cluster.query("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'leftover_slot'")).toEqual([]);
    await session.end().catch(() => undefined);
  });
});

describe('cluster lifecycle', () => {
  it('starts with wal_level = replica on request, restarts with new settings, stops and removes its directory', async () => {
    const cluster = await timed('16-replica', () => getCluster({ major: 16, walLevel: 'replica', settings: { max_connections: '30' } }));
    const show = async () => (await cluster.query<{ w: string; m: string }>(
      "SELECT current_setting('wal_level') AS w, current_setting('max_connections') AS m"))[0];
    expect(await show()).toEqual({ w: 'replica', m: '30' });
    await cluster.restart({ wal_level: 'logical' });
    expect(await show()).toEqual({ w: 'logical', m: '30' });
    const pid = Number(readFileSync(`${cluster.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    await cluster.stop();
    expect(existsSync(cluster.socketDir)).toBe(false);
    // Gone, not just a zombie: a live postmaster has its data directory as cwd.
    expect(() => readlinkSync(`/proc/${pid}/cwd`)).toThrow();
    await expect(cluster.query('SELECT 1')).rejects.toThrow(/stopped/);
    const again = await getCluster({ major: 16, walLevel: 'replica', settings: { max_connections: '30' } });
    expect(again).not.toBe(cluster);
    await again.stop();
  });

  it('recreates the embedded packages\' library links when npm skipped their postinstall', () => {
    const copy = mkdtempSync(join(tmpdir(), 'pgrepl-hydrate-'));
    try {
      const pkg = embeddedPackageDir(12);
      for (const part of ['package.json', 'scripts', 'native']) cpSync(join(pkg, part), join(copy, part), { recursive: true, verbatimSymlinks: true });
      const links = JSON.parse(readFileSync(join(copy, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) rmSync(join(copy, link.target), { force: true });
      const postgres = join(copy, 'native', 'bin', 'postgres');
      expect(spawnSync(postgres, ['--version']).status).not.toBe(0); // libicu*.so.60 etc. are links
      expect(hydrateEmbedded(12, copy)).toBe(links.length);
      expect(hydrateEmbedded(12, copy)).toBe(0); // idempotent
      expect(spawnSync(postgres, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/PostgreSQL\) 12\./);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('hands out free ports', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
    expect(port).toBeLessThan(65536);
  });
});
