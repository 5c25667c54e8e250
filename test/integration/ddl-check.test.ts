// checkDdlInRollback (the engine of `plan --check-ddl`) on real servers: the full fixture's create DDL checks clean
// on empty targets and leaves nothing behind (the independent catalog listing is the same before and after); DDL
// the target refuses fails with the object named, and also leaves nothing; what cannot be checked in a rolled-back
// transaction (non-transactional statements, uses of an enum value added in it) is reported as skipped.
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { checkDdlInRollback } from '../../src/pg/ddl/check-ddl.js';
import { DdlExecutionError } from '../../src/pg/ddl/execute.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import { type Cluster, getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { listCatalogs } from '../oracle/catalog-listing.js';
import { planWrite, readModel } from './schema-oracle-write.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';

const scratch = useScratchDatabases();

async function withClient<T>(cluster: Cluster, database: string, f: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await cluster.connect({ database });
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

const SETTINGS_SQL = "SELECT current_setting('search_path') AS search_path, current_setting('check_function_bodies') AS bodies, current_setting('lock_timeout') AS lock_timeout, pg_catalog.txid_current_if_assigned() AS xid";

const stmt = (sql: string, object: string, extra: Partial<DdlStatement> = {}): DdlStatement => ({ sql, transactional: true, phase: 'pre-data', object, ...extra });

describe.each([[15, 15], [17, 17], [15, 17]] as [Major, Major][])('the full fixture from PostgreSQL %i, checked on an empty %i', (from, to) => {
  it('checks every statement clean, skips none, and leaves the target as it was', async () => {
    const [source, target] = await Promise.all([getCluster({ major: from }), getCluster({ major: to })]);
    const sourceDb = await scratch(source, 'check_src');
    await loadSchemaFixture(source, sourceDb);
    const model = await readModel(source, sourceDb);
    const targetDb = await scratch(target, 'check_tgt');
    // The fixture's roles exist on both clusters (the fixture was loaded there): the create DDL alone is checked.
    const { statements } = await planWrite(model, target, targetDb, 'copy');
    expect(statements.length).toBeGreaterThan(300);
    const before = await listCatalogs(target, targetDb);
    await withClient(target, targetDb, async (client) => {
      const settings = (await client.query(SETTINGS_SQL)).rows;
      const result = await checkDdlInRollback(client, statements);
      expect(result).toEqual({ checked: statements.length, skipped: [] });
      // Same session, usable, outside any transaction, with its own settings back.
      expect((await client.query(SETTINGS_SQL)).rows).toEqual(settings);
    });
    expect(await listCatalogs(target, targetDb)).toEqual(before);
    expect(before.filter((l) => l.startsWith('relation|'))).toEqual([]);
  });
});

describe('DDL the target refuses', () => {
  it('the 17 fixture built as if for 17 fails on 15 at the first refused statement, with the object and SQLSTATE; nothing is left', async () => {
    const [source, target] = await Promise.all([getCluster({ major: 17 }), getCluster({ major: 15 })]);
    const sourceDb = await scratch(source, 'check_src');
    await loadSchemaFixture(source, sourceDb);
    const model = await readModel(source, sourceDb);
    const targetDb = await scratch(target, 'check_tgt');
    const existing = (await target.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles')).map((r) => r.rolname);
    // targetMajor overridden: the builders' own refusal is bypassed so 17-only constructs reach the 15 server.
    const { statements } = planCreateDdl(model, { roles: 'copy', targetMajor: 17, targetRole: target.superuser.user, targetDatabase: targetDb, existingRoles: existing });
    const before = await listCatalogs(target, targetDb);
    const error = await withClient(target, targetDb, (client) => checkDdlInRollback(client, statements).then(() => null, (e: unknown) => e));
    expect(error).toBeInstanceOf(DdlExecutionError);
    const e = error as DdlExecutionError;
    // The first 17-only construct in build order: a collation with the builtin provider.
    expect(e).toMatchObject({ address: 'collation:fx.builtin_c', code: '42P17', committed: 0 });
    expect(e.message).toMatch(/collation provider: builtin/);
    expect(statements.map((s) => s.sql)).toContain(e.statement);
    expect(e.address).toBe(statements.find((s) => s.sql === e.statement)?.object);
    expect(await listCatalogs(target, targetDb)).toEqual(before);
  });

  it('a hand-made broken statement fails with its object, SQLSTATE and position; earlier statements are rolled back', async () => {
    const target = await getCluster({ major: 15 });
    const targetDb = await scratch(target, 'check_tgt');
    const before = await listCatalogs(target, targetDb);
    const statements = [
      stmt('CREATE TABLE public.t (id integer PRIMARY KEY)', 'table:public.t'),
      stmt('CREATE VIEW public.v AS SELECT id, no_such_column FROM public.t', 'view:public.v'),
      stmt('CREATE TABLE public.never (id integer)', 'table:public.never'),
    ];
    const error = await withClient(target, targetDb, async (client) => {
      const caught = await checkDdlInRollback(client, statements).then(() => null, (e: unknown) => e);
      // The session is out of the aborted transaction and keeps working.
      expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      return caught;
    });
    expect(error).toBeInstanceOf(DdlExecutionError);
    const sql = statements[1]?.sql ?? '';
    expect(error).toMatchObject({ address: 'view:public.v', code: '42703', position: String(sql.indexOf('no_such_column') + 1), statement: sql, committed: 0 });
    expect(await listCatalogs(target, targetDb)).toEqual(before);
  });
});

describe('what a rolled-back transaction cannot check', () => {
  it('ADD VALUE: checked with the ADD VALUEs after it, the statements after it skipped with the reason; non-transactional ones skipped', async () => {
    const target = await getCluster({ major: 17 });
    const targetDb = await scratch(target, 'check_tgt');
    await target.query("CREATE TYPE public.mood AS ENUM ('ok')", [], targetDb);
    const before = await listCatalogs(target, targetDb);
    const addB = stmt("ALTER TYPE public.mood ADD VALUE 'b'", 'type:public.mood', { commitAfter: true });
    const addC = stmt("ALTER TYPE public.mood ADD VALUE 'c' AFTER 'b'", 'type:public.mood', { commitAfter: true });
    const useB = stmt("CREATE TABLE public.t (m public.mood DEFAULT 'b')", 'table:public.t');
    const database = stmt('CREATE DATABASE never_made_by_check', 'database:never_made_by_check', { transactional: false });
    const result = await withClient(target, targetDb, (client) => checkDdlInRollback(client, [stmt('CREATE TABLE public.u (id integer)', 'table:public.u'), database, addB, addC, useB]));
    expect(result.checked).toBe(3);
    expect(result.skipped.map((s) => [s.statement.object, s.reason])).toEqual([
      ['database:never_made_by_check', 'cannot run inside a transaction block, so it is not checked'],
      ['table:public.t', "follows ALTER TYPE public.mood ADD VALUE 'b': a value added to an enum cannot be used before it commits, and the check never commits; not checked"],
    ]);
    expect(await listCatalogs(target, targetDb)).toEqual(before);
    expect(await target.query("SELECT 1 FROM pg_database WHERE datname = 'never_made_by_check'")).toEqual([]);
    // Why skipping is the honest answer: the server refuses the use even behind a savepoint.
    await withClient(target, targetDb, async (client) => {
      await client.query('BEGIN');
      await client.query(addB.sql);
      await client.query('SAVEPOINT after_add');
      await expect(client.query(useB.sql)).rejects.toThrow(/unsafe use of new value "b"/);
      await client.query('ROLLBACK');
    });
  });
});
