// Issue 6's "Done when" for `pgrepl verify`, end to end through the built CLI (15 -> 17). After `apply` copies a
// database, each case changes the target behind pgrepl's back (or not) and checks that verify reports exactly the
// right keys, in `--json` (src/verify/types.ts) and in the text output, with the right exit code:
// equal tables (0), a changed / missing / extra row (2), NULL vs '' swapped, json whitespace (json differs, jsonb
// does not), a changed point, a filtered table (a target row outside the filter is extra; source rows outside it are
// not missing), an empty table, keyless tables (whole-table check, no drill-down; a duplicated row; a change XOR
// would cancel), a `--sample` run, a table missing on the target (1); a text key on databases whose default
// collations order keys differently; and verify during streaming under write load (no false difference; a
// difference injected on the target during the load is found).
// Every verdict is also checked with the test's own SQL (verify-helpers.ts: row text by key, or hashes from
// e2e-helpers.ts), never with pgrepl's hashing code.
import { afterAll, describe, expect, it } from 'vitest';
import { createSyncFixture, startWriteLoad, syncFixtureSettings, type WriteLoad } from '../harness/index.js';
import { expectSameRows, show, useE2eDatabase } from './e2e-helpers.js';
import {
  expectTextNamesKeys, keyLists, sortKeys, sqlKeyDiff, sqlSameMultiset, tableOf, textAbout, verifyBoth, verifyJson, type ReportJson, type TableJson, type VerifyRun,
} from './verify-helpers.js';

// Small chunks so that a few hundred rows make several chunks (bisection and --sample have something to pick).
// (PGREPL_VERIFY_CHUNK_ROWS / PGREPL_VERIFY_LEAF_ROWS, read by src/cli/commands/verify.ts; leaves of 16 rows make bisection run.)
/** verify under write load drills every moving chunk down: on a loaded 2-core CI machine it took over 120 s. */
const STREAMING_TIMEOUT_MS = 360_000;
const CHUNK_ENV: NodeJS.ProcessEnv = { PGREPL_VERIFY_CHUNK_ROWS: '100', PGREPL_VERIFY_LEAF_ROWS: '16', PGREPL_VERIFY_WHOLE_FIRST: '0' };

const FILTER = 'region = 1';

const SQL = `
  CREATE TABLE public.same (id int PRIMARY KEY, name text, at timestamptz, price numeric, tags text[]);
  INSERT INTO public.same SELECT g, 'n' || g, '2026-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', g / 7.0, ARRAY['a', NULL, 'b' || g]
    FROM generate_series(1, 250) g;
  CREATE TABLE public.rows3 (id int PRIMARY KEY, name text, qty int);
  INSERT INTO public.rows3 SELECT g, 'r' || g, g % 10 FROM generate_series(1, 300) g;
  CREATE TABLE public.nulls (id int PRIMARY KEY, t text);
  INSERT INTO public.nulls SELECT g, CASE g WHEN 7 THEN NULL WHEN 8 THEN '' ELSE 'x' || g END FROM generate_series(1, 20) g;
  CREATE TABLE public.js (id int PRIMARY KEY, j json);
  INSERT INTO public.js SELECT g, '{"a":1}' FROM generate_series(1, 10) g;
  CREATE TABLE public.jsb (id int PRIMARY KEY, j jsonb);
  INSERT INTO public.jsb SELECT g, '{"a":1}' FROM generate_series(1, 10) g;
  CREATE TABLE public.pts (id int PRIMARY KEY, p point);
  INSERT INTO public.pts SELECT g, point(g, g * 2) FROM generate_series(1, 10) g;
  CREATE TABLE public.filtered (id int PRIMARY KEY, region int NOT NULL);
  INSERT INTO public.filtered SELECT g, g % 3 FROM generate_series(1, 300) g;
  CREATE TABLE public.empty (id int PRIMARY KEY, x text);
  CREATE TABLE public.nokey (a int, b text);
  INSERT INTO public.nokey SELECT g, 'k' || g FROM generate_series(1, 50) g;
  CREATE TABLE public.nokey_dup (a int, b text);
  INSERT INTO public.nokey_dup SELECT g, 'd' || g FROM generate_series(1, 50) g;
  CREATE TABLE public.nokey_pair (a int, b text);
  INSERT INTO public.nokey_pair SELECT g, 'p' || g FROM generate_series(1, 50) g;
  INSERT INTO public.nokey_pair VALUES (1000, 'pair'), (1000, 'pair');
  CREATE TABLE public.big (id int PRIMARY KEY, v int);
  INSERT INTO public.big SELECT g, g FROM generate_series(1, 2000) g;
  CREATE TABLE public.gone (id int PRIMARY KEY);
  INSERT INTO public.gone SELECT generate_series(1, 5);
  ANALYZE`;

