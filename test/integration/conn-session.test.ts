// Session settings hold on a hostile database (its ALTER DATABASE settings lose to pgrepl's startup options),
// source sessions are READ ONLY except inside withSourceWrite()/probeInRollback(), and replication connections
// work under the same settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connect } from '../../src/pg/connect.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { probeInRollback, withClient, withSourceWrite } from '../../src/pg/session.js';
import { type Cluster, createHostileDatabase, getCluster, type HostileDatabase } from '../harness/index.js';

const EXPECTED_SETTINGS = {
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '3',
  TimeZone: 'UTC',
  bytea_output: 'hex',
  client_encoding: 'UTF8',
  statement_timeout: '0',
  idle_in_transaction_session_timeout: '0',
  application_name: 'pgrepl',
};

let cluster: Cluster;
let hostile: HostileDatabase;
let ci: ConnInfo;
const scratch: string[] = [];

beforeAll(async () => {
  cluster = await getCluster({ major: 15 });
  hostile = await createHostileDatabase(cluster);
  ci = parseConnString(cluster.url({ database: hostile.database }), { env: {}, passfile: null });
});
afterAll(async () => {
  for (const db of scratch) await cluster.dropDatabase(db);
});

async function settings(client: pg.Client, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const r = await client.query<{ v: string }>('SELECT current_setting($1) AS v', [name]);
    out[name] = r.rows[0]?.v ?? '';
  }
  return out;
}

async function tableExists(database: string, name: string): Promise<boolean> {
  const rows = await cluster.query<{ n: string }>('SELECT count(*) AS n FROM pg_class WHERE relname = $1', [name], database);
  return rows[0]?.n === '1';
}

