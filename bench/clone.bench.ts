// Clone benchmark (issue 4, "Benchmarks"): datasets on a PostgreSQL 15 source cluster, each cloned onto an EMPTY
// database of a second PostgreSQL 15 cluster by every method, alternating over several rounds in ONE run:
//   pg_dump -Fd -j2 + pg_restore -j2 | pg_dump -Fc | pg_restore | pg_dump | psql | pgcopydb clone (when installed)
//   | pgrepl apply --auto-approve (the real CLI, dist/cli/main.js, a generated spec and a fresh state file per round)
//   | pgrepl's copy engine driven by hand (the stand-in while `apply` is not built; PGREPL_BENCH_METHODS adds it)
// Every method times the WHOLE clone (schema, data, keys and indexes). Prints per dataset each method's median, spread,
// the target and source servers' CPU, the client tools' CPU (pgrepl's CLI included), pgrepl's peak RSS, pgrepl's
// ratio to each peer, a sampled profile of what the servers' sessions were doing, and a PASS/MISS line per target.
// Every clone is checked (row count per table, index and constraint counts equal to the source's), so a method
// that skips data cannot win; a failed round is reported and left out of the figures, and fails the run at the end.
// Run: npm run bench:clone   (env and reading the output: bench/README.md)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, ident, literal, type Cluster } from '../test/harness/index.js';
import { cleanEnv, serverCpuS, sh, toolsCpuS } from './lib/proc.js';
import { seconds } from './lib/stats.js';
import { startActivitySampler } from './clone/activity-sampler.js';
import { TABLES_SQL, type TableRow } from './clone/copy-engine.js';
import { DATASETS, type DatasetName } from './clone/datasets.js';
import { METHODS, probeApplyPlanning, toolEnv, type MethodKey } from './clone/methods.js';
import {
  type DatasetResults, type MethodResults, type RoundResult, type TargetLine,
  datasetTargets, formatDataset, formatTargets, rssTarget,
} from './clone/report.js';

const SCALE = Number(process.env['PGREPL_BENCH_SCALE'] ?? '50');
// `3`, or per dataset `pgbench:3,small:2` (datasets not named get 3): pgcopydb needs minutes per 1,000-table round.
const ROUNDS_SETTING = process.env['PGREPL_BENCH_ROUNDS'] ?? '3';
const DEFAULT_ROUNDS = 3;
function roundsFor(dataset: DatasetName): number {
  if (/^\d+$/.test(ROUNDS_SETTING)) return Number(ROUNDS_SETTING);
  const entry = ROUNDS_SETTING.split(',').map((e) => e.split(':')).find(([d]) => d?.trim() === dataset);
  return entry?.[1] === undefined ? DEFAULT_ROUNDS : Number(entry[1]);
}
const WARMUP = process.env['PGREPL_BENCH_WARMUP'] !== '0';
const DATASET_NAMES = (process.env['PGREPL_BENCH_DATASETS'] ?? 'pgbench,multi,small,wide').split(',').map((s) => s.trim()) as DatasetName[];
const METHOD_KEYS = (process.env['PGREPL_BENCH_METHODS'] ?? 'fd,fc,psql,pgcopydb,apply').split(',').map((s) => s.trim()) as MethodKey[];
const PROFILE = process.env['PGREPL_BENCH_PROFILE'] !== '0';
const LOG_DIR = process.env['PGREPL_BENCH_LOG_DIR'];

for (const d of DATASET_NAMES) if (!(d in DATASETS)) throw new Error(`PGREPL_BENCH_DATASETS: unknown dataset ${d} (pgbench, multi, small, wide, blobs)`);
for (const k of METHOD_KEYS) if (!METHODS.some((m) => m.key === k)) throw new Error(`PGREPL_BENCH_METHODS: unknown method ${k} (${METHODS.map((m) => m.key).join(', ')})`);