const TABLES = ['same', 'rows3', 'nulls', 'js', 'jsb', 'pts', 'filtered', 'empty', 'nokey', 'nokey_dup', 'nokey_pair', 'big', 'gone'].map((t) => `public.${t}`);

// The tables each case changes on the target; one verify run (JSON and text) checks them all at once (each CLI run
// reads both servers' catalogs: a run per case would take minutes on a busy machine).
const CHANGED_TABLES = ['rows3', 'nulls', 'js', 'jsb', 'pts', 'filtered', 'empty', 'nokey', 'nokey_dup', 'nokey_pair', 'big', 'same'].map((t) => `public.${t}`);

const TARGET_CHANGES = `
  UPDATE public.rows3 SET qty = qty + 100 WHERE id = 41;
  DELETE FROM public.rows3 WHERE id = 142;
  INSERT INTO public.rows3 VALUES (5001, 'only on target', 1);
  UPDATE public.nulls SET t = CASE id WHEN 7 THEN '' ELSE NULL END WHERE id IN (7, 8);
  UPDATE public.js SET j = '{"a": 1}' WHERE id = 3;
  UPDATE public.jsb SET j = '{"a": 1}' WHERE id = 3;
  UPDATE public.pts SET p = point(5, 10.5) WHERE id = 5;
  -- outside the filter (region 2), only on the target; the source's rows with region <> 1 were never copied
  INSERT INTO public.filtered VALUES (9002, 2);
  UPDATE public.nokey SET b = 'changed' WHERE a = 17;
  INSERT INTO public.nokey_dup SELECT * FROM public.nokey_dup WHERE a = 23;
  -- a duplicated pair becomes another duplicated pair: same count, and an XOR of row hashes would cancel both
  UPDATE public.nokey_pair SET a = 1001 WHERE b = 'pair';
  -- one changed row in every 100-row range: whichever chunks --sample picks, each holds a difference
  UPDATE public.big SET v = -v WHERE id % 100 = 50`;

const BIG_CHANGED = sortKeys(Array.from({ length: 20 }, (_, i) => [String(i * 100 + 50)]));

