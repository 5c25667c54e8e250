// Verify benchmark (issue 6, "Performance"): `pgbench -i -s 50` on a PostgreSQL 15 source, copied to a second
// PostgreSQL 15 cluster, then in ONE run, round after round with the order rotated:
//   SELECT count(*) of every table on the source (the sequential-scan floor the hashing is bounded by)
//   | pgrepl verify --json --jobs N (the CLI as built; its report checked: every table equal, exit 0)
//   | pgcopydb compare data (or, with Debian's 0.10 that lacks `compare`, its per-table query: the stand-in)
// and in the same round the same with one row changed on the target (pgrepl must name exactly that key, exit 2;
// pgcopydb that table). PGREPL_BENCH_PROBE=1 adds a timing of the hash expressions alone (bench/verify/hash-probe.ts).
// Prints per case each method's median, spread, both servers' CPU, pgrepl's peak RSS, pgrepl / pgcopydb (the goal:
// < 1), pgrepl / count(*), per table pgrepl against that table's count(*), and the drill-down's cost.
// Run: npm run bench:verify   (env and reading the output: bench/README.md)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, ident, type Cluster } from '../test/harness/index.js';
import { cleanEnv, serverCpuS, sh } from './lib/proc.js';
import { seconds } from './lib/stats.js';
import { toolEnv } from './clone/methods.js';
import { CLI, METHODS, type BenchTable, type Expectation, type VerifyCtx } from './verify/methods.js';
import { formatCase, formatDrillDown, type CaseResults, type MethodResults } from './verify/report.js';
import { hashProbe } from './verify/hash-probe.js';
import { run } from './verify/run.js';

const SCALE = Number(process.env['PGREPL_BENCH_SCALE'] ?? process.env['BENCH_SCALE'] ?? '50');
const ROUNDS = Number(process.env['PGREPL_BENCH_ROUNDS'] ?? '3');
const WARMUP = process.env['PGREPL_BENCH_WARMUP'] !== '0';
const JOBS = Number(process.env['PGREPL_BENCH_VERIFY_JOBS'] ?? '2');
/** `apply` (pgrepl apply, falling back to pg_dump when it fails) or `dump` (pg_dump -Fc | pg_restore). */
const COPY = process.env['PGREPL_BENCH_COPY'] ?? 'apply';
const PROBE = process.env['PGREPL_BENCH_PROBE'] === '1';

const TABLES_SQL = `
  SELECT n.nspname AS schema, c.relname AS name,
         coalesce((SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '{}') AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  ORDER BY 1, 2`;

function writeSpec(workDir: string, sourceDb: string, targetDb: string): string {
  const specPath = join(workDir, 'spec.yaml');
  writeFileSync(specPath, [
    'version: 1',
    'source: { url: "${SOURCE_URL}" }',
    'target: { url: "${TARGET_URL}" }',
    `state: { path: ${JSON.stringify(join(workDir, 'state.json'))} }`,
    'defaults: { sync: false, roles: skip }',
    'databases:',
    `  ${JSON.stringify(sourceDb)}:`,
    `    target_database: ${JSON.stringify(targetDb)}`,
    '',
  ].join('\n'));
  return specPath;
}

