// executeDdl on real servers: transactions around runs of statements, a committed enum value before its use,
// non-transactional statements alone, the server's error fields on a failure, session settings restored.
import { afterAll, describe, expect, it } from 'vitest';
import { DdlExecutionError, executeDdl } from '../../src/pg/ddl/execute.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import { type Cluster, getCluster, type Major } from '../harness/index.js';

const created: { cluster: Cluster; database: string }[] = [];
afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

function stmt(sql: string, extra: Partial<DdlStatement> = {}): DdlStatement {
  return { sql, transactional: true, phase: 'pre-data', object: 'table:public.t', ...extra };
}

describe.each([15, 18] as Major[])('executeDdl on PostgreSQL %i', (major) => {
  async function scratch(): Promise<{ cluster: Cluster; database: string }> {
    const cluster = await getCluster({ major });
    const database = await cluster.createDatabase('ddl_exec');
    created.push({ cluster, database });
    return { cluster, database };
  }

  it('runs with search_path empty and check_function_bodies off, commits ADD VALUE before its use, restores the session', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    try {
      const before = (await client.query<{ sp: string }>("SELECT current_setting('search_path') AS sp")).rows[0]?.sp;
      const seen: string[] = [];
      const result = await executeDdl(client, [
        stmt("CREATE TYPE public.mood AS ENUM ('sad')"),
        stmt("ALTER TYPE public.mood ADD VALUE 'happy'", { commitAfter: true }),
        // Uses the new value: fails with "unsafe use of new value" unless the ADD VALUE was committed.
        stmt("CREATE TABLE public.t (m public.mood DEFAULT 'happy'::public.mood)"),
        // Unqualified name inside a body: accepted only because check_function_bodies is off.
        stmt('CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT count(*)::integer FROM not_yet_there $$'),
        stmt('CREATE INDEX CONCURRENTLY t_m ON public.t (m)', { transactional: false, phase: 'post-data' }),
        stmt("SELECT pg_catalog.set_config('pgrepl.test_seen', current_setting('search_path'), false)"),
      ], { onStatement: (s) => seen.push(s.sql.slice(0, 12)) });
      expect(result.executed).toBe(6);
      expect(seen).toHaveLength(6);
      const row = (await client.query<{ seen: string; sp: string; cfb: string }>(
        "SELECT current_setting('pgrepl.test_seen') AS seen, current_setting('search_path') AS sp, current_setting('check_function_bodies') AS cfb",
      )).rows[0];
      expect(row).toEqual({ seen: '', sp: before, cfb: 'on' });
      const idx = await cluster.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_m'::regclass", [], database);
      expect(idx).toEqual([{ indisvalid: true }]);
    } finally {
      await client.end();
    }
  });

  it('throws the statement, object key and server fields, and rolls back the open transaction', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    let error: unknown;
    try {
      await executeDdl(client, [
        stmt('CREATE TABLE public.committed_first (a integer)', { commitAfter: true }),
        stmt('CREATE TABLE public.rolled_back (a integer)'),
        stmt('CREATE TABLE public.bad (a public.no_such_type)', { object: 'table:public.bad' }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    const e = error as DdlExecutionError;
    expect(e.code).toBe('42704');
    expect(e.message).toBe('type "public.no_such_type" does not exist');
    expect(e.statement).toBe('CREATE TABLE public.bad (a public.no_such_type)');
    expect(e.address).toBe('table:public.bad');
    expect(e.position).toBe(String('CREATE TABLE public.bad (a '.length + 1));
    expect(e.committed).toBe(1);
    const tables = await cluster.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname IN ('committed_first', 'rolled_back') ORDER BY 1", [], database);
    expect(tables.map((t) => t.relname)).toEqual(['committed_first']);
  });

  it('reports a check that fails at COMMIT against the transaction\'s last statement, with nothing left behind', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    let error: unknown;
    try {
      await executeDdl(client, [
        stmt('CREATE TABLE public.p (id integer PRIMARY KEY)'),
        stmt('CREATE TABLE public.c (pid integer REFERENCES public.p DEFERRABLE INITIALLY DEFERRED)'),
        stmt('INSERT INTO public.c VALUES (1)', { object: 'table:public.c' }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    expect((error as DdlExecutionError).code).toBe('23503');
    expect((error as DdlExecutionError).statement).toBe('INSERT INTO public.c VALUES (1)');
    expect((error as DdlExecutionError).committed).toBe(0);
    expect(await cluster.query("SELECT relname FROM pg_class WHERE relname IN ('p', 'c')", [], database)).toEqual([]);
  });
});