describe('verify: each kind of difference, exactly (15 -> 17)', () => {
  const e2e = useE2eDatabase({
    name: 'verify_cases',
    sql: SQL,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', table_filters: [{ table: 'filtered', where: FILTER }] } }),
  });
  let changed: VerifyRun | undefined;

  /** The run over CHANGED_TABLES after TARGET_CHANGES (made by the second test). */
  const run = (): VerifyRun => {
    if (changed === undefined) throw new Error('the verify run after the target changes did not happen');
    return changed;
  };

  /** The test's own key diff of `table` equals `want`, and so do verify's JSON lists; the text names the keys. */
  async function expectKeys(table: string, want: { changed: string[][]; missing: string[][]; extra: string[][] }, notKeys: string[][], where: string | null = null): Promise<TableJson> {
    const { src, tgt, db, tdb } = e2e;
    expect(await sqlKeyDiff(src, db, tgt, tdb, table, ['id'], where)).toEqual(want);
    const r = tableOf(run().report, table);
    expect(r.outcome, JSON.stringify(r)).toBe('different');
    expect(keyLists(r.differences)).toEqual(want);
    expect(r.differences?.truncated).toBe(false);
    expectTextNamesKeys(run().text.stdout, table, [...want.changed, ...want.missing, ...want.extra], notKeys);
    return r;
  }

  it('equal tables pass after apply (exit 0), rows counted under the filter', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    await ws.applyOk();
    await expectSameRows(src, db, tgt, tdb, TABLES.map((t) => (t === 'public.filtered' ? { table: t, where: FILTER } : t)));
    const { json, report, text } = await verifyBoth(ws, [], CHUNK_ENV);
    expect(json.code, show(json)).toBe(0);
    expect(text.code, show(text)).toBe(0);
    for (const t of TABLES) {
      const r = tableOf(report, t);
      expect(r.outcome, `${t}: ${JSON.stringify(r)}`).toBe('equal');
      expect(r.differences).toBeNull();
    }
    expect(report.summary).toMatchObject({ tables: TABLES.length, equal: TABLES.length, different: 0, errors: 0, changedDuringCheck: 0 });
    expect(tableOf(report, 'public.rows3')).toMatchObject({ key: ['id'], rows: { source: 300, target: 300 } });
    expect(tableOf(report, 'public.filtered').rows).toEqual({ source: 100, target: 100 });
    expect(tableOf(report, 'public.filtered').filter).toContain('region');
    expect(tableOf(report, 'public.big').chunks.total).toBeGreaterThan(1);
    // A keyless table: whole-table check, and the notes say the drill-down is not available.
    expect(tableOf(report, 'public.nokey')).toMatchObject({ key: null, outcome: 'equal', differences: null });
    expect(tableOf(report, 'public.nokey').notes.join('\n')).toMatch(/drill-down/i);
    expect(text.stdout).not.toMatch(/DIFFERENT|rows? differs?\b|ERROR/);
    expect(text.stdout).toMatch(/13 tables checked, 13 equal/);
  });

  it('after changes on the target, differences exit 2 and only the changed tables differ', async () => {
    const { ws } = e2e;
    await e2e.tgt.query(TARGET_CHANGES, [], e2e.tdb);
    changed = await verifyBoth(ws, ['--tables', ...CHANGED_TABLES], CHUNK_ENV);
    expect(changed.json.code, show(changed.json)).toBe(2);
    const outcomes = Object.fromEntries(CHANGED_TABLES.map((t) => [t, tableOf(changed?.report as ReportJson, t).outcome]));
    expect(outcomes).toEqual({
      ...Object.fromEntries(CHANGED_TABLES.map((t) => [t, 'different'])),
      'public.jsb': 'equal', 'public.empty': 'equal', 'public.same': 'equal',
    });
    expect(changed.report.summary).toMatchObject({ tables: CHANGED_TABLES.length, equal: 3, different: CHANGED_TABLES.length - 3, errors: 0 });
  });

  it('one changed value, one missing row, one extra row: each key in its list', async () => {
    const r = await expectKeys('public.rows3', { changed: [['41']], missing: [['142']], extra: [['5001']] }, [['40'], ['42'], ['141'], ['143']]);
    expect(r.rows).toEqual({ source: 300, target: 300 });
    expect(textAbout(run().text.stdout, 'public.rows3')).toMatch(/missing on target: 142/);
  });

  it("NULL and '' swapped in a text column are changed rows", async () => {
    await expectKeys('public.nulls', { changed: [['7'], ['8']], missing: [], extra: [] }, [['6'], ['9']]);
  });

  it('whitespace inside a json value is a difference (json keeps its text); in jsonb it is not', async () => {
    const { src, tgt, db, tdb } = e2e;
    await expectKeys('public.js', { changed: [['3']], missing: [], extra: [] }, [['2'], ['4']]);
    await expectSameRows(src, db, tgt, tdb, ['public.jsb']);
    expect(tableOf(run().report, 'public.jsb')).toMatchObject({ outcome: 'equal', differences: null });
    expect(textAbout(run().text.stdout, 'public.jsb')).toBe('');
  });

  it('a changed point is a changed row', async () => {
    await expectKeys('public.pts', { changed: [['5']], missing: [], extra: [] }, [['4'], ['6']]);
  });

  it('a filtered table: a target row outside the filter is extra; source rows outside it are not missing', async () => {
    const r = await expectKeys('public.filtered', { changed: [], missing: [], extra: [['9002']] }, [['2'], ['3'], ['5']], FILTER);
    expect(r.rows).toEqual({ source: 100, target: 101 });
  });

  it('an empty table on both sides is equal (no crash)', async () => {
    const { src, tgt, db, tdb } = e2e;
    expect(await expectSameRows(src, db, tgt, tdb, ['public.empty'])).toEqual({ 'public.empty': 0 });
    expect(tableOf(run().report, 'public.empty')).toMatchObject({ outcome: 'equal', rows: { source: 0, target: 0 }, differences: null, error: null });
  });

  it('a keyless table: a changed row makes it different, without key lists, the notes saying there is no drill-down', async () => {
    const { src, tgt, db, tdb } = e2e;
    expect(await sqlSameMultiset(src, db, tgt, tdb, 'public.nokey')).toBe(false);
    const r = tableOf(run().report, 'public.nokey');
    expect(r).toMatchObject({ key: null, outcome: 'different', differences: null, rows: { source: 50, target: 50 } });
    expect(r.notes.join('\n')).toMatch(/drill-down/i);
    expect(textAbout(run().text.stdout, 'public.nokey')).toMatch(/differ/);
  });

  it('a keyless table with one row duplicated on the target is different', async () => {
    const { src, tgt, db, tdb } = e2e;
    expect(await sqlSameMultiset(src, db, tgt, tdb, 'public.nokey_dup')).toBe(false);
    expect(tableOf(run().report, 'public.nokey_dup')).toMatchObject({ outcome: 'different', differences: null, rows: { source: 50, target: 51 } });
    expect(textAbout(run().text.stdout, 'public.nokey_dup')).toMatch(/differ/);
  });

  it('a keyless table whose duplicated pair became another duplicated pair (same count; XOR would cancel) is different', async () => {
    const { src, tgt, db, tdb } = e2e;
    expect(await sqlSameMultiset(src, db, tgt, tdb, 'public.nokey_pair')).toBe(false);
    expect(tableOf(run().report, 'public.nokey_pair')).toMatchObject({ outcome: 'different', differences: null, rows: { source: 52, target: 52 } });
  });

  it('a difference in every chunk: the full check bisects down to all twenty keys', async () => {
    const r = await expectKeys('public.big', { changed: BIG_CHANGED, missing: [], extra: [] }, []);
    expect(r.chunks.total).toBeGreaterThan(2);
    expect(r.chunks.differing).toBeGreaterThan(1);
  });

  it('--sample 50 checks whole chunks only and finds a difference inside a sampled chunk', async () => {
    const { ws } = e2e;
    const { json, report, text } = await verifyBoth(ws, ['--tables', 'public.big', '--sample', '50'], CHUNK_ENV);
    expect(json.code, show(json)).toBe(2);
    expect(report.samplePercent).toBe(50);
    const r = tableOf(report, 'public.big');
    expect(r.outcome).toBe('different');
    expect(r.chunks.total).toBeGreaterThan(2);
    expect(r.chunks.checked).toBeGreaterThan(0);
    expect(r.chunks.checked).toBeLessThan(r.chunks.total);
    expect(r.chunks.differing).toBeGreaterThan(0);
    const found = keyLists(r.differences);
    expect(found?.missing).toEqual([]);
    expect(found?.extra).toEqual([]);
    expect(found?.changed.length).toBeGreaterThan(0);
    expect(found?.changed.length).toBeLessThan(BIG_CHANGED.length);
    for (const k of found?.changed ?? []) expect(BIG_CHANGED).toContainEqual(k);
    expectTextNamesKeys(text.stdout, 'public.big', found?.changed ?? []);
  });

  it('a table of the spec missing on the target is an error (exit 1), the others still checked', async () => {
    const { ws } = e2e;
    await e2e.tgt.query('DROP TABLE public.gone', [], e2e.tdb);
    const { json, report, text } = await verifyBoth(ws, ['--tables', 'public.gone', 'public.empty'], CHUNK_ENV);
    expect(json.code, show(json)).toBe(1);
    const r = tableOf(report, 'public.gone');
    expect(r.outcome).toBe('error');
    expect(r.error).toBeTruthy();
    expect(tableOf(report, 'public.empty').outcome).toBe('equal');
    expect(report.summary).toMatchObject({ tables: 2, equal: 1, errors: 1 });
    expect(textAbout(text.stdout + text.stderr, 'public.gone')).not.toBe('');
  });
});