/** What must be equal on both sides after a clone: rows per table, and indexes and constraints per table. */
async function fingerprint(cluster: Cluster, database: string): Promise<string[]> {
  const tables = await cluster.query<TableRow>(TABLES_SQL, [], database);
  const counts = tables.length === 0 ? [] : await cluster.query<{ t: string; n: string }>(
    tables.map((t) => `SELECT ${literal(`${t.schema}.${t.table}`)} AS t, count(*)::text AS n FROM ${ident(t.schema)}.${ident(t.table)}`).join(' UNION ALL '), [], database);
  const objects = await cluster.query<{ t: string; n: string }>(`
    SELECT n.nspname || '.' || c.relname AS t,
           format('indexes %s, constraints %s', (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid),
                  (SELECT string_agg(contype::text, '' ORDER BY contype) FROM pg_constraint k WHERE k.conrelid = c.oid)) AS n
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`, [], database);
  // Large objects by oid and data (every whole-database dump carries them; pgrepl with large_objects: true).
  const [blobs] = await cluster.query<{ f: string }>(`SELECT 'large objects: ' || count(*) || ' ' ||
      coalesce(md5(string_agg(m.oid || ':' || md5(lo_get(m.oid)), ',' ORDER BY m.oid)), '-') AS f FROM pg_largeobject_metadata m`, [], database);
  return [...counts.map((r) => `${r.t}: ${r.n} rows`), ...objects.map((r) => `${r.t}: ${r.n}`), blobs?.f ?? 'large objects: ?'].sort();
}

/** Above this many relation files a target database waits for the dataset's end to be dropped (see deferredDrops). */
const DEFER_DROP_FILES = 200;

