// copyTables under concurrent writes, cancellation and injected faults (15 -> 17): all tables are read as of one
// exported snapshot; a cancel or a failure leaves no half-copied unit on the target and no session behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { copyTables, CopyCancelledError, CopyError, exportSnapshot, InjectedFaultError, type CopyTable } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { getCluster, type Cluster } from '../harness/index.js';

const FIXED = "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET bytea_output = hex; ";
const FINGERPRINT = (relation: string): string =>
  `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS h FROM ONLY ${relation} t`;

interface Fingerprint { readonly n: string; readonly h: string }

async function fingerprint(cluster: Cluster, database: string, relation: string): Promise<Fingerprint> {
  const [row] = await cluster.query<Fingerprint>(FIXED + FINGERPRINT(relation), [], database);
  if (row === undefined) throw new Error('no row');
  return row;
}

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
const table = (name: string, columns: readonly string[], over: Partial<CopyTable> = {}): CopyTable =>
  ({ schema: 'public', table: name, columns, filter: null, truncateFirst: false, ...over });

/** Sessions of pgrepl (application_name) still connected to a database. */
async function pgreplSessions(cluster: Cluster, database: string): Promise<number> {
  const [row] = await cluster.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgrepl' AND datname = $1", [database]);
  return row?.n ?? -1;
}

/** Backends go away asynchronously after their socket closes: poll briefly. */
async function waitNoSessions(cluster: Cluster, database: string): Promise<number> {
  const deadline = Date.now() + 5_000;
  let n = await pgreplSessions(cluster, database);
  while (n !== 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    n = await pgreplSessions(cluster, database);
  }
  return n;
}

