// copyTables on real servers, 15 -> 15 and 15 -> 17: many types in parallel, generated columns, an inheritance
// parent, a filter, a target trigger that rewrites rows, the hostile database in text and binary. Every check
// compares source and target with SQL of its own (count and an ordered md5 of each row's text under fixed
// settings), never with the engine's numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, CopyError, exportSnapshot, type CopySummary, type CopyTable, type CopyTablesOptions } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { createHostileDatabase, getCluster, ident, literal, READER_ROLE, SOURCE_ROLE, type Cluster, type HostileDatabase } from '../harness/index.js';

const FIXED = "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET bytea_output = hex; ";

interface Fingerprint { readonly n: string; readonly h: string }

/** count(*) and md5 of every row's text in a fixed order, under fixed settings, as superuser (RLS bypassed). */
async function fingerprint(cluster: Cluster, database: string, relation: string, where = 'true'): Promise<Fingerprint> {
  const rows = await cluster.query<Fingerprint>(
    `${FIXED}SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS h FROM ONLY ${relation} t WHERE ${where}`,
    [], database,
  );
  const row = rows[0];
  if (row === undefined) throw new Error('no fingerprint row');
  return row;
}

const SCHEMA = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a integer, b text);
CREATE TABLE builtin_kinds (
  id integer PRIMARY KEY, n numeric, f4 real, f8 double precision, tstz timestamptz, iv interval, d date,
  b bytea, j json, jb jsonb, ia integer[], ta text[], m mood, p pair, r int4range, tr tstzrange, u uuid, t text
);
CREATE TABLE user_kinds (id integer PRIMARY KEY, ma mood[], pa pair[], note text);
CREATE TABLE generated (id integer PRIMARY KEY, a integer, doubled integer GENERATED ALWAYS AS (a * 2) STORED, z text);
CREATE TABLE animals (id integer, name text);
CREATE TABLE dogs (bark text) INHERITS (animals);
CREATE TABLE events (id integer PRIMARY KEY, kind text);
CREATE TABLE rewritten (id integer PRIMARY KEY, note text);
CREATE EXTENSION citext;
CREATE TABLE ext_kinds (id integer PRIMARY KEY, c citext, ca citext[], acl aclitem);
`;

const DATA = `
INSERT INTO builtin_kinds
SELECT i, (i * 1.0001)::numeric ^ 3, i / 7.0::real, i / 3.0::float8, timestamptz '2024-03-04 05:06:07.123456+00' + i * interval '1 hour 1 second',
       make_interval(0, i % 14, 0, -(i % 5), i % 25, 0, i / 1000.0), date '2024-03-04' + i,
       decode(md5(i::text), 'hex'), json_build_object('i', i, 'k', 'v '), jsonb_build_object('a', i, 'b', ARRAY[i, -i]),
       ARRAY[i, NULL, -i], ARRAY['x' || i, NULL, ''], (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood, ROW(i, 'p' || i)::pair,
       int4range(i, i + 10), tstzrange(timestamptz '2020-01-01+00' + i * interval '1 day', NULL),
       md5(i::text)::uuid, 'row ' || i || ' Grüße ☃ 𝄞'
  FROM generate_series(1, 3000) i;
INSERT INTO builtin_kinds (id, n, f4, f8, t, b, ta) VALUES
  (-1, 'NaN', 'NaN', 'NaN', '', '\\x', '{}'),
  (-2, '-0.000000000000000000001', 'Infinity', '-Infinity', E'ctl \\x01\\x02\\t\\n\\r\\x1b \\\\ \\\\N end', '\\x00ff', '{"\\\\N","a,b","{}"}'),
  (-3, 123456789012345678901234567890.12345, '-Infinity', 'Infinity', NULL, NULL, NULL),
  (-4, NULL, '-0', '-0', 'x', NULL, NULL);
INSERT INTO user_kinds SELECT i, ARRAY[(ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood, NULL], ARRAY[ROW(i, 'q')::pair], repeat('u', i % 50)
  FROM generate_series(1, 1000) i;
INSERT INTO generated (id, a, z) SELECT i, i, 'g' || i FROM generate_series(1, 1000) i;
INSERT INTO animals SELECT i, 'animal ' || i FROM generate_series(1, 100) i;
INSERT INTO dogs SELECT i, 'dog ' || i, 'woof' FROM generate_series(101, 150) i;
INSERT INTO events SELECT i, 'k' || i % 7 FROM generate_series(1, 3000) i;
INSERT INTO rewritten SELECT i, 'original ' || i FROM generate_series(1, 500) i;
INSERT INTO ext_kinds SELECT i, 'MiXed ' || i, ARRAY['A' || i, 'b']::citext[], makeaclitem('postgres'::regrole, 'postgres'::regrole, 'SELECT', i % 2 = 0) FROM generate_series(1, 200) i;
`;

// On the target only: a trigger that would rewrite every copied row.
const TARGET_TRIGGER = `
CREATE FUNCTION rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'rewritten'; RETURN NEW; END $$;
CREATE TRIGGER rewrite_rows BEFORE INSERT ON rewritten FOR EACH ROW EXECUTE FUNCTION rewrite();
`;

const BUILTIN_COLUMNS = ['id', 'n', 'f4', 'f8', 'tstz', 'iv', 'd', 'b', 'j', 'jb', 'ia', 'ta', 'm', 'p', 'r', 'tr', 'u', 't'];

function tables(): readonly CopyTable[] {
  const t = (table: string, columns: readonly string[], filter: string | null = null, estimatedBytes = 0): CopyTable =>
    ({ schema: 'public', table, columns, filter, truncateFirst: false, estimatedBytes });
  return [
    t('builtin_kinds', BUILTIN_COLUMNS, null, 3_000_000),
    t('user_kinds', ['id', 'ma', 'pa', 'note'], null, 200_000),
    t('generated', ['id', 'a', 'z']),
    t('animals', ['id', 'name']),
    t('dogs', ['id', 'name', 'bark']),
    t('events', ['id', 'kind'], 'id % 3 = 0'),
    t('rewritten', ['id', 'note']),
    t('ext_kinds', ['id', 'c', 'ca', 'acl']),
  ];
}

const CHECKED: readonly (readonly [string, string])[] = [
  ['public.builtin_kinds', 'true'], ['public.user_kinds', 'true'], ['public.generated', 'true'], ['public.animals', 'true'],
  ['public.dogs', 'true'], ['public.events', 'id % 3 = 0'], ['public.rewritten', 'true'], ['public.ext_kinds', 'true'],
];

async function copyWithSnapshot(options: Omit<CopyTablesOptions, 'snapshotId'>): Promise<CopySummary> {
  const holder = await exportSnapshot(options.source, options.sourceDatabase);
  try {
    return await copyTables({ ...options, snapshotId: holder.snapshotId });
  } finally {
    await holder.release();
  }
}

const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

describe.each([[15, 15], [15, 17]] as const)('copyTables %i -> %i', (sourceMajor, targetMajor) => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  const targets: string[] = [];

  beforeAll(async () => {
    source = await getCluster({ major: sourceMajor });
    target = await getCluster({ major: targetMajor });
    sourceDb = await source.createDatabase('copy_src');
    await source.query(SCHEMA + DATA, [], sourceDb);
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    for (const db of targets) await target.dropDatabase(db);
  });

  async function freshTarget(): Promise<string> {
    const db = await target.createDatabase('copy_tgt');
    targets.push(db);
    await target.query(SCHEMA + TARGET_TRIGGER, [], db);
    return db;
  }

  it.each(['auto', 'text'] as const)('copies every table exactly with 2 workers (format %s)', async (format) => {
    const targetDb = await freshTarget();
    const progress: string[] = [];
    const summary = await copyWithSnapshot({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      tables: tables(), workers: 2, format, onProgress: (p) => {
        if (p.done) progress.push(p.address);
      },
    });
    for (const [relation, where] of CHECKED) {
      expect(await fingerprint(target, targetDb, relation), relation).toEqual(await fingerprint(source, sourceDb, relation, where));
    }
    // The target computed the generated column; the trigger stayed silent and is still enabled.
    expect(await target.query('SELECT count(*)::int AS n FROM generated WHERE doubled <> a * 2', [], targetDb)).toEqual([{ n: 0 }]);
    expect(await target.query("SELECT count(*)::int AS n FROM rewritten WHERE note = 'rewritten'", [], targetDb)).toEqual([{ n: 0 }]);
    expect(await target.query("SELECT tgenabled::text AS e FROM pg_trigger WHERE tgname = 'rewrite_rows'", [], targetDb)).toEqual([{ e: 'O' }]);
    expect(summary.tables).toBe(8);
    expect([...progress].sort()).toEqual(tables().map((t) => `public.${t.table}`).sort());
    const formats = Object.fromEntries(summary.results.map((r) => [r.address, r.format]));
    if (format === 'auto') {
      // Enum/composite arrays go binary (their OIDs differ between the databases, and that is fine); an
      // extension type or a type without binary I/O makes its table text.
      expect(formats['public.builtin_kinds']).toBe('binary');
      expect(formats['public.user_kinds']).toBe('binary');
      expect(formats['public.ext_kinds']).toBe('text');
      expect(summary.results.find((r) => r.address === 'public.ext_kinds')?.formatReason).toMatch(/aclitem|citext/);
    } else {
      expect(new Set(Object.values(formats))).toEqual(new Set(['text']));
    }
    expect(summary.results.every((r) => r.triggerGuard === 'session_replication_role')).toBe(true);
    expect(summary.rows).toBe(3004 + 1000 + 1000 + 100 + 50 + 1000 + 500 + 200);
    expect(summary.bytes).toBeGreaterThan(0);
  });

  it('forced binary of a type without binary output fails naming the table and the server error', async () => {
    expect(await source.query("SELECT typsend::text AS s FROM pg_type WHERE oid = 'aclitem'::regtype", [], sourceDb)).toEqual([{ s: '-' }]);
    const targetDb = await freshTarget();
    const error = await copyWithSnapshot({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      tables: tables().filter((t) => t.table === 'ext_kinds' || t.table === 'events'), workers: 1, format: 'binary',
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    const copyError = error as CopyError;
    expect(copyError.address).toBe('public.ext_kinds');
    // Both sides refuse at the start of their COPY (no binary output / input function); whichever answers first.
    expect(['source', 'target']).toContain(copyError.side);
    expect(copyError.sqlstate).toBe('42883');
    expect(copyError.message).toMatch(/^copying public\.ext_kinds failed on the (source|target): .*binary (output|input) function.*aclitem.*\(SQLSTATE 42883\)$/);
    // Nothing of the unit's transaction is kept, and the failure stopped the other tables' copies too.
    expect(await target.query('SELECT count(*)::int AS n FROM ext_kinds', [], targetDb)).toEqual([{ n: 0 }]);
  });

  it('a source failure mid-stream names the table and the server error, and keeps nothing of the unit', async () => {
    const targetDb = await freshTarget();
    const error = await copyWithSnapshot({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      // Fails at id 1500, after about 500 rows went out.
      tables: tables().filter((t) => t.table === 'events').map((t) => ({ ...t, filter: 'id % 3 = 0 AND 100 / (id - 1500) > -1000' })),
      workers: 1, format: 'auto',
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect(error).toMatchObject({ address: 'public.events', side: 'source', sqlstate: '22012' });
    expect((error as CopyError).message).toBe('copying public.events failed on the source: division by zero (SQLSTATE 22012)');
    expect(await target.query('SELECT count(*)::int AS n FROM events', [], targetDb)).toEqual([{ n: 0 }]);
  });

  it('a target-side failure shows the server error fields and the failing row', async () => {
    const targetDb = await freshTarget();
    await target.query('ALTER TABLE events ADD CONSTRAINT no_big CHECK (id < 2000)', [], targetDb);
    const error = await copyWithSnapshot({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: sourceDb, targetDatabase: targetDb,
      tables: tables().filter((t) => t.table === 'events'), workers: 1, format: 'auto',
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    const copyError = error as CopyError;
    expect(copyError).toMatchObject({ address: 'public.events', side: 'target', sqlstate: '23514' });
    expect(copyError.message).toMatch(/copying public\.events failed on the target: .*no_big/);
    expect(copyError.hints.join('\n')).toMatch(/DETAIL: Failing row contains \(2001, k6\)/);
    expect(copyError.hints.join('\n')).toMatch(/CONTEXT: COPY events, line 667/);
    expect(await target.query('SELECT count(*)::int AS n FROM events', [], targetDb)).toEqual([{ n: 0 }]);
  });
});

describe('copyTables of the hostile database', () => {
  let source: Cluster;
  let target: Cluster;
  let hostile: HostileDatabase;
  const targets: string[] = [];
  const HOSTILE_TARGET_DDL = `
CREATE TABLE public.hostile_temporal (id integer PRIMARY KEY, d date, ts timestamp, tstz timestamptz, t time, ttz timetz, iv interval);
CREATE TABLE public.hostile_numbers (id integer PRIMARY KEY, f8 double precision, f4 real, n numeric);
CREATE TABLE public.hostile_bytes (id integer PRIMARY KEY, b bytea, txt text);
CREATE TABLE public.hostile_rls (id integer PRIMARY KEY, tenant text NOT NULL, classified boolean NOT NULL DEFAULT false, note text);`;
  const HOSTILE_TABLES: readonly CopyTable[] = [
    { schema: 'public', table: 'hostile_temporal', columns: ['id', 'd', 'ts', 'tstz', 't', 'ttz', 'iv'], filter: null, truncateFirst: false },
    { schema: 'public', table: 'hostile_numbers', columns: ['id', 'f8', 'f4', 'n'], filter: null, truncateFirst: false },
    { schema: 'public', table: 'hostile_bytes', columns: ['id', 'b', 'txt'], filter: null, truncateFirst: false },
    { schema: 'public', table: 'hostile_rls', columns: ['id', 'tenant', 'classified', 'note'], filter: null, truncateFirst: false },
  ];

  beforeAll(async () => {
    source = await getCluster({ major: 15 });
    target = await getCluster({ major: 17 });
    hostile = await createHostileDatabase(source);
  });
  afterAll(async () => {
    await source.dropDatabase(hostile.database);
    for (const db of targets) await target.dropDatabase(db);
  });

  async function freshTarget(): Promise<string> {
    const db = await target.createDatabase('copy_hostile');
    targets.push(db);
    await target.query(HOSTILE_TARGET_DDL, [], db);
    // The same hostile settings on the target database: pgrepl's sessions must win there too.
    await target.query(Object.entries(hostile.settings).map(([k, v]) => `ALTER DATABASE ${ident(db)} SET ${k} = ${literal(v)}`).join('; '));
    return db;
  }

  it.each(['text', 'binary'] as const)('copies every value exactly in %s format', async (format) => {
    const targetDb = await freshTarget();
    await copyWithSnapshot({
      source: parse(source.url()), target: parse(target.url()), sourceDatabase: hostile.database, targetDatabase: targetDb,
      tables: HOSTILE_TABLES, workers: 2, format,
    });
    for (const t of HOSTILE_TABLES) {
      const relation = `public.${t.table}`;
      expect(await fingerprint(target, targetDb, relation), relation).toEqual(await fingerprint(source, hostile.database, relation));
    }
    expect((await fingerprint(target, targetDb, 'public.hostile_rls')).n).toBe(String(hostile.rlsRows.total));
    // Spot checks that a swapped day/month or a rounded float would fail.
    expect(await target.query(`${FIXED}SELECT d::text AS d FROM hostile_temporal WHERE id = 1`, [], targetDb)).toEqual([{ d: '2024-03-04' }]);
    expect(await target.query(`${FIXED}SELECT f8::text AS f FROM hostile_numbers WHERE id = 1`, [], targetDb)).toEqual([{ f: '0.30000000000000004' }]);
  });

  it('a non-owner reading the RLS table gets an error naming it, never a silent subset; the owner copies the rest', async () => {
    const targetDb = await freshTarget();
    const rls = HOSTILE_TABLES.filter((t) => t.table === 'hostile_rls');
    const error = await copyWithSnapshot({
      source: parse(source.url({ database: hostile.database, user: READER_ROLE.user })), target: parse(target.url()),
      sourceDatabase: hostile.database, targetDatabase: targetDb, tables: rls, workers: 1, format: 'auto',
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CopyError);
    expect((error as CopyError).address).toBe('public.hostile_rls');
    expect((error as CopyError).side).toBe('source');
    expect((error as CopyError).sqlstate).toBe('42501');
    expect((error as CopyError).message).toMatch(/copying public\.hostile_rls failed on the source: .*row-level security/);
    expect(await target.query('SELECT count(*)::int AS n FROM hostile_rls', [], targetDb)).toEqual([{ n: 0 }]);

    const others = HOSTILE_TABLES.filter((t) => t.table !== 'hostile_rls');
    await copyWithSnapshot({
      source: parse(source.url({ database: hostile.database, user: SOURCE_ROLE.user })), target: parse(target.url()),
      sourceDatabase: hostile.database, targetDatabase: targetDb, tables: others, workers: 2, format: 'auto',
    });
    for (const t of others) {
      const relation = `public.${t.table}`;
      expect(await fingerprint(target, targetDb, relation), relation).toEqual(await fingerprint(source, hostile.database, relation));
    }
  });
});