describe('verify benchmark (PostgreSQL 15 -> 15)', () => {
  let source: Cluster;
  let target: Cluster;
  const workDir = mkdtempSync(join(tmpdir(), 'pgrepl-bench-verify-'));

  beforeAll(async () => {
    source = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_vsource', shared_buffers: '128MB' } });
    target = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_vtarget', shared_buffers: '128MB' } });
  });

  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    await source.stop();
    await target.stop();
  });

  it(`pgbench -i -s ${String(SCALE)}`, async () => {
    const sourceDb = await source.createDatabase('bench_verify');
    let targetDb = await target.createDatabase('bench_verify_tgt');
    try {
      let env = cleanEnv(toolEnv(source, target, sourceDb, targetDb, workDir));
      let t = performance.now();
      await sh(`PGPORT=$SRC_PORT "$BIN/pgbench" -i -q -s ${String(SCALE)} "$SRC_DB"`, env);
      await source.query('VACUUM ANALYZE', [], sourceDb);
      const buildS = (performance.now() - t) / 1000;

      // The copy: pgrepl apply of a sync: false spec (the spec verify reads too); pg_dump if apply is not there.
      t = performance.now();
      const specPath = writeSpec(workDir, sourceDb, targetDb);
      let copiedBy = 'pgrepl apply';
      const applied = COPY === 'apply'
        ? await run(process.execPath, [CLI, 'apply', '--spec', specPath, '--auto-approve', '--no-color'], {
          ...env, SOURCE_URL: source.url({ database: 'postgres' }), TARGET_URL: target.url({ database: 'postgres' }), NO_COLOR: '1',
        })
        : undefined;
      if (applied?.code !== 0) {
        if (applied) console.log(`pgrepl apply failed (exit ${String(applied.code)}), copying with pg_dump instead: ${applied.stderr.slice(-1500)}`);
        await target.dropDatabase(targetDb);
        targetDb = await target.createDatabase('bench_verify_tgt');
        env = cleanEnv(toolEnv(source, target, sourceDb, targetDb, workDir));
        writeSpec(workDir, sourceDb, targetDb);
        rmSync(join(workDir, 'state.json'), { force: true });
        await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" -Fc "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/pg_restore" --exit-on-error -d "$TGT_DB"', env);
        copiedBy = 'pg_dump -Fc | pg_restore';
      }
      // Hint bits and statistics on the target now, so no method's first scan pays for them.
      await target.query('VACUUM ANALYZE', [], targetDb);
      const copyS = (performance.now() - t) / 1000;

      const tables = (await source.query<{ schema: string; name: string; columns: string[] }>(TABLES_SQL, [], sourceDb))
        .map((r): BenchTable => ({ schema: r.schema, name: r.name, columns: r.columns }));
      const [size] = await source.query<{ db: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS db', [], sourceDb);
      console.log(`pgbench -i -s ${String(SCALE)}: ${String(tables.length)} tables, source database ${size?.db ?? '?'}, built in ${buildS.toFixed(1)} s, ` +
        `copied by ${copiedBy} in ${copyS.toFixed(1)} s; PostgreSQL 15 -> 15, ${String(ROUNDS)} rounds${WARMUP ? ' after a warm-up round' : ''}, ` +
        `methods alternating, --jobs ${String(JOBS)}`);

      const failures: string[] = [];
      // One changed row in the middle of pgbench_accounts, on the target only, made before and undone after each
      // round's changed case: both cases run in every round, so they share the machine's noise of that moment.
      const aid = String(Math.floor(SCALE * 100_000 / 2) + 1);
      const bump = (delta: number): Promise<unknown> =>
        target.query(`UPDATE public.${ident('pgbench_accounts')} SET abalance = abalance + $2 WHERE aid = $1`, [aid, delta], targetDb);
      const cases: ReadonlyArray<{ readonly c: CaseResults; readonly expect: Expectation }> = [
        { c: { name: `all rows equal (pgbench -s ${String(SCALE)})`, methods: [] }, expect: { kind: 'equal' } },
        { c: { name: `one changed row on the target (pgbench_accounts aid ${aid})`, methods: [] }, expect: { kind: 'changed', table: 'public.pgbench_accounts', key: [aid] } },
      ];
      for (const { c } of cases) {
        for (const method of METHODS) {
          const skipped = await method.unavailable();
          (c.methods as MethodResults[]).push({ method, rounds: [], failures: [], ...(skipped === null ? {} : { skipped }) });
        }
      }
      for (let round = WARMUP ? -1 : 0; round < ROUNDS; round += 1) {
        const label = round < 0 ? 'warm-up' : `round ${String(round + 1)}`;
        for (const { c, expect: expectation } of cases) {
          if (expectation.kind === 'changed') await bump(1);
          const runnable = c.methods.filter((r) => r.skipped === undefined);
          // Rotate the order each round so no method always runs first.
          const order = runnable.map((_, i) => runnable[(i + round + runnable.length) % runnable.length] as MethodResults);
          const ctx: VerifyCtx = { source, target, sourceDb, targetDb, tables, specPath, workDir, jobs: JOBS, env, expect: expectation };
          for (const entry of order) {
            await source.query('CHECKPOINT');
            await target.query('CHECKPOINT');
            const cpu0 = { source: serverCpuS(source), target: serverCpuS(target) };
            let r;
            try {
              r = await entry.method.run(ctx);
            } catch (err: unknown) {
              const msg = `${label}: ${err instanceof Error ? err.message.slice(0, 1500) : String(err)}`;
              console.log(`${c.name} ${label} ${entry.method.name}: FAILED ${msg}`);
              if (round >= 0) entry.failures.push(msg);
              continue;
            }
            const result = { ...r, sourceCpuS: serverCpuS(source) - cpu0.source, targetCpuS: serverCpuS(target) - cpu0.target };
            console.log(`${c.name} ${label} ${entry.method.name}: ${seconds(r.wallMs)} s` +
              (r.peakRssBytes === undefined ? '' : `, peak RSS ${(r.peakRssBytes / 1e6).toFixed(0)} MB`) +
              (r.note ? ` (${r.note})` : '') + (r.wrong === undefined ? ', checked' : `, WRONG RESULT: ${r.wrong}`));
            if (round < 0) continue;
            if (r.wrong === undefined) entry.rounds.push(result);
            else entry.failures.push(`${label}: ${r.wrong.slice(0, 600)}`);
          }
          if (expectation.kind === 'changed') await bump(-1);
        }
      }
      for (const { c } of cases) {
        failures.push(...c.methods.flatMap((m) => m.failures.map((f) => `${c.name}: ${m.method.name}: ${f}`)));
        console.log(formatCase(c));
      }
      const [equal, changed] = cases.map((x) => x.c) as [CaseResults, CaseResults];
      console.log(formatDrillDown(equal, changed));
      if (PROBE) {
        const [largest] = await source.query<{ schema: string; name: string }>(`SELECT n.nspname AS schema, c.relname AS name
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'
          ORDER BY pg_relation_size(c.oid) DESC LIMIT 1`, [], sourceDb);
        const table = tables.find((t) => t.schema === largest?.schema && t.name === largest.name);
        if (table) console.log(await hashProbe(source, sourceDb, table));
      }
      expect(failures).toEqual([]);
    } finally {
      await target.dropDatabase(targetDb);
      await source.dropDatabase(sourceDb);
    }
  });
});
