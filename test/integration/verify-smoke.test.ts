// Smoke test of `pgrepl verify` end to end (15 -> 17): a one-off copy by `pgrepl apply`, verify says equal (exit 0);
// then the target is changed behind pgrepl's back (one value, one row deleted, one row added, a keyless row
// duplicated) and verify names exactly those keys (exit 2), in text and JSON. Small chunk and leaf sizes (env) make
// the 3,000-row table many chunks, so boundaries, parallel chunks and bisection all run. The full matrix of cases is
// test/integration/verify-cases.test.ts.
import { describe, expect, it } from 'vitest';
import { show, useE2eDatabase } from './e2e-helpers.js';
import type { VerifyReport } from '../../src/verify/types.js';

const SMALL = { PGREPL_VERIFY_CHUNK_ROWS: '400', PGREPL_VERIFY_LEAF_ROWS: '40' };
/** The chunked path for equal tables too (by default an equal table is settled by one whole-table pass). */
const CHUNKED = { ...SMALL, PGREPL_VERIFY_WHOLE_FIRST: '0' };

describe('pgrepl verify (15 -> 17)', () => {
  const f = useE2eDatabase({
    name: 'verify_smoke',
    sql: `
      CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id int PRIMARY KEY, note text, doc json, at point);
      INSERT INTO sales.orders SELECT g, CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN '' ELSE 'n' || g END,
        json_build_object('g', g), point(g, -g) FROM generate_series(1, 3000) g;
      CREATE TABLE sales.codes (code text PRIMARY KEY, v int);
      INSERT INTO sales.codes SELECT chr(65 + g % 26) || lower(chr(65 + g % 26)) || g, g FROM generate_series(1, 300) g;
      CREATE TABLE public.log (a int, b text);
      INSERT INTO public.log SELECT g % 5, 'x' FROM generate_series(1, 20) g;
      CREATE TABLE public.regional (id int PRIMARY KEY, region text);
      INSERT INTO public.regional SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END FROM generate_series(1, 100) g;
    `,
    databases: (db, tdb) => ({ [db]: { target_database: tdb, roles: 'skip', table_filters: [{ table: 'public.regional', where: "region = 'eu'" }] } }),
  });

  const verify = (args: readonly string[] = []): ReturnType<typeof f.ws.cli> => f.ws.cli(['verify', '--spec', f.ws.specFile, ...args], SMALL);

  it('reports equal tables after a copy (exit 0), the filter applied to the source', async () => {
    await f.ws.applyOk();
    // A source row outside the filter is not the target's business.
    await f.src.query(`INSERT INTO public.regional VALUES (1001, 'us')`, [], f.db);
    const r = await verify();
    expect(r.code, show(r)).toBe(0);
    // Equal tables are settled by one whole-table pass per side; the chunked path finds them equal too.
    expect(r.stdout).toMatch(/sales\.orders\s+3000\s+3000\s+1\s+equal/);
    const chunked = await f.ws.cli(['verify', '--spec', f.ws.specFile], CHUNKED);
    expect(chunked.code, show(chunked)).toBe(0);
    expect(chunked.stdout).toMatch(/sales\.orders\s+3000\s+3000\s+8\s+equal/);
    expect(r.stdout).toMatch(/Verify: 4 tables checked, 4 equal, 0 different, 0 schema differences/);
    const j = await verify(['--json']);
    expect(j.code, show(j)).toBe(0);
    const report = JSON.parse(j.stdout) as VerifyReport;
    const log = report.databases[0]?.tables.find((t) => t.table === 'public.log');
    expect(log?.key).toBeNull();
    expect(log?.notes.join(' ')).toContain('no key');
    expect(report.databases[0]?.tables.find((t) => t.table === 'public.regional')?.rows).toEqual({ source: 50, target: 50 });
  });

  it('names the changed, missing and extra keys (exit 2), and catches a duplicated keyless row', async () => {
    await f.tgt.query(`
      UPDATE sales.orders SET note = 'changed' WHERE id = 1041;
      UPDATE sales.orders SET note = NULL WHERE id = 1042;
      UPDATE sales.orders SET at = point(2977, 1) WHERE id = 2977;
      DELETE FROM sales.orders WHERE id = 2001;
      INSERT INTO sales.orders VALUES (7000, 'extra', '{}', point(0, 0));
      INSERT INTO public.log VALUES (1, 'x');
      UPDATE sales.codes SET v = -1 WHERE code = 'Bb1';
    `, [], f.tdb);
    const r = await verify();
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toContain('sales.orders: 3 rows differ, keys 1041, 1042, 2977; 1 row missing on target: 2001; 1 extra row on target: 7000');
    expect(r.stdout).toContain('sales.codes: 1 row differs, key Bb1');
    expect(r.stdout).toMatch(/public\.log\s+20\s+21\s+1\s+DIFFERENT/);
    const j = await verify(['--json', '--tables', 'sales.*', '--jobs', '2']);
    expect(j.code, show(j)).toBe(2);
    const report = JSON.parse(j.stdout) as VerifyReport;
    expect(report.databases[0]?.tables.map((t) => t.table).sort()).toEqual(['sales.codes', 'sales.orders']);
    const orders = report.databases[0]?.tables.find((t) => t.table === 'sales.orders');
    expect(orders?.outcome).toBe('different');
    expect(orders?.differences).toMatchObject({ changed: [['1041'], ['1042'], ['2977']], missing: [['2001']], extra: [['7000']], truncated: false });
  });

  it('--sample checks whole chunks and still finds a difference inside a sampled one', async () => {
    const r = await verify(['--json', '--sample', '50', '--tables', 'sales.orders']);
    expect(r.code, show(r)).toBe(2);
    const t = (JSON.parse(r.stdout) as VerifyReport).databases[0]?.tables[0];
    expect(t?.chunks.total).toBe(8);
    expect(t?.chunks.checked).toBe(4);
    expect(t?.notes).toContain('sampled 4 of 8 chunks');
    expect(t?.outcome).toBe('different');
  });
});
