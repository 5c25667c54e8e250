// The clone methods the benchmark compares. Each clones the source database into `ctx.targetDb` on the target
// cluster; the bench has created that database empty before the clock starts, except for methods that create it
// themselves (`createsTarget`), whose CREATE DATABASE is inside their time.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Cluster } from '../../test/harness/index.js';
import { onPath, sh } from '../lib/proc.js';
import { applyPhases, runStamped } from './apply-timeline.js';
import { engineClone } from './copy-engine.js';

export type MethodKey = 'fd' | 'fc' | 'psql' | 'pgcopydb' | 'apply' | 'engine';

export interface CloneCtx {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly sourceDb: string;
  readonly targetDb: string;
  /** A directory of this run (dumps, specs, state files, logs). */
  readonly workDir: string;
  /** Where the method's stdout goes (kept for the profile and for failures). */
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface MethodRun {
  readonly phasesMs?: Readonly<Record<string, number>>;
  /** pgrepl only: the peak resident set of the process doing the copy. */
  readonly peakRssBytes?: number;
  readonly note?: string;
}

export interface Method {
  readonly key: MethodKey;
  readonly name: string;
  /** A pgrepl method (compared against the peers), or a peer. */
  readonly pgrepl: boolean;
  readonly createsTarget: boolean;
  /** Why the method cannot run here, or null. */
  unavailable(): Promise<string | null>;
  run(ctx: CloneCtx): Promise<MethodRun>;
}

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/main.js');
const RSS_HOOK = join(import.meta.dirname, 'max-rss-hook.mjs');
const PLAN_PROBE = join(import.meta.dirname, 'plan-probe.mjs');
const JOBS = 2;

/** Environment of the client tools: binaries, ports and databases; libpq reads PGHOST/PGUSER. */
export function toolEnv(source: Cluster, target: Cluster, sourceDb: string, targetDb: string, workDir: string): Record<string, string> {
  return {
    BIN: source.binDir,
    PGHOST: '127.0.0.1',
    PGUSER: source.superuser.user,
    PGAPPNAME: 'pgrepl_bench',
    SRC_PORT: String(source.port),
    TGT_PORT: String(target.port),
    SRC_DB: sourceDb,
    TGT_DB: targetDb,
    SRC_URI: source.url({ database: sourceDb }),
    TGT_URI: target.url({ database: targetDb }),
    WORK_DIR: workDir,
  };
}

const always = (): Promise<string | null> => Promise.resolve(null);

const fd: Method = {
  key: 'fd', name: 'pg_dump -Fd -j2 + pg_restore -j2', pgrepl: false, createsTarget: false, unavailable: always,
  run: async (ctx) => {
    const dir = join(ctx.workDir, 'dump');
    rmSync(dir, { recursive: true, force: true });
    let t = performance.now();
    await sh(`PGPORT=$SRC_PORT "$BIN/pg_dump" -Fd -j${String(JOBS)} -f "$WORK_DIR/dump" "$SRC_DB"`, ctx.env);
    const dumpMs = performance.now() - t;
    t = performance.now();
    await sh(`PGPORT=$TGT_PORT "$BIN/pg_restore" -j${String(JOBS)} --exit-on-error -d "$TGT_DB" "$WORK_DIR/dump"`, ctx.env);
    const restoreMs = performance.now() - t;
    rmSync(dir, { recursive: true, force: true });
    return { phasesMs: { dump: dumpMs, restore: restoreMs } };
  },
};

const fc: Method = {
  key: 'fc', name: 'pg_dump -Fc | pg_restore', pgrepl: false, createsTarget: false, unavailable: always,
  run: async (ctx) => {
    await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" -Fc "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/pg_restore" --exit-on-error -d "$TGT_DB"', ctx.env);
    return {};
  },
};

const psql: Method = {
  key: 'psql', name: 'pg_dump | psql', pgrepl: false, createsTarget: false, unavailable: always,
  run: async (ctx) => {
    await sh('PGPORT=$SRC_PORT "$BIN/pg_dump" "$SRC_DB" | PGPORT=$TGT_PORT "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$TGT_DB" >/dev/null', ctx.env);
    return {};
  },
};

const pgcopydb: Method = {
  key: 'pgcopydb', name: 'pgcopydb clone', pgrepl: false, createsTarget: false,
  unavailable: async () => (await onPath('pgcopydb')) ? null : 'pgcopydb is not on PATH (Debian: apt-get install pgcopydb)',
  run: async (ctx) => {
    rmSync(join(ctx.workDir, 'pgcopydb'), { recursive: true, force: true });
    // pgcopydb runs pg_dump/pg_restore from PATH: the source's own binaries go first. Its log goes to stderr.
    await sh(`PATH="$BIN:$PATH" pgcopydb clone --source "$SRC_URI" --target "$TGT_URI" --dir "$WORK_DIR/pgcopydb" ` +
      `--table-jobs ${String(JOBS)} --index-jobs ${String(JOBS)} 2>>"$BENCH_LOG"`, { ...ctx.env, BENCH_LOG: ctx.logFile });
    rmSync(join(ctx.workDir, 'pgcopydb'), { recursive: true, force: true });
    return {};
  },
};

/** The newest modification time under a directory (to warn about a dist/ older than src/). */
function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

let applyProbe: Promise<string | null> | undefined;
let specSerial = 0;

/** The spec the CLI applies: one snapshot copy (no sync, no roles) of the source database into ctx.targetDb. */
function writeSpec(ctx: CloneCtx): { specPath: string; statePath: string } {
  specSerial += 1;
  const specPath = join(ctx.workDir, `spec-${String(specSerial)}.yaml`);
  const statePath = join(ctx.workDir, `state-${String(specSerial)}.json`);
  rmSync(statePath, { force: true });
  writeFileSync(specPath, [
    'version: 1',
    'source: { url: "${SOURCE_URL}" }',
    'target: { url: "${TARGET_URL}" }',
    `state: { path: ${JSON.stringify(statePath)} }`,
    // Every peer's whole-database dump carries the large objects, so pgrepl copies them too.
    'defaults: { sync: false, roles: skip, large_objects: true }',
    'databases:',
    `  ${JSON.stringify(ctx.sourceDb)}:`,
    `    target_database: ${JSON.stringify(ctx.targetDb)}`,
    '',
  ].join('\n'));
  return { specPath, statePath };
}

const apply: Method = {
  key: 'apply', name: 'pgrepl apply (CLI)', pgrepl: true, createsTarget: process.env['PGREPL_BENCH_PRECREATE'] === '0',
  unavailable: () => {
    applyProbe ??= (async () => {
      if (!existsSync(CLI)) return `${CLI} is missing (run npm run build)`;
      // `pgrepl apply --help` exits 0 even without the command (yargs prints the general help): read the list.
      try {
        const help = await sh(`node "${CLI}" --help`, process.env);
        if (!/^\s*pgrepl apply\b/m.test(help)) return '`pgrepl apply` is not in this build yet (npm run build once it lands)';
      } catch (err: unknown) {
        return `\`pgrepl --help\` failed: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`;
      }
      if (newestMtimeMs(join(REPO, 'src')) > statSync(CLI).mtimeMs) {
        console.log(`note: src/ has changes newer than ${CLI}; the bench measures the build as it is (npm run build to refresh)`);
      }
      return null;
    })();
    return applyProbe;
  },
  run: async (ctx) => {
    const { specPath } = writeSpec(ctx);
    const rssFile = join(ctx.workDir, 'apply-rss');
    rmSync(rssFile, { force: true });
    const profDir = process.env['PGREPL_BENCH_CPU_PROF'];
    const startMs = Date.now();
    await runStamped(process.execPath, [
      '--import', RSS_HOOK, ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(profDir)] : []),
      CLI, 'apply', '--spec', specPath, '--auto-approve', '--no-color',
    ], {
      ...ctx.env,
      SOURCE_URL: ctx.source.url({ database: 'postgres' }),
      TARGET_URL: ctx.target.url({ database: 'postgres' }),
      PGREPL_BENCH_RSS_FILE: rssFile,
      NO_COLOR: '1',
    }, ctx.logFile);
    const phasesMs = applyPhases(readFileSync(ctx.logFile, 'utf8'), startMs, Date.now());
    const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
    return { phasesMs, ...(peak === undefined ? {} : { peakRssBytes: peak }) };
  },
};

