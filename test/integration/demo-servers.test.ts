// The demo's own machinery on real binaries: two throwaway servers, the sample database, the spec, and a
// cleanup that leaves no directory and no postmaster behind. Also the npm-packaged binaries as the fallback.
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoServers, DEMO_DIR_PREFIX } from '../../src/demo/demo-servers.js';
import { demoSpecText } from '../../src/demo/demo-spec.js';
import { binariesUsableBy, findServerBinaries } from '../../src/pg/local-server/server-binaries.js';
import { LocalServer } from '../../src/pg/local-server/local-server.js';
import { serverOsUser } from '../../src/pg/local-server/os-user.js';
import { countRows, loadSampleDatabase } from '../../src/pg/local-server/sample-database.js';
import { SAMPLE_DATABASE, SAMPLE_TABLES } from '../../src/pg/local-server/sample-shop.js';
import { loadSpecFile } from '../../src/spec/load.js';

const SEARCH_FROM = fileURLToPath(new URL('../../src/demo/', import.meta.url));

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function query<T extends pg.QueryResultRow>(port: number, database: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

// A parent of our own, so the check for leftovers sees only this file's directories.
// Enterable by the server user, as $TMPDIR is (mkdtemp makes it 0700).
const parent = await mkdtemp(join(tmpdir(), 'pgrepl-demo-test-'));
chmodSync(parent, 0o711);
afterAll(() => rm(parent, { recursive: true, force: true }));

describe('demo servers', () => {
  it('start, hold the sample database and a valid spec, and leave nothing behind', async () => {
    const servers = DemoServers.create(parent);
    expect(servers.root.startsWith(join(parent, DEMO_DIR_PREFIX))).toBe(true);
    let pids: number[] = [];
    try {
      await servers.start({ searchFrom: SEARCH_FROM });
      const { source, target } = servers;
      if (!source || !target) throw new Error('servers missing');
      pids = [postmasterPid(source.dataDir), postmasterPid(target.dataDir)];
      expect(pids.every(alive)).toBe(true);
      expect(source.port).not.toBe(target.port);

      const [settings] = await query<{ wal_level: string; listen: string; fsync: string; socket: string }>(
        source.port,
        'postgres',
        "SELECT current_setting('wal_level') AS wal_level, current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync, current_setting('unix_socket_directories') AS socket",
      );
      expect(settings).toEqual({ wal_level: 'logical', listen: '127.0.0.1', fsync: 'off', socket: source.dir });
      expect(existsSync(join(source.dir, `.s.PGSQL.${source.port}`))).toBe(true);

      await loadSampleDatabase(source);
      const counts = await countRows(source, SAMPLE_DATABASE, SAMPLE_TABLES);
      const byName = Object.fromEntries(SAMPLE_TABLES.map((t, i) => [`${t.schema}.${t.table}`, counts[i]]));
      expect(byName).toMatchObject({
        'inventory.suppliers': 12,
        'inventory.warehouses': 4,
        'inventory.products': 120,
        'inventory.stock': 480,
        'sales.customers': 250,
        'sales.orders': 1500,
        'sales.events': 2000,
        'sales.leads': 400,
        'archive.orders_2019': 600,
      });
      expect(byName['sales.order_lines']).toBeGreaterThan(2500);
      const [window] = await query<{ recent: string; test: string }>(
        source.port,
        SAMPLE_DATABASE,
        "SELECT (SELECT count(*) FROM sales.events WHERE created_at >= now() - interval '90 days') AS recent, (SELECT count(*) FROM sales.leads WHERE region = 'test') AS test",
      );
      expect(window).toEqual({ recent: '246', test: '80' });
      // The target has no shop yet: every table reads as missing.
      expect(await countRows(target, SAMPLE_DATABASE, SAMPLE_TABLES)).toEqual(SAMPLE_TABLES.map(() => null));

      servers.writeSpec(demoSpecText({ sourceUrl: source.url(), targetUrl: target.url() }));
      const spec = await loadSpecFile(servers.specPath, {});
      expect(spec.databases.map((d) => d.key)).toEqual([SAMPLE_DATABASE]);
    } finally {
      await servers.cleanup();
    }
    expect(existsSync(servers.root)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('cleanup after a failed start removes everything too', async () => {
    const servers = DemoServers.create(parent);
    await expect(servers.start({ searchFrom: SEARCH_FROM, binDir: join(parent, 'nowhere') })).rejects.toThrow(/--bin-dir .* has no initdb/);
    await servers.cleanup();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('fall back to the npm-packaged binaries (and stop with the blocking cleanup)', async () => {
    const binaries = await findServerBinaries({ searchFrom: SEARCH_FROM, skipMachine: true });
    expect(binaries.origin).toBe('npm');
    expect(binaries.major).toBeGreaterThanOrEqual(17);
    const servers = DemoServers.create(parent);
    let pid = 0;
    try {
      const user = await serverOsUser();
      const dir = join(servers.root, 'one');
      mkdirSync(dir);
      const server = await LocalServer.start({ binaries, user, dir });
      servers.source = server;
      pid = postmasterPid(server.dataDir);
      const [row] = await query<{ v: string }>(server.port, 'postgres', "SELECT current_setting('server_version_num') AS v");
      expect(Math.floor(Number(row?.v) / 10000)).toBe(binaries.major);
    } finally {
      // The blocking variant, as the demo's 'exit' hook uses it.
      servers.cleanupSync();
    }
    expect(readdirSync(parent)).toEqual([]);
    for (let i = 0; i < 50 && alive(pid); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)('as root, binaries the server user cannot reach are copied into the demo directory', async () => {
    const found = await findServerBinaries({ searchFrom: SEARCH_FROM, skipMachine: true });
    // A checkout under /root: a directory only root can enter.
    const hidden = await mkdtemp(join(tmpdir(), 'pgrepl-demo-hidden-'));
    const servers = DemoServers.create(parent);
    try {
      cpSync(join(found.binDir, '..'), join(hidden, 'native'), { recursive: true, verbatimSymlinks: true });
      const unreachable = { ...found, binDir: join(hidden, 'native', 'bin') };
      const user = await serverOsUser();
      const usable = await binariesUsableBy(user, unreachable, servers.root);
      expect(usable.binDir).toBe(join(servers.root, 'pgsql', 'bin'));
      const dir = join(servers.root, 'one');
      mkdirSync(dir);
      servers.source = await LocalServer.start({ binaries: usable, user, dir });
      const [row] = await query<{ ok: number }>(servers.source.port, 'postgres', 'SELECT 1 AS ok');
      expect(row?.ok).toBe(1);
    } finally {
      await servers.cleanup();
      await rm(hidden, { recursive: true, force: true });
    }
    expect(readdirSync(parent)).toEqual([]);
  });
});
