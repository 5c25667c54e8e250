// Pooler detection against a real PgBouncer in transaction mode (Debian's pgbouncer package; the tests are
// skipped when it is not installed) and against a direct server, which must not be flagged.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, PoolerError } from '../../src/pg/connect.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { detectPooler, replicationRefusal, sharedBackendEvidence, snapshotImportEvidence } from '../../src/pg/pooler.js';
import { type Cluster, freePort, getCluster } from '../harness/index.js';
import { chownToServer, serverEnv, serverUser } from '../harness/server-user.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const START_TIMEOUT_MS = 10_000;
const haveBouncer = fs.existsSync(PGBOUNCER);

interface Bouncer {
  readonly port: number;
  readonly child: ChildProcess;
}

let cluster: Cluster;
let dir: string;
const bouncers: Bouncer[] = [];

/** PgBouncer in transaction mode in front of `cluster`, run as the server OS user (it refuses root). */
async function startBouncer(name: string, extra: Record<string, string> = {}): Promise<Bouncer> {
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: path.join(dir, 'userlist.txt'),
    pool_mode: 'transaction',
    logfile: path.join(dir, `${name}.log`),
    pidfile: path.join(dir, `${name}.pid`),
    ...extra,
  };
  const ini = [
    '[databases]',
    `* = host=127.0.0.1 port=${cluster.port}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
  const iniPath = path.join(dir, `${name}.ini`);
  fs.writeFileSync(iniPath, ini);
  chownToServer(iniPath);
  const user = serverUser();
  const child = spawn(PGBOUNCER, [iniPath], {
    env: serverEnv(),
    stdio: 'ignore',
    ...(user.switchUser ? { uid: user.uid, gid: user.gid } : {}),
  });
  const bouncer = { port, child };
  bouncers.push(bouncer);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      const log = fs.existsSync(settings['logfile'] as string) ? fs.readFileSync(settings['logfile'] as string, 'utf8') : '';
      throw new Error(`pgbouncer did not start on port ${port}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return bouncer;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
const bouncerUrl = (b: Bouncer): string => `postgres://postgres@127.0.0.1:${b.port}/postgres?sslmode=disable`;
/** A raw node-postgres session through the pooler, without pgrepl's startup options, to drive single probes. */
const rawOpen = (b: Bouncer, extra: pg.ClientConfig = {}) => async (): Promise<pg.Client> => {
  const client = new pg.Client({ host: '127.0.0.1', port: b.port, user: 'postgres', database: 'postgres', ...extra });
  await client.connect();
  return client;
};

beforeAll(async () => {
  cluster = await getCluster({ major: 15 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-conn-pooler-'));
  fs.chmodSync(dir, 0o755);
  chownToServer(dir);
  fs.writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
  chownToServer(path.join(dir, 'userlist.txt'));
});

afterAll(async () => {
  for (const b of bouncers) {
    if (b.child.exitCode === null) {
      const exited = new Promise((r) => b.child.once('exit', r));
      b.child.kill('SIGTERM');
      await exited;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a direct server', () => {
  it('is not flagged', async () => {
    const detection = await detectPooler(parse(cluster.url()));
    expect(detection).toEqual({ pooled: false, notes: [] });
  });

  it('is not flagged when the role may not open replication connections (a note says so)', async () => {
    const scram = await getCluster({ major: 15, auth: 'scram' });
    // tgt_user has no REPLICATION attribute.
    const detection = await detectPooler(parse(scram.url({ user: 'tgt_user' }) + '?sslmode=disable'));
    expect(detection.pooled).toBe(false);
    if (!detection.pooled) expect(detection.notes.join('\n')).toMatch(/replication connection not checked: .*(replication|REPLICATION)/);
  });
});

describe.skipIf(!haveBouncer)('PgBouncer in transaction mode', () => {
  it('is detected when it refuses the options startup parameter', async () => {
    const bouncer = await startBouncer('strict');
    const detection = await detectPooler(parse(bouncerUrl(bouncer)));
    expect(detection.pooled).toBe(true);
    if (detection.pooled) {
      expect(detection.evidence).toMatch(/unsupported startup parameter: options/);
      expect(detection.error.message).toMatch(/points at a connection pooler, not at PostgreSQL itself/);
      expect(detection.error.hints.join('\n')).toMatch(/PgBouncer, Neon and Supabase pooled URLs/);
      expect(detection.error.hints.join('\n')).toMatch(/direct \(non-pooled\) URL/);
    }
    await expect(connect(parse(bouncerUrl(bouncer)), { side: 'source' })).rejects.toBeInstanceOf(PoolerError);
  });

  it('is detected when it swallows the options startup parameter (ignore_startup_parameters)', async () => {
    const bouncer = await startBouncer('lenient', { ignore_startup_parameters: 'options, extra_float_digits' });
    const detection = await detectPooler(parse(bouncerUrl(bouncer)));
    expect(detection.pooled).toBe(true);
    if (detection.pooled) expect(detection.evidence).toMatch(/did not apply pgrepl's session settings/);
  });

  it('each probe on its own: replication refused, backends shared; snapshot import still works in transaction mode', async () => {
    const bouncer = bouncers.find((b) => b.child.exitCode === null) ?? (await startBouncer('probes'));
    // @types/pg does not declare `replication`; node-postgres sends it as a startup parameter.
    const replication = await replicationRefusal(rawOpen(bouncer, { replication: 'database' } as pg.ClientConfig));
    expect(replication.pooled).toBe(true);
    expect(await sharedBackendEvidence(rawOpen(bouncer))).toMatch(/server backend/);
    // The exporting transaction pins its backend and the importer gets another one to the same server, so this
    // probe only catches statement mode and multi-server poolers; the two above catch transaction mode.
    expect(await snapshotImportEvidence(rawOpen(bouncer))).toBeNull();
  });
});