// The source database keeps the cluster's libc C.UTF-8 collation (code-point order: 'B' < 'a' < 'b'); the target
// database, made beforehand, has an ICU default collation ('a' < 'b' < 'B'). The key column takes each database's
// default, so a key range read with the default collation on each side would hold different keys.
const COLL_SQL = `
  CREATE TABLE public.coll (k text PRIMARY KEY, n int NOT NULL);
  INSERT INTO public.coll
    SELECT x || y, 0 FROM unnest(ARRAY['a', 'A', 'b', 'B', 'z', 'Z', '_', '-', 'é', 'É', '1']) x,
                          unnest(ARRAY['', 'a', 'B', 'b', 'Z', 'é', ' ', '.']) y;
  INSERT INTO public.coll SELECT (CASE WHEN g % 2 = 0 THEN 'k' ELSE 'K' END) || g, g FROM generate_series(1, 400) g;
  ANALYZE`;

describe('verify: a text key on databases with different collations (15 C.UTF-8 -> 17 ICU en-US)', () => {
  const e2e = useE2eDatabase({
    name: 'verify_coll',
    sql: COLL_SQL,
    setup: async ({ tgt, tdb }) => {
      await tgt.query(`CREATE DATABASE ${tdb} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    },
  });

  it('equal data is equal; one changed row is exactly that key', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    await ws.applyOk();
    // The premise: the two databases order the keys differently.
    const order = "SELECT string_agg(k, ',' ORDER BY k) AS o FROM public.coll WHERE k IN ('a', 'B', 'b', 'A')";
    const [s] = await src.query<{ o: string }>(order, [], db);
    const [t] = await tgt.query<{ o: string }>(order, [], tdb);
    expect(s?.o).toBe('A,B,a,b');
    expect(t?.o).not.toBe(s?.o);
    await expectSameRows(src, db, tgt, tdb, ['public.coll']);

    const equal = await verifyJson(ws, [], CHUNK_ENV);
    expect(equal.json.code, show(equal.json)).toBe(0);
    expect(tableOf(equal.report, 'public.coll')).toMatchObject({ outcome: 'equal', key: ['k'], differences: null });
    expect(tableOf(equal.report, 'public.coll').chunks.total).toBeGreaterThan(1);

    await tgt.query("UPDATE public.coll SET n = n + 1 WHERE k = 'B'", [], tdb);
    const want = { changed: [['B']], missing: [], extra: [] };
    expect(await sqlKeyDiff(src, db, tgt, tdb, 'public.coll', ['k'])).toEqual(want);
    const { json, report, text } = await verifyBoth(ws, [], CHUNK_ENV);
    expect(json.code, show(json)).toBe(2);
    expect(keyLists(tableOf(report, 'public.coll').differences)).toEqual(want);
    expectTextNamesKeys(text.stdout, 'public.coll', [['B']], [['b'], ['a'], ['A']]);
  });
});

describe('verify while streaming under write load (15 -> 17)', () => {
  const e2e = useE2eDatabase({
    name: 'verify_stream',
    sql: 'SELECT 1',
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', ...syncFixtureSettings() } }),
    setup: async (f) => {
      await createSyncFixture(f.src, f.db);
    },
  });
  let load: WriteLoad | undefined;

  async function waitForTransactions(n: number): Promise<void> {
    const l = load as WriteLoad;
    const target = l.snapshot().transactions + n;
    while (l.snapshot().transactions < target) await new Promise((r) => setTimeout(r, 20));
  }

  afterAll(async () => {
    await load?.stop({ tolerateErrors: true });
    // No slot may outlive the test (the fixture's afterAll drops the databases after this hook).
    const r = await e2e.ws.cli(['apply', '--spec', e2e.ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    expect(await e2e.src.query('SELECT 1 FROM pg_replication_slots WHERE database = $1', [e2e.db])).toHaveLength(0);
  });

  it('finds no false difference while the source is written to', async () => {
    const { src, db, ws } = e2e;
    await ws.applyOk();
    load = await startWriteLoad(src, db, { seed: 17, rateHz: 150 });
    await waitForTransactions(30);
    const before = load.snapshot().transactions;
    const calm = await verifyJson(ws, [], CHUNK_ENV);
    expect(calm.json.code, show(calm.json)).not.toBe(1);
    const tables = calm.report.databases.flatMap((d) => d.tables);
    for (const t of ['public.accounts', 'public.orders', 'public.events', 'public.audit']) expect(tables.map((x) => x.table)).toContain(t);
    expect(tables.filter((t) => t.outcome === 'different' || t.outcome === 'error').map((t) => `${t.table}: ${JSON.stringify(t)}`)).toEqual([]);
    expect(calm.report.summary.different).toBe(0);
    expect(load.snapshot().transactions - before, 'the load kept writing during the check').toBeGreaterThan(0);
  }, STREAMING_TIMEOUT_MS);

  // ENGINE BUG (src/verify/compare-range.ts): a difference injected on the target during the load is not found.
  it('finds a difference injected on the target while the load runs', async () => {
    const { tgt, tdb, ws } = e2e;
    // A change made on the target alone (session_replication_role = replica: no trigger, no FK check): an extra
    // account with a key the source never makes (the identity is positive), and a name the load never writes. The
    // load may update account 250 later (the subscription then rewrites the whole row), so its key is asserted
    // only if the target still holds the injected name after the check.
    await tgt.query(`SET session_replication_role = replica;
      INSERT INTO public.accounts (id, name, balance) VALUES (-42, 'injected on the target', 0);
      UPDATE public.accounts SET name = 'injected name' WHERE id = 250`, [], tdb);
    await waitForTransactions(30);
    const { json, report } = await verifyJson(ws, ['--tables', 'public.accounts'], CHUNK_ENV);
    expect(json.code, show(json)).toBe(2);
    const r = tableOf(report, 'public.accounts');
    expect(r.outcome, JSON.stringify(r)).toBe('different');
    expect(r.differences?.extra).toEqual([['-42']]);
    const still = await tgt.query("SELECT 1 FROM public.accounts WHERE id = 250 AND name = 'injected name'", [], tdb);
    if (still.length === 1) expect(r.differences?.changed).toEqual([['250']]);
  }, STREAMING_TIMEOUT_MS);

  it('the load ran without errors', async () => {
    const stats = await (load as WriteLoad).stop();
    expect(stats.errors).toEqual([]);
    expect(stats.transactions).toBeGreaterThan(60);
  });
});
