// Clone benchmark (issue 4, "Benchmarks"): `pgbench -i -s <scale>` on a PostgreSQL 15 source, cloned onto a fresh,
// empty database of a second PostgreSQL 15 cluster by four methods, alternating over several rounds in ONE run:
//   (a) pg_dump -Fd -j2 into a directory, then pg_restore -j2 from it
//   (b) pg_dump -Fc | pg_restore
//   (c) pg_dump | psql
//   (d) pgrepl's engine: pre-data schema (pg_dump --section=pre-data | psql), exported snapshot + copyTables
//       (2 workers, format 'auto' = binary here), then the post-data (primary keys, unique constraints, indexes,
//       then foreign keys) built from the source catalog on 2 target sessions, largest table first.
// Every method times the WHOLE clone (schema + data + post-data indexes) onto an empty database created before
// the clock starts; pg_dump's default compression is kept for -Fd/-Fc, as users run them. Prints each method's
// median and spread, pgrepl's ratio to each, the CPU of the target/source servers and of the client tools, and
// the node process's peak RSS during pgrepl's copy. No assertion on time: machines are shared and noisy, so only
// ratios within one run mean anything. Row counts are checked after every clone (not timed).
// Run: npx vitest run --config bench/copy.vitest.config.ts
//   PGREPL_BENCH_SCALE (default 10; the issue's target is 50), PGREPL_BENCH_ROUNDS (default 3),
//   PGREPL_BENCH_WARMUP=0 to skip the uncounted warm-up round of every method.
// bench/clone.bench.ts (npm run bench:clone) is the full benchmark of issue 4 (more datasets, pgcopydb, the real CLI);
// this one keeps the engine-only figure on pgbench, sharing its helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CopySummary } from '../src/pg/copy/index.js';
import { getCluster, type Cluster } from '../test/harness/index.js';
import { cleanEnv, sh as shOut, serverCpuS, toolsCpuS } from './lib/proc.js';
import { median, seconds } from './lib/stats.js';
import { engineClone, TABLES_SQL, type TableRow } from './clone/copy-engine.js';

const SCALE = Number(process.env['PGREPL_BENCH_SCALE'] ?? '10');
const ROUNDS = Number(process.env['PGREPL_BENCH_ROUNDS'] ?? '3');
const WARMUP = process.env['PGREPL_BENCH_WARMUP'] !== '0';
const RSS_SAMPLE_MS = 20;
const MIB = 1024 * 1024;

type MethodName = 'pg_dump -Fd -j2 + pg_restore -j2' | 'pg_dump -Fc | pg_restore' | 'pg_dump | psql' | 'pgrepl';

interface RoundResult {
  readonly wallMs: number;
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly targetCpuS: number;
  readonly sourceCpuS: number;
  readonly toolsCpuS: number;
  readonly nodeCpuS: number;
  readonly peakRssMiB?: number;
  readonly phaseCpuS?: Readonly<Record<string, number>>;
}