/** User relations of a database with files of their own (tables, indexes, TOAST, sequences, materialized views). */
async function relationFiles(cluster: Cluster, database: string): Promise<number> {
  const exists = await cluster.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_database WHERE datname = $1', [database]);
  if (exists[0]?.n !== '1') return 0;
  const [row] = await cluster.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_class WHERE relkind IN ('r', 'i', 't', 'S', 'm') AND relfilenode <> 0 AND oid >= 16384`, [], database);
  return Number(row?.n ?? '0');
}

function differences(expected: readonly string[], actual: readonly string[]): string {
  const want = new Set(expected);
  const got = new Set(actual);
  const missing = expected.filter((e) => !got.has(e));
  const extra = actual.filter((a) => !want.has(a));
  return `expected ${missing.slice(0, 3).join('; ') || '-'}${missing.length > 3 ? ` (+${String(missing.length - 3)})` : ''}, ` +
    `got ${extra.slice(0, 3).join('; ') || '-'}${extra.length > 3 ? ` (+${String(extra.length - 3)})` : ''}`;
}

let targetSeq = 0;
function nextTargetName(): string {
  targetSeq += 1;
  return `pgrepl_t_bench_tgt_${String(process.pid)}_${String(targetSeq)}`;
}

describe('clone benchmark (PostgreSQL 15 -> 15)', () => {
  let source: Cluster;
  let target: Cluster;
  const workDir = mkdtempSync(join(tmpdir(), 'pgrepl-bench-clone-'));
  const all: DatasetResults[] = [];
  const targetLines: TargetLine[] = [];

  beforeAll(async () => {
    // Distinct settings give two distinct clusters of the same major (the harness caches by options); PostgreSQL's
    // default shared_buffers rather than the harness's 32MB, as a real server would have at least.
    source = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_source', shared_buffers: '128MB' } });
    target = await getCluster({ major: 15, settings: { cluster_name: 'pgrepl_bench_target', shared_buffers: '128MB' } });
  });

  afterAll(async () => {
    if (all.length > 0) {
      targetLines.push(rssTarget(all));
      console.log(`clone benchmark, issue 4 targets (scale ${String(SCALE)}, rounds ${ROUNDS_SETTING}):\n${formatTargets(targetLines)}`);
    }
    rmSync(workDir, { recursive: true, force: true });
    // Stop both clusters now rather than at the global teardown: they are this benchmark's own.
    await source.stop();
    await target.stop();
  });

  it.each(DATASET_NAMES)('dataset %s', async (name) => {
    const dataset = DATASETS[name];
    const rounds = roundsFor(name);
    const sourceDb = await source.createDatabase(`bench_${name}`);
    try {
      const setupStart = performance.now();
      await dataset.build(source, sourceDb, SCALE, cleanEnv(toolEnv(source, target, sourceDb, '', workDir)));
      await source.query('VACUUM ANALYZE', [], sourceDb);
      const buildS = (performance.now() - setupStart) / 1000;
      const [size] = await source.query<{ db: string; data: string; largest: string; tables: string }>(`
        SELECT pg_size_pretty(pg_database_size(current_database())) AS db,
               (SELECT pg_size_pretty(sum(pg_table_size(oid))) FROM pg_class WHERE relkind = 'r' AND relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) AS data,
               (SELECT pg_size_pretty(max(pg_total_relation_size(oid))) FROM pg_class WHERE relkind = 'r' AND relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) AS largest,
               (SELECT count(*)::text FROM pg_class WHERE relkind = 'r' AND relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)) AS tables`, [], sourceDb);
      const expected = await fingerprint(source, sourceDb);

      const results: MethodResults[] = [];
      for (const method of METHODS.filter((m) => METHOD_KEYS.includes(m.key))) {
        const skipped = await method.unavailable();
        results.push({ method, rounds: [], failures: [], ...(skipped === null ? {} : { skipped }) });
      }
      // Without the CLI, the engine stand-in keeps pgrepl in the comparison (labelled as such).
      if (results.some((r) => r.method.key === 'apply' && r.skipped !== undefined) && !results.some((r) => r.method.key === 'engine')) {
        const engine = METHODS.find((m) => m.key === 'engine');
        if (engine) results.push({ method: engine, rounds: [], failures: [] });
      }
      const runnable = results.filter((r) => r.skipped === undefined);
      // Targets holding many relation files are dropped after the dataset's last round, not between rounds: ext4
      // skips inodes freed in the last minutes when it allocates new ones, and that scan (recently_deleted() in the
      // kernel, ~50% of the target backend's CPU in `perf record`) made the next method's 1,000 CREATE TABLEs take
      // 5-8 s instead of 1.4 s. It penalised whichever method ran right after a drop, so the rounds compared noise.
      const deferredDrops: string[] = [];

      // Round -1 warms up (first connections, page cache, the CLI's module loading) and is not counted.
      for (let round = WARMUP ? -1 : 0; round < rounds; round += 1) {
        const label = round < 0 ? 'warm-up' : `round ${String(round + 1)}`;
        // Rotate the order each round so no method always runs first (or right after the heaviest one).
        const order = runnable.map((_, i) => runnable[(i + round + runnable.length) % runnable.length] as MethodResults);
        for (const entry of order) {
          const { method } = entry;
          const targetDb = nextTargetName();
          const logFile = join(workDir, `${name}-${method.key}-${label.replace(' ', '')}.log`);
          writeFileSync(logFile, '');
          if (!method.createsTarget) await target.query(`CREATE DATABASE ${ident(targetDb)}`);
          try {
            await target.query('CHECKPOINT');
            await source.query('CHECKPOINT');
            // The clusters run with fsync off, so the previous method's files are still dirty in the page cache;
            // ext4 writes them out at the first fsync anyone makes. pgrepl fsyncs its lock and state files and
            // paid for the previous method's writes (its lock file's fsync took 116 ms after a restore of 1,000
            // tables, 2 ms otherwise); the peers never fsync. Write everything out first, for every method alike.
            await sh('sync', process.env);
            const env = cleanEnv(toolEnv(source, target, sourceDb, targetDb, workDir));
            const sampler = PROFILE ? await startActivitySampler(source, target) : undefined;
            const cpu0 = { target: serverCpuS(target), source: serverCpuS(source), tools: toolsCpuS() };
            const start = performance.now();
            let run;
            try {
              run = await method.run({ source, target, sourceDb, targetDb, workDir, logFile, env });
            } catch (err: unknown) {
              const log = readFileSync(logFile, 'utf8').slice(-3000);
              const msg = `${label}: ${err instanceof Error ? err.message.slice(0, 1500) : String(err)}${log ? `\n--- log tail ---\n${log}` : ''}`;
              console.log(`${name} ${label} ${method.name}: FAILED\n${msg}`);
              if (round >= 0) entry.failures.push(msg.split('\n')[0] ?? msg);
              await sampler?.stop();
              continue;
            }
            const wallMs = performance.now() - start;
            const result: RoundResult = {
              wallMs, phasesMs: run.phasesMs ?? {},
              targetCpuS: serverCpuS(target) - cpu0.target, sourceCpuS: serverCpuS(source) - cpu0.source,
              toolsCpuS: toolsCpuS() - cpu0.tools,
              ...(run.peakRssBytes === undefined ? {} : { peakRssBytes: run.peakRssBytes }),
              ...(sampler ? { profile: await sampler.stop() } : {}),
            };
            // The correctness guard (not timed): rows per table, indexes and constraints as on the source.
            const actual = await fingerprint(target, targetDb);
            const same = JSON.stringify(actual) === JSON.stringify(expected);
            console.log(`${name} ${label} ${method.name}: ${seconds(wallMs)} s, target CPU ${result.targetCpuS.toFixed(2)} s` +
              (run.peakRssBytes === undefined ? '' : `, peak RSS ${(run.peakRssBytes / 1e6).toFixed(0)} MB`) +
              (run.note ? ` (${run.note})` : '') + (same ? ', checked' : `, WRONG RESULT: ${differences(expected, actual)}`));
            if (LOG_DIR && method.pgrepl) writeFileSync(join(LOG_DIR, `${name}-${method.key}-${label.replace(' ', '')}.log`), readFileSync(logFile));
            if (round < 0) continue;
            if (same) entry.rounds.push(result);
            else entry.failures.push(`${label}: wrong result: ${differences(expected, actual)}`);
          } finally {
            if (await relationFiles(target, targetDb) > DEFER_DROP_FILES) deferredDrops.push(targetDb);
            else await target.dropDatabase(targetDb);
          }
        }
      }
      for (const db of deferredDrops.splice(0)) await target.dropDatabase(db);
      // Where the CLI's time goes before it changes anything, measured once outside the rounds.
      let planning = '';
      if (runnable.some((r) => r.method.key === 'apply')) {
        const targetDb = nextTargetName();
        try {
          planning = await probeApplyPlanning({ source, target, sourceDb, targetDb, workDir, logFile: '', env: cleanEnv(toolEnv(source, target, sourceDb, targetDb, workDir)) });
        } catch (err: unknown) {
          planning = `probe failed: ${err instanceof Error ? err.message.slice(0, 500) : String(err)}`;
        }
      }
      const header = `== ${name}: ${dataset.describe(SCALE)}; source database ${size?.db ?? '?'} (table data ${size?.data ?? '?'}), ${size?.tables ?? '?'} tables, ` +
        `largest ${size?.largest ?? '?'} with indexes; built in ${buildS.toFixed(1)} s. PostgreSQL 15 -> 15, ${String(rounds)} rounds` +
        `${WARMUP ? ' after a warm-up round' : ''}, methods alternating; whole clone onto an empty database; wall seconds`;
      const dr: DatasetResults = { dataset: name, header, methods: results };
      all.push(dr);
      const lines = datasetTargets(dr);
      targetLines.push(...lines);
      console.log(`${formatDataset(dr)}${planning ? `\n  pgrepl apply before its first change, probed once (bench/clone/plan-probe.mjs): ${planning}` : ''}` +
        `\n  targets:\n${formatTargets(lines)}`);
      expect(results.flatMap((r) => r.failures.map((f) => `${r.method.name}: ${f}`))).toEqual([]);
    } finally {
      await source.dropDatabase(sourceDb);
    }
  });
});