describe('session settings', () => {
  it('hold on a database with hostile ALTER DATABASE settings, on both sides', async () => {
    for (const side of ['source', 'target'] as const) {
      await withClient(ci, { side }, async (c) => {
        expect(await settings(c, [...Object.keys(EXPECTED_SETTINGS), 'idle_session_timeout'])).toEqual({
          ...EXPECTED_SETTINGS,
          idle_session_timeout: '0',
        });
        // The text a COPY would produce: ISO dates, full float precision, hex bytea.
        const r = await c.query<{ d: string; f: string; b: string; iv: string }>(
          "SELECT d::text AS d, (0.1::float8 + 0.2::float8)::text AS f, '\\x00ff'::bytea::text AS b, " +
            "'1 day 02:00'::interval::text AS iv FROM public.hostile_temporal WHERE id = 1",
        );
        expect(r.rows[0]).toEqual({ d: '2024-03-04', f: '0.30000000000000004', b: '\\x00ff', iv: '1 day 02:00:00' });
      });
    }
  });

  it('run without JIT unless the user\'s own options turn it on (a default, not a fixed setting)', async () => {
    for (const side of ['source', 'target'] as const) {
      await withClient(ci, { side }, async (c) => {
        expect(await settings(c, ['jit'])).toEqual({ jit: 'off' });
      });
    }
    const plain = await cluster.query<{ v: string }>("SELECT current_setting('jit') AS v", [], hostile.database);
    expect(plain[0]?.v).toBe('on');
    const withJit = parseConnString(cluster.url({ database: hostile.database, params: { options: '-c jit=on' } }), { env: {}, passfile: null });
    await withClient(withJit, { side: 'source' }, async (c) => {
      expect(await settings(c, ['jit', 'DateStyle'])).toEqual({ jit: 'on', DateStyle: 'ISO, MDY' });
    });
  });

  it('the database really is hostile for a plain session', async () => {
    const rows = await cluster.query<{ v: string }>("SELECT current_setting('DateStyle') AS v", [], hostile.database);
    expect(rows[0]?.v).toBe('SQL, DMY');
  });

  it('source sessions add row_security=off and READ ONLY; target sessions do not', async () => {
    await withClient(ci, { side: 'source' }, async (c) => {
      expect(await settings(c, ['row_security', 'default_transaction_read_only', 'transaction_read_only'])).toEqual({
        row_security: 'off',
        default_transaction_read_only: 'on',
        transaction_read_only: 'on',
      });
    });
    await withClient(ci, { side: 'target' }, async (c) => {
      expect(await settings(c, ['row_security', 'default_transaction_read_only'])).toEqual({
        row_security: 'on',
        default_transaction_read_only: 'off',
      });
    });
  });

  it('a session idle inside a transaction survives a short idle_in_transaction_session_timeout of the database', async () => {
    const db = await cluster.createDatabase('conn_idle');
    scratch.push(db);
    await cluster.query(`ALTER DATABASE ${db} SET idle_in_transaction_session_timeout = '100ms'`);
    await cluster.query(`ALTER DATABASE ${db} SET idle_session_timeout = '100ms'`);
    await withClient(ci, { side: 'source', database: db }, async (c) => {
      await new Promise((r) => setTimeout(r, 300));
      await c.query('BEGIN');
      await new Promise((r) => setTimeout(r, 300));
      await c.query('SELECT 1');
      await c.query('COMMIT');
    });
  });

  it('PostgreSQL 12 (no idle_session_timeout) gets the same settings', async () => {
    const old = await getCluster({ major: 12 });
    const oldCi = parseConnString(old.url(), { env: {}, passfile: null });
    await withClient(oldCi, { side: 'source' }, async (c) => {
      expect(await settings(c, Object.keys(EXPECTED_SETTINGS))).toEqual(EXPECTED_SETTINGS);
      expect((await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v).toMatch(/^12/);
    });
  });
});

describe('source writes', () => {
  it('a plain write on a source session fails as read-only', async () => {
    await withClient(ci, { side: 'source' }, async (c) => {
      await expect(c.query('CREATE TABLE conn_should_fail (id int)')).rejects.toMatchObject({ code: '25006' });
    });
    expect(await tableExists(hostile.database, 'conn_should_fail')).toBe(false);
  });

  it('withSourceWrite commits; probeInRollback always leaves nothing', async () => {
    await withClient(ci, { side: 'source' }, async (c) => {
      await withSourceWrite(c, (tx) => tx.query('CREATE TABLE conn_written (id int)'));
      expect(await tableExists(hostile.database, 'conn_written')).toBe(true);
      await withSourceWrite(c, (tx) => tx.query('DROP TABLE conn_written'));

      const inside = await probeInRollback(c, async (tx) => {
        await tx.query('CREATE TABLE conn_probe (id int)');
        await tx.query('CREATE PUBLICATION conn_probe_pub FOR TABLE conn_probe');
        return (await tx.query<{ n: string }>("SELECT count(*) AS n FROM pg_publication WHERE pubname = 'conn_probe_pub'")).rows[0]?.n;
      });
      expect(inside).toBe('1');
      expect(await tableExists(hostile.database, 'conn_probe')).toBe(false);

      await expect(
        probeInRollback(c, async (tx) => {
          await tx.query('CREATE TABLE conn_probe2 (id int)');
          throw new Error('probe failed');
        }),
      ).rejects.toThrow('probe failed');
      expect(await tableExists(hostile.database, 'conn_probe2')).toBe(false);
      // The session is back to READ ONLY and usable.
      expect(c.getTransactionStatus()).toBe('I');
      await expect(c.query('CREATE TABLE conn_should_fail (id int)')).rejects.toMatchObject({ code: '25006' });
    });
  });

  it('withSourceWrite rolls back when fn throws, and refuses to commit a transaction aborted behind its back', async () => {
    await withClient(ci, { side: 'source' }, async (c) => {
      await expect(
        withSourceWrite(c, async (tx) => {
          await tx.query('CREATE TABLE conn_rolled (id int)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await tableExists(hostile.database, 'conn_rolled')).toBe(false);
      await expect(
        withSourceWrite(c, async (tx) => {
          await tx.query('CREATE TABLE conn_rolled (id int)');
          await tx.query('SELECT 1/0').catch(() => undefined);
        }),
      ).rejects.toThrow(/rolled back/);
      expect(await tableExists(hostile.database, 'conn_rolled')).toBe(false);
    });
  });

  it('refuses to nest a probe inside an open transaction', async () => {
    await withClient(ci, { side: 'source' }, async (c) => {
      await c.query('BEGIN');
      await expect(probeInRollback(c, async () => 1)).rejects.toThrow(/inside another transaction/);
      await c.query('ROLLBACK');
    });
  });
});

describe('replication connections', () => {
  it('create a slot with an exported snapshot under READ ONLY source settings; another session imports it', async () => {
    const repl = await connect(ci, { side: 'source', replication: true });
    const reader = await connect(ci, { side: 'source' });
    try {
      const ident = await repl.query<{ systemid: string }>('IDENTIFY_SYSTEM');
      expect(ident.rows[0]?.systemid).toMatch(/^\d+$/);
      const slot = await repl.query<{ snapshot_name: string }>('CREATE_REPLICATION_SLOT conn_test_slot TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT');
      const snapshot = slot.rows[0]?.snapshot_name ?? '';
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await reader.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      const r = await reader.query<{ n: string }>('SELECT count(*) AS n FROM public.hostile_temporal');
      expect(Number(r.rows[0]?.n)).toBeGreaterThan(0);
      await reader.query('COMMIT');
    } finally {
      await reader.end();
      await repl.end();
    }
  });
});