describe('copyTables snapshot, cancel and faults (15 -> 17)', () => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  const targets: string[] = [];

  beforeAll(async () => {
    source = await getCluster({ major: 15 });
    target = await getCluster({ major: 17 });
    sourceDb = await source.createDatabase('copy_snap');
    await source.query(`
      CREATE TABLE a (id bigserial PRIMARY KEY, batch integer NOT NULL, v text);
      CREATE TABLE b (id bigserial PRIMARY KEY, batch integer NOT NULL, v text);
      INSERT INTO a (batch, v) SELECT 0, repeat('a', 40) || g FROM generate_series(1, 100000) g;
      INSERT INTO b (batch, v) SELECT 0, repeat('b', 40) || g FROM generate_series(1, 100000) g;
      CREATE TABLE big (id integer PRIMARY KEY, payload text);
      INSERT INTO big SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 300000) g;
      CREATE TABLE parent (id integer PRIMARY KEY, name text);
      CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent, note text);
      INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 2000) g;
      INSERT INTO child SELECT g, 1 + g % 2000, 'c' || g FROM generate_series(1, 5000) g;
    `, [], sourceDb);
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    for (const db of targets) await target.dropDatabase(db);
  });

  async function freshTarget(extra = ''): Promise<string> {
    const db = await target.createDatabase('copy_snap_tgt');
    targets.push(db);
    await target.query(`
      CREATE TABLE a (id bigint PRIMARY KEY, batch integer NOT NULL, v text);
      CREATE TABLE b (id bigint PRIMARY KEY, batch integer NOT NULL, v text);
      CREATE TABLE big (id integer PRIMARY KEY, payload text);
      CREATE TABLE parent (id integer PRIMARY KEY, name text);
      CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent, note text);
      ${extra}`, [], db);
    return db;
  }

  it('reads every table as of the snapshot while a writer keeps inserting into two tables in one transaction', async () => {
    const targetDb = await freshTarget();
    const writer = await source.connect({ database: sourceDb });
    let writing = true;
    let commits = 0;
    const loop = (async () => {
      while (writing) {
        commits += 1;
        await writer.query(`BEGIN; INSERT INTO a (batch, v) SELECT ${commits}, 'w' || g FROM generate_series(1, 50) g;
          INSERT INTO b (batch, v) SELECT ${commits}, 'w' || g FROM generate_series(1, 50) g; COMMIT`);
      }
    })();
    const waitCommits = async (n: number): Promise<void> => {
      const until = commits + n;
      while (commits < until) await new Promise((r) => setTimeout(r, 5));
    };
    let holderReleased = false;
    try {
      await waitCommits(5);
      const holder = await exportSnapshot(parse(source.url()), sourceDb);
      try {
        // The oracle reads the same snapshot on a session of its own.
        const oracle: pg.Client = await source.connect({ database: sourceDb });
        let expected: { readonly a: Fingerprint; readonly b: Fingerprint };
        try {
          await oracle.query(FIXED + 'BEGIN ISOLATION LEVEL REPEATABLE READ');
          await oracle.query(`SET TRANSACTION SNAPSHOT '${holder.snapshotId}'`);
          expected = {
            a: (await oracle.query<Fingerprint>(FINGERPRINT('a'))).rows[0] as Fingerprint,
            b: (await oracle.query<Fingerprint>(FINGERPRINT('b'))).rows[0] as Fingerprint,
          };
          await oracle.query('COMMIT');
        } finally {
          await oracle.end();
        }
        // Commits land between the export and the workers' start, and during the copy.
        await waitCommits(5);
        const seenDuring = commits;
        await copyTables({
          source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
          snapshotId: holder.snapshotId, tables: [table('a', ['id', 'batch', 'v']), table('b', ['id', 'batch', 'v'])],
          workers: 2, format: 'auto',
        });
        expect(commits).toBeGreaterThan(seenDuring);
        expect(await fingerprint(target, targetDb, 'a')).toEqual(expected.a);
        expect(await fingerprint(target, targetDb, 'b')).toEqual(expected.b);
        expect(expected.a.n).toBe(expected.b.n);
      } finally {
        await holder.release();
        holderReleased = true;
      }
    } finally {
      writing = false;
      await loop;
      await writer.end();
    }
    expect(holderReleased).toBe(true);
    // The source moved on after the snapshot: the copy is not simply "everything".
    const [now] = await source.query<{ n: string }>('SELECT count(*)::text AS n FROM a', [], sourceDb);
    const copied = await fingerprint(target, targetDb, 'a');
    expect(Number(now?.n)).toBeGreaterThan(Number(copied.n));
  });

  it('copies in a replication slot\'s exported snapshot (EXPORT_SNAPSHOT) given as an id', async () => {
    const targetDb = await freshTarget();
    const slot = `pgrepl_t_copy_${process.pid}`;
    const replication = await source.connect({ database: sourceDb, replication: true });
    let slotCreated = false;
    try {
      const created = await replication.query<{ snapshot_name: string; consistent_point: string }>(
        `CREATE_REPLICATION_SLOT ${slot} LOGICAL pgoutput EXPORT_SNAPSHOT`);
      slotCreated = true;
      const snapshotId = created.rows[0]?.snapshot_name ?? '';
      // Rows written after the slot's snapshot must not be copied (they reach the target through the stream).
      await source.query("INSERT INTO parent VALUES (-5, 'after the slot')", [], sourceDb);
      await copyTables({
        source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
        snapshotId, tables: [table('parent', ['id', 'name'])], workers: 1, format: 'auto',
      });
      await source.query('DELETE FROM parent WHERE id = -5', [], sourceDb);
    } finally {
      await replication.end();
      if (slotCreated) await source.query('SELECT pg_drop_replication_slot($1)', [slot]);
    }
    expect(await fingerprint(target, targetDb, 'parent')).toEqual(await fingerprint(source, sourceDb, 'parent'));
  });

  it('the snapshot session outlives an idle_in_transaction_session_timeout set on the source database', async () => {
    const targetDb = await freshTarget();
    await source.query(`ALTER DATABASE ${sourceDb} SET idle_in_transaction_session_timeout = '200ms'`);
    try {
      const holder = await exportSnapshot(parse(source.url()), sourceDb);
      try {
        // Idle in its transaction for three times the timeout; the workers still import the snapshot.
        await new Promise((r) => setTimeout(r, 600));
        await copyTables({
          source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
          snapshotId: holder.snapshotId, tables: [table('parent', ['id', 'name'])], workers: 1, format: 'auto',
        });
      } finally {
        await holder.release();
      }
    } finally {
      await source.query(`ALTER DATABASE ${sourceDb} RESET idle_in_transaction_session_timeout`);
    }
    expect(await fingerprint(target, targetDb, 'parent')).toEqual(await fingerprint(source, sourceDb, 'parent'));
  });

  it('a snapshot whose holder is gone fails with a message saying so, leaving no session', async () => {
    const targetDb = await freshTarget();
    const holder = await exportSnapshot(parse(source.url()), sourceDb);
    await holder.release();
    const error = await copyTables({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      snapshotId: holder.snapshotId, tables: [table('parent', ['id', 'name']), table('child', ['id', 'parent_id', 'note'])],
      workers: 2, format: 'auto',
    }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toMatch(/^could not start a copy worker in snapshot .*: invalid snapshot identifier/);
    expect((error as { hints?: readonly string[] }).hints).toContain('the session that exported the snapshot must stay open until the copy ends');
    expect(await waitNoSessions(target, targetDb)).toBe(0);
    expect(await waitNoSessions(source, sourceDb)).toBe(0);
  });

  it('a cancel stops the running COPYs, rolls the target back and leaves no session on either server', async () => {
    const targetDb = await freshTarget();
    const holder = await exportSnapshot(parse(source.url()), sourceDb);
    const controller = new AbortController();
    let abortedAt = 0;
    const outcome = await copyTables({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      snapshotId: holder.snapshotId, tables: [table('big', ['id', 'payload']), table('a', ['id', 'batch', 'v'])],
      workers: 2, format: 'text', signal: controller.signal,
      onProgress: (p) => {
        if (p.address === 'public.big' && p.rows > 0 && !controller.signal.aborted) {
          abortedAt = performance.now();
          controller.abort(new Error('SIGINT'));
        }
      },
    }).then(() => undefined, (e: unknown) => e);
    const settledMs = performance.now() - abortedAt;
    await holder.release();
    expect(abortedAt).toBeGreaterThan(0);
    expect(outcome).toBeInstanceOf(CopyCancelledError);
    expect(settledMs).toBeLessThan(5_000);
    expect(await target.query('SELECT (SELECT count(*) FROM big)::int AS big, (SELECT count(*) FROM a)::int AS a', [], targetDb)).toEqual([{ big: 0, a: 0 }]);
    expect(await waitNoSessions(target, targetDb)).toBe(0);
    expect(await waitNoSessions(source, sourceDb)).toBe(0);
  });

  it('an injected mid-copy fault rolls back the whole unit, TRUNCATE included (PGREPL_FAULT)', async () => {
    const targetDb = await freshTarget(`
      INSERT INTO parent VALUES (-1, 'kept'); INSERT INTO child VALUES (-1, -1, 'kept');
      INSERT INTO big VALUES (-1, 'kept');`);
    const holder = await exportSnapshot(parse(source.url()), sourceDb);
    process.env['PGREPL_FAULT'] = 'mid-copy:3000';
    let outcome: unknown;
    try {
      outcome = await copyTables({
        source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
        snapshotId: holder.snapshotId,
        tables: [
          // parent (2,000 rows, below the fault) is copied and committed to its unit first; child then fails mid-stream.
          table('parent', ['id', 'name'], { group: 'fk', truncateFirst: true, estimatedBytes: 1 }),
          table('child', ['id', 'parent_id', 'note'], { group: 'fk', truncateFirst: true }),
          table('big', ['id', 'payload'], { truncateFirst: true }),
        ],
        workers: 2, format: 'binary',
      }).then(() => undefined, (e: unknown) => e);
    } finally {
      delete process.env['PGREPL_FAULT'];
      await holder.release();
    }
    expect(outcome).toBeInstanceOf(CopyError);
    expect((outcome as CopyError).side).toBe('local');
    expect((outcome as CopyError).cause).toBeInstanceOf(InjectedFaultError);
    expect(['public.child', 'public.big']).toContain((outcome as CopyError).address);
    // Every unit kept exactly what it held before: the TRUNCATEs and partial COPYs were rolled back.
    expect(await target.query("SELECT string_agg(name, ',') AS p FROM parent", [], targetDb)).toEqual([{ p: 'kept' }]);
    expect(await target.query("SELECT string_agg(note, ',') AS c FROM child", [], targetDb)).toEqual([{ c: 'kept' }]);
    expect(await target.query("SELECT string_agg(payload, ',') AS b FROM big", [], targetDb)).toEqual([{ b: 'kept' }]);
    expect(await waitNoSessions(target, targetDb)).toBe(0);
    expect(await waitNoSessions(source, sourceDb)).toBe(0);
  });

  it('re-copies an FK closure as one group: one TRUNCATE of both tables (no CASCADE) in the load transaction', async () => {
    const targetDb = await freshTarget(`
      INSERT INTO parent VALUES (-1, 'stale'); INSERT INTO child VALUES (-1, -1, 'stale');`);
    // Truncating the referenced table alone is refused: that is why the group exists.
    await expect(target.query('TRUNCATE ONLY parent', [], targetDb)).rejects.toThrow(/referenced in a foreign key/);
    const holder = await exportSnapshot(parse(source.url()), sourceDb);
    try {
      const summary = await copyTables({
        source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
        snapshotId: holder.snapshotId,
        tables: [
          table('child', ['id', 'parent_id', 'note'], { group: 'fk', truncateFirst: true }),
          table('parent', ['id', 'name'], { group: 'fk', truncateFirst: true }),
          table('big', ['id', 'payload'], { estimatedBytes: 10_000_000 }),
        ],
        workers: 2, format: 'auto',
      });
      expect(summary.tables).toBe(3);
    } finally {
      await holder.release();
    }
    for (const relation of ['parent', 'child', 'big']) {
      expect(await fingerprint(target, targetDb, relation), relation).toEqual(await fingerprint(source, sourceDb, relation));
    }
  });
});