const engine: Method = {
  key: 'engine', name: 'pgrepl copy engine (stand-in)', pgrepl: true, createsTarget: false, unavailable: always,
  run: async (ctx) => {
    const phases: Record<string, number> = {};
    let t = performance.now();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    try {
      const summary = await engineClone(ctx, (name) => {
        const now = performance.now();
        phases[name] = now - t;
        t = now;
      });
      return { phasesMs: phases, peakRssBytes: peak, note: `${String(summary.rows)} rows, ${(summary.bytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${[...new Set(summary.results.map((r) => r.format))].join('+')}; RSS is the bench process's (vitest included)` };
    } finally {
      clearInterval(sampler);
    }
  },
};

/**
 * The planning half of `pgrepl apply` timed piece by piece (bench/clone/plan-probe.mjs) against the same spec a
 * round uses, the target database absent: `node start 60 ms, modules 420 ms, …`. Changes nothing.
 */
export async function probeApplyPlanning(ctx: CloneCtx): Promise<string> {
  const { specPath } = writeSpec(ctx);
  const out = await sh(`node "${PLAN_PROBE}" "${specPath}"`, {
    ...ctx.env,
    SOURCE_URL: ctx.source.url({ database: 'postgres' }),
    TARGET_URL: ctx.target.url({ database: 'postgres' }),
  });
  const figures = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  return Object.entries(figures).map(([k, v]) => (k === 'steps' || k === 'planLines' ? `${k} ${String(v)}` : `${k} ${String(v)} ms`)).join(', ');
}

export const METHODS: readonly Method[] = [fd, fc, psql, pgcopydb, apply, engine];