interface Ctx {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly sourceDb: string;
  readonly targetDb: string;
  readonly workDir: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: the tools run under bash (pipefail) with connection settings in the environment only (trust auth:
// no password anywhere; PGPASSWORD from the caller's environment is dropped).

function toolEnv(ctx: Ctx): NodeJS.ProcessEnv {
  return cleanEnv({
    BIN: ctx.source.binDir,
    PGHOST: '127.0.0.1',
    PGUSER: ctx.source.superuser.user,
    PGAPPNAME: 'pgrepl_bench',
    SRC_PORT: String(ctx.source.port),
    TGT_PORT: String(ctx.target.port),
    SRC_DB: ctx.sourceDb,
    TGT_DB: ctx.targetDb,
    DUMP_DIR: join(ctx.workDir, 'dump'),
  });
}

async function sh(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  await shOut(script, env);
}

// ---------------------------------------------------------------------------------------------------------------
// pgrepl's method: the engine driven by hand (bench/clone/copy-engine.ts).

let pgreplCopy: CopySummary | undefined;
const phaseCpu: Record<string, number> = {};

async function pgreplClone(ctx: Ctx, phases: Record<string, number>): Promise<void> {
  let t = performance.now();
  let targetCpu = serverCpuS(ctx.target);
  let nodeCpu = process.cpuUsage();
  // Wall ms of each phase, and the target server's and this process's CPU seconds in it (as '<phase> target CPU').
  const lap = (name: string): void => {
    const now = performance.now();
    const cpu = serverCpuS(ctx.target);
    const node = process.cpuUsage(nodeCpu);
    phases[name] = now - t;
    phaseCpu[`${name}: target CPU`] = cpu - targetCpu;
    phaseCpu[`${name}: node CPU`] = (node.user + node.system) / 1e6;
    t = now;
    targetCpu = cpu;
    nodeCpu = process.cpuUsage();
  };
  pgreplCopy = await engineClone({ ...ctx, env: toolEnv(ctx) }, lap);
}

// ---------------------------------------------------------------------------------------------------------------
// The methods. Each fills `phases` with wall times of its parts.

const METHODS: Readonly<Record<MethodName, (ctx: Ctx, phases: Record<string, number>) => Promise<void>>> = {
  'pg_dump -Fd -j2 + pg_restore -j2': async (ctx, phases) => {
    const env = toolEnv(ctx);
    rmSync(join(ctx.workDir, 'dump'), { recursive: true, force: true });
    let t = performance.now();
    await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" -Fd -j2 -f "$DUMP_DIR" "$SRC_DB"', env);
    phases['dump'] = performance.now() - t;
    t = performance.now();
    await sh('PGPORT=$TGT_PORT "$BIN/pg_restore" -j2 --exit-on-error -d "$TGT_DB" "$DUMP_DIR"', env);
    phases['restore'] = performance.now() - t;
    rmSync(join(ctx.workDir, 'dump'), { recursive: true, force: true });
  },
  'pg_dump -Fc | pg_restore': async (ctx) => {
    await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" -Fc "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/pg_restore" --exit-on-error -d "$TGT_DB"', toolEnv(ctx));
  },
  'pg_dump | psql': async (ctx) => {
    await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$TGT_DB" >/dev/null', toolEnv(ctx));
  },
  pgrepl: pgreplClone,
};

// ---------------------------------------------------------------------------------------------------------------
// Figures.

function report(results: ReadonlyMap<MethodName, RoundResult[]>, sizes: string): string {
  const lines = [`clone benchmark: pgbench -s ${String(SCALE)} (${sizes}), PostgreSQL 15 -> 15, ${String(ROUNDS)} rounds` +
    `${WARMUP ? ' after a warm-up round' : ''}, methods alternating; whole clone (schema, data, keys) onto an empty database; wall s`];
  const pgrepl = median((results.get('pgrepl') ?? []).map((r) => r.wallMs));
  for (const [name, rs] of results) {
    const walls = rs.map((r) => r.wallMs);
    const med = median(walls);
    const lo = Math.min(...walls);
    const hi = Math.max(...walls);
    const phaseNames = Object.keys(rs[0]?.phasesMs ?? {});
    const phases = phaseNames.map((p) => `${p} ${seconds(median(rs.map((r) => r.phasesMs[p] ?? 0)))}` +
      (rs[0]?.phaseCpuS?.[`${p}: target CPU`] === undefined ? '' :
        ` (CPU target ${median(rs.map((r) => r.phaseCpuS?.[`${p}: target CPU`] ?? 0)).toFixed(2)}, node ${median(rs.map((r) => r.phaseCpuS?.[`${p}: node CPU`] ?? 0)).toFixed(2)})`)).join(', ');
    const cpu = (pick: (r: RoundResult) => number): string => median(rs.map(pick)).toFixed(1);
    lines.push(
      `  ${name.padEnd(34)} median ${seconds(med)} s  (min ${seconds(lo)}, max ${seconds(hi)}, spread ${((hi - lo) / med * 100).toFixed(0)}%; ` +
      `rounds ${walls.map(seconds).join(' / ')})` + (phases ? `  [${phases}]` : '') +
      `  CPU s: target ${cpu((r) => r.targetCpuS)}, source ${cpu((r) => r.sourceCpuS)}, tools ${cpu((r) => r.toolsCpuS)}, node ${cpu((r) => r.nodeCpuS)}` +
      (rs[0]?.peakRssMiB !== undefined ? `  peak RSS ${Math.max(...rs.map((r) => r.peakRssMiB ?? 0)).toFixed(0)} MiB` : ''),
    );
  }
  for (const [name, rs] of results) {
    if (name === 'pgrepl') continue;
    const ratio = median(rs.map((r) => r.wallMs)) / pgrepl;
    lines.push(ratio >= 1
      ? `  pgrepl is ${ratio.toFixed(2)}x faster than ${name}`
      : `  pgrepl is ${(1 / ratio).toFixed(2)}x SLOWER than ${name}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

describe('clone benchmark (pgbench, PostgreSQL 15 -> 15)', () => {
  let source: Cluster | undefined;
  let target: Cluster | undefined;
  let sourceDb = '';
  const workDir = mkdtempSync(join(tmpdir(), 'pgrepl-bench-copy-'));
  afterAll(async () => {
    if (source && sourceDb) await source.dropDatabase(sourceDb);
    rmSync(workDir, { recursive: true, force: true });
    // Stop both clusters now rather than at the global teardown: they are this benchmark's own.
    await source?.stop();
    await target?.stop();
  });

  it(`pgbench -s ${String(SCALE)}: ${String(ROUNDS)} rounds of 4 methods`, async () => {
    // Distinct settings give two distinct clusters of the same major (the harness caches by options).
    source = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_source' } });
    target = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_target' } });
    sourceDb = await source.createDatabase('bench_copy_src');
    const setupStart = performance.now();
    await sh(`PGPORT=$SRC_PORT "$BIN/pgbench" -i -q -s ${String(SCALE)} "$SRC_DB"`, toolEnv({ source, target, sourceDb, targetDb: '', workDir }));
    const setupS = (performance.now() - setupStart) / 1000;
    const [size] = await source.query<{ db: string; accounts: string }>(
      "SELECT pg_size_pretty(pg_database_size(current_database())) AS db, pg_size_pretty(pg_total_relation_size('pgbench_accounts')) AS accounts", [], sourceDb);
    const sizes = `source database ${size?.db ?? '?'}, pgbench_accounts ${size?.accounts ?? '?'} with its key; built in ${setupS.toFixed(1)} s`;
    const tables = (await source.query<TableRow>(TABLES_SQL, [], sourceDb)).map((r) => `${r.schema}.${r.table}`);
    const countSql = tables.map((t) => `SELECT '${t}' AS t, count(*)::text AS n FROM ${t}`).join(' UNION ALL ') + ' ORDER BY 1';
    const expected = await source.query(countSql, [], sourceDb);

    const names = Object.keys(METHODS) as MethodName[];
    const results = new Map<MethodName, RoundResult[]>(names.map((n) => [n, []]));
    // Round -1 warms up (first connections, module loading, JIT, page cache) and is not counted.
    for (let round = WARMUP ? -1 : 0; round < ROUNDS; round += 1) {
      const label = round < 0 ? 'warm-up' : `round ${String(round + 1)}`;
      // Rotate the order each round so no method always runs first (or right after the heaviest one).
      const order = names.map((_, i) => names[(i + round + names.length) % names.length] as MethodName);
      for (const name of order) {
        const targetDb = await target.createDatabase('bench_copy_tgt');
        const ctx: Ctx = { source, target, sourceDb, targetDb, workDir };
        try {
          await target.query('CHECKPOINT');
          await source.query('CHECKPOINT');
          const phases: Record<string, number> = {};
          const cpu0 = { target: serverCpuS(target), source: serverCpuS(source), tools: toolsCpuS(), node: process.cpuUsage() };
          let peakRss = process.memoryUsage().rss;
          const sampler = name === 'pgrepl' ? setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, RSS_SAMPLE_MS) : undefined;
          const start = performance.now();
          try {
            await METHODS[name](ctx, phases);
          } finally {
            clearInterval(sampler);
          }
          const wallMs = performance.now() - start;
          const node = process.cpuUsage(cpu0.node);
          const result: RoundResult = {
            wallMs, phasesMs: phases,
            targetCpuS: serverCpuS(target) - cpu0.target, sourceCpuS: serverCpuS(source) - cpu0.source,
            toolsCpuS: toolsCpuS() - cpu0.tools, nodeCpuS: (node.user + node.system) / 1e6,
            ...(name === 'pgrepl' ? { peakRssMiB: peakRss / MIB, phaseCpuS: { ...phaseCpu } } : {}),
          };
          if (round >= 0) results.get(name)?.push(result);
          // The cheap correctness guard: same row count per table as the source.
          expect(await target.query(countSql, [], targetDb), `${name} ${label}`).toEqual(expected);
          console.log(`${label} ${name}: ${seconds(wallMs)} s, target CPU ${result.targetCpuS.toFixed(2)} s` +
            (name === 'pgrepl' && pgreplCopy ? ` (copy: ${String(pgreplCopy.rows)} rows, ${(pgreplCopy.bytes / MIB).toFixed(0)} MiB, ` +
              `${pgreplCopy.results.map((r) => r.format).filter((f, i, a) => a.indexOf(f) === i).join('+')})` : ''));
        } finally {
          await target.dropDatabase(targetDb);
        }
      }
    }
    console.log(report(results, sizes));
  });
});
