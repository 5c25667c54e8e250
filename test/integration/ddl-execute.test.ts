// executeDdl on real servers: transactions around runs of statements, a committed enum value before its use,
// non-transactional statements alone, the server's error fields on a failure, session settings restored; a
// transaction sent as few multi-statement strings, and on a failure re-run one statement at a time so the error
// names the exact statement with its own position.
import type pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  /** Counts the session's round trips (client.query calls). */
  function countQueries(client: pg.Client): () => number {
    const spy = vi.spyOn(client, 'query');
    return () => spy.mock.calls.length;
  }
  // executeDdl's own queries around the statements: read the settings, set them, restore them.
  const OWN_QUERIES = 3;

  it('sends a transaction in few round trips and names a failing statement in the middle of a large one exactly', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    const many = (prefix: string, n: number): DdlStatement[] =>
      Array.from({ length: n }, (_, i) => stmt(`CREATE TABLE public.${prefix}_${i} (id integer PRIMARY KEY, note text DEFAULT 'n;${i}')`, { object: `table:public.${prefix}_${i}` }));
    const bad = stmt('CREATE TABLE public.bad (a integer, b public.no_such_type)', { object: 'table:public.bad' });
    const limits = { statements: 50, bytes: 1_048_576 };
    let error: unknown;
    try {
      const queries = countQueries(client);
      const ok = await executeDdl(client, [...many('ok', 120), stmt('CREATE TABLE public.last_ok (a integer)', { commitAfter: true })], { limits });
      expect(ok.executed).toBe(121);
      // 121 statements in one transaction, 50 a string: 3 round trips.
      expect(queries()).toBe(OWN_QUERIES + 3);
      const seen: number[] = [];
      await executeDdl(client, [
        stmt('CREATE TABLE public.committed_first (a integer)', { commitAfter: true }),
        ...many('t', 150), bad, ...many('u', 100),
      ], { limits, onStatement: (_s, index) => seen.push(index) });
      expect.unreachable();
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    const e = error as DdlExecutionError;
    expect(e.code).toBe('42704');
    expect(e.message).toBe('type "public.no_such_type" does not exist');
    expect(e.ddl).toBe(bad);
    expect(e.statement).toBe(bad.sql);
    expect(e.address).toBe('table:public.bad');
    // Its own position, not the position in the string it was sent in.
    expect(e.position).toBe(String('CREATE TABLE public.bad (a integer, b '.length + 1));
    expect(e.committed).toBe(1);
    const tables = await cluster.query<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname !~ '^ok_' ORDER BY 1", [], database,
    );
    expect(tables.map((t) => t.relname)).toEqual(['committed_first', 'last_ok']);
    expect(await cluster.query<{ n: number }>("SELECT count(*)::integer AS n FROM pg_class WHERE relname ~ '^ok_[0-9]+$'", [], database)).toEqual([{ n: 120 }]);
  });

  it('names a syntax error (which stops the whole string before it runs) with its own position', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    const broken = stmt('CREATE TABLE public.broken (a integer,, b integer)', { object: 'table:public.broken' });
    let error: unknown;
    try {
      await executeDdl(client, [stmt('CREATE TABLE public.a (a integer)'), broken, stmt('CREATE TABLE public.b (a integer)')]);
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    expect((error as DdlExecutionError).code).toBe('42601');
    expect((error as DdlExecutionError).ddl).toBe(broken);
    expect((error as DdlExecutionError).position).toBe(String('CREATE TABLE public.broken (a integer,'.length + 1));
    expect((error as DdlExecutionError).committed).toBe(0);
    expect(await cluster.query("SELECT relname FROM pg_class WHERE relname IN ('a', 'b', 'broken')", [], database)).toEqual([]);
  });

  it('joins statements with ; inside literals, dollar quotes, comments and BEGIN ATOMIC bodies, or ending in ; or a line comment', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    try {
      const queries = countQueries(client);
      const statements = [
        stmt("CREATE TABLE public.semi (a text DEFAULT 'x;y', b text DEFAULT E'it\\'s; \\n fine')"),
        stmt("COMMENT ON TABLE public.semi IS 'a; b -- not a comment /* nor this */'"),
        stmt("CREATE FUNCTION public.g() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN 'p;q' || $$;$$; END $body$"),
        stmt('CREATE FUNCTION public.h() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END'),
        stmt('CREATE TABLE public.line_comment (a integer) -- a trailing comment; with a semicolon'),
        stmt('/* a; block */ CREATE TABLE public."we;ird" (";" integer) /* trailing; */'),
        stmt('CREATE TABLE public.trailing_semicolon (a integer);'),
        stmt("SELECT pg_catalog.set_config('pgrepl.test_after', 'reached;', false)"),
      ];
      expect((await executeDdl(client, statements)).executed).toBe(statements.length);
      expect(queries()).toBe(OWN_QUERIES + 1);
      const row = (await client.query<{ a: string; b: string; c: string; g: string; h: number; after: string }>(
        `SELECT (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.semi'::regclass AND adnum = 1) AS a,
                (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.semi'::regclass AND adnum = 2) AS b,
                obj_description('public.semi'::regclass, 'pg_class') AS c, public.g() AS g, public.h() AS h,
                current_setting('pgrepl.test_after') AS after`,
      )).rows[0];
      expect(row).toEqual({ a: "'x;y'::text", b: "'it''s; \n fine'::text", c: 'a; b -- not a comment /* nor this */', g: 'p;q;', h: 2, after: 'reached;' });
      const tables = await cluster.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname IN ('line_comment', 'we;ird', 'trailing_semicolon') ORDER BY 1", [], database);
      expect(tables.map((t) => t.relname)).toEqual(['line_comment', 'trailing_semicolon', 'we;ird']);
    } finally {
      await client.end();
    }
  });

  it('runs a non-transactional statement alone between transactions, and counts what was committed', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    const bad = stmt('ALTER TABLE public.t3 ADD COLUMN b public.no_such_type', { object: 'table:public.t3' });
    let error: unknown;
    try {
      await executeDdl(client, [
        stmt('CREATE TABLE public.t1 (a integer)'),
        stmt('CREATE TABLE public.t2 (a integer)'),
        // Fails inside a transaction block (and inside a multi-statement string, an implicit one).
        stmt('CREATE INDEX CONCURRENTLY t1_a ON public.t1 (a)', { transactional: false, phase: 'post-data' }),
        stmt('CREATE TABLE public.t3 (a integer)'),
        bad,
      ]);
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    expect((error as DdlExecutionError).ddl).toBe(bad);
    expect((error as DdlExecutionError).committed).toBe(3);
    const tables = await cluster.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname IN ('t1', 't2', 't3', 't1_a') ORDER BY 1", [], database);
    expect(tables.map((t) => t.relname)).toEqual(['t1', 't1_a', 't2']);
  });

  it('blames a deferred check failing at COMMIT of a multi-string transaction on its last statement, after earlier commits', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    const last = stmt('CREATE TABLE public.z (a integer)', { object: 'table:public.z' });
    let error: unknown;
    try {
      await executeDdl(client, [
        stmt("CREATE TYPE public.mood AS ENUM ('sad')"),
        stmt("ALTER TYPE public.mood ADD VALUE 'happy'", { commitAfter: true }),
        stmt('CREATE TABLE public.p (id integer PRIMARY KEY)'),
        stmt('CREATE TABLE public.c (pid integer REFERENCES public.p DEFERRABLE INITIALLY DEFERRED)'),
        stmt('INSERT INTO public.c VALUES (1)', { object: 'table:public.c' }),
        stmt('CREATE TABLE public.y (a integer)'),
        last,
      ], { limits: { statements: 2, bytes: 1_048_576 } });
    } catch (e) {
      error = e;
    } finally {
      await client.end();
    }
    expect(error).toBeInstanceOf(DdlExecutionError);
    expect((error as DdlExecutionError).code).toBe('23503');
    expect((error as DdlExecutionError).ddl).toBe(last);
    expect((error as DdlExecutionError).committed).toBe(2);
    expect(await cluster.query("SELECT relname FROM pg_class WHERE relname IN ('p', 'c', 'y', 'z')", [], database)).toEqual([]);
    expect(await cluster.query("SELECT enumlabel FROM pg_enum WHERE enumtypid = 'public.mood'::regtype ORDER BY enumsortorder", [], database))
      .toEqual([{ enumlabel: 'sad' }, { enumlabel: 'happy' }]);
  });

  it('carries on when the re-run of a failed transaction succeeds (an error that does not recur)', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    // A sequence is not transactional: the first attempt divides by zero, the re-run does not.
    await client.query('CREATE SEQUENCE public.attempts');
    try {
      const queries = countQueries(client);
      const result = await executeDdl(client, [
        stmt('CREATE TABLE public.before (a integer)'),
        stmt('SELECT 1 / (pg_catalog.nextval(\'public.attempts\') - 1)'),
        stmt('CREATE TABLE public.after (a integer)'),
      ]);
      expect(result.executed).toBe(3);
      // The string, ROLLBACK, then BEGIN, three statements and COMMIT.
      expect(queries()).toBe(OWN_QUERIES + 1 + 1 + 5);
    } finally {
      await client.end();
    }
    const tables = await cluster.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname IN ('before', 'after') ORDER BY 1", [], database);
    expect(tables.map((t) => t.relname)).toEqual(['after', 'before']);
  });

  it('does not re-run on a session that is gone (a cancel cuts the socket): the error surfaces at once', async () => {
    const { cluster, database } = await scratch();
    const client = await cluster.connect({ database });
    client.on('error', () => undefined);
    const first = stmt('CREATE TABLE public.gone (a integer)');
    const began = performance.now();
    setTimeout(() => client.connection.stream.destroy(), 300);
    const error = await executeDdl(client, [first, stmt('SELECT pg_catalog.pg_sleep(30)'), stmt('CREATE TABLE public.never (a integer)')])
      .then(() => undefined, (e: unknown) => e);
    expect(performance.now() - began).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(DdlExecutionError);
    // Which statement was running is unknown: the first of the string in flight.
    expect((error as DdlExecutionError).ddl).toBe(first);
    expect((error as DdlExecutionError).committed).toBe(0);
    // The backend notices the lost client only when it next writes to it: end it here.
    await cluster.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()", [database]);
    expect(await cluster.query("SELECT relname FROM pg_class WHERE relname IN ('gone', 'never')", [], database)).toEqual([]);
  });
});
