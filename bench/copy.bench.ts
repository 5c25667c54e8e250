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
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { copyTables, exportSnapshot, type CopySummary, type CopyTable } from '../src/pg/copy/index.js';
import { parseConnString } from '../src/pg/conninfo/parse.js';
import { getCluster, type Cluster } from '../test/harness/index.js';

const SCALE = Number(process.env['PGREPL_BENCH_SCALE'] ?? '10');
const ROUNDS = Number(process.env['PGREPL_BENCH_ROUNDS'] ?? '3');
const WARMUP = process.env['PGREPL_BENCH_WARMUP'] !== '0';
const WORKERS = 2;
const RSS_SAMPLE_MS = 20;
const CLK_TCK = 100;
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
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  return {
    ...env,
    BIN: ctx.source.binDir,
    PGHOST: '127.0.0.1',
    PGUSER: ctx.source.superuser.user,
    PGAPPNAME: 'pgrepl_bench',
    SRC_PORT: String(ctx.source.port),
    TGT_PORT: String(ctx.target.port),
    SRC_DB: ctx.sourceDb,
    TGT_DB: ctx.targetDb,
    DUMP_DIR: join(ctx.workDir, 'dump'),
  };
}

function sh(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`exit ${String(code)}: ${script}\n${stderr.slice(-2000)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc: a server's CPU is its postmaster's own + its reaped children's (cutime/cstime: exited
// backends) + its live children's. The tools' CPU is this process's reaped children's.

function procTimes(pid: number): { ppid: number; self: number; children: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

function serverCpuS(cluster: Cluster): number {
  const pm = Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // A backend reaped while /proc is scanned would be counted twice or not at all (it moves from the live children
  // into the postmaster's cutime): rescan until the postmaster's reaped-children total did not move meanwhile.
  for (;;) {
    const before = procTimes(pm);
    if (!before) return 0;
    let ticks = before.self + before.children;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const t = procTimes(Number(entry));
      if (t?.ppid === pm) ticks += t.self + t.children;
    }
    if (procTimes(pm)?.children === before.children) return ticks / CLK_TCK;
  }
}

function toolsCpuS(): number {
  return (procTimes(process.pid)?.children ?? 0) / CLK_TCK;
}

// ---------------------------------------------------------------------------------------------------------------
// pgrepl's method.

interface TableRow { schema: string; table: string; bytes: string; columns: string[] }
interface PostDataRow { sql: string; bytes: string; late: boolean }

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS table, pg_relation_size(c.oid)::text AS bytes,
       array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
GROUP BY 1, 2, 3
ORDER BY 1, 2`;

// Constraints with an index (p, u, x) and plain indexes first, foreign keys last (they need the referenced keys).
const POST_DATA_SQL = `
SELECT format('ALTER TABLE ONLY %I.%I ADD CONSTRAINT %I %s', n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)) AS sql,
       pg_relation_size(r.oid)::text AS bytes, c.contype = 'f' AS late
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE c.contype IN ('p', 'u', 'x', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
UNION ALL
SELECT pg_get_indexdef(i.indexrelid), pg_relation_size(r.oid)::text, false
FROM pg_index i
JOIN pg_class r ON r.oid = i.indrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`;

async function runOnSessions(target: Cluster, database: string, statements: readonly string[], sessions: number): Promise<void> {
  const queue = [...statements];
  await Promise.all(Array.from({ length: Math.min(sessions, queue.length) }, async () => {
    const client = new pg.Client(target.clientConfig({ database }));
    await client.connect();
    try {
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await client.query(sql);
    } finally {
      await client.end();
    }
  }));
}

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
  await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" --section=pre-data "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$TGT_DB" >/dev/null', toolEnv(ctx));
  lap('pre-data');
  const sourceCi = parseConnString(ctx.source.url(), { env: {}, passfile: null });
  const holder = await exportSnapshot(sourceCi, ctx.sourceDb);
  try {
    const rows = await ctx.source.query<TableRow>(TABLES_SQL, [], ctx.sourceDb);
    const tables: CopyTable[] = rows.map((r) => ({
      schema: r.schema, table: r.table, columns: r.columns, filter: null, truncateFirst: false, estimatedBytes: Number(r.bytes),
    }));
    pgreplCopy = await copyTables({
      source: sourceCi, target: parseConnString(ctx.target.url(), { env: {}, passfile: null }),
      sourceDatabase: ctx.sourceDb, targetDatabase: ctx.targetDb, snapshotId: holder.snapshotId, tables, workers: WORKERS, format: 'auto',
    });
  } finally {
    await holder.release();
  }
  lap('copy');
  const post = (await ctx.source.query<PostDataRow>(POST_DATA_SQL, [], ctx.sourceDb)).sort((a, b) => Number(b.bytes) - Number(a.bytes));
  await runOnSessions(ctx.target, ctx.targetDb, post.filter((p) => !p.late).map((p) => p.sql), WORKERS);
  await runOnSessions(ctx.target, ctx.targetDb, post.filter((p) => p.late).map((p) => p.sql), WORKERS);
  lap('post-data');
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

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] ?? 0 : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

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
