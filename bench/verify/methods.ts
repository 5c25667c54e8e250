// What the verify benchmark times, each over the same pair of databases (source and its copy on the target):
//   count     `SELECT count(*) FROM ONLY t` of every table on the source, one after another: the sequential-scan floor
//   pgrepl    `pgrepl verify --json --jobs N` (the CLI as built, dist/cli/main.js), its report checked
//   pgcopydb  `pgcopydb compare data` when this pgcopydb has it (0.13+); Debian bookworm's 0.10 has no `compare`, so
//             otherwise its per-table query run as it runs it (the stand-in, labelled so)
// Every method is checked against what the round expects (all equal, or exactly one changed key), so a method that
// skips work or misses the difference cannot win.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ident, type Cluster } from '../../test/harness/index.js';
import type { VerifyReport } from '../../src/verify/types.js';
import { onPath, sh } from '../lib/proc.js';
import { run } from './run.js';

export interface BenchTable {
  readonly schema: string;
  readonly name: string;
  /** Column names in attnum order (what pgcopydb's row constructor lists). */
  readonly columns: readonly string[];
}

/** What the round's databases hold: the same rows, or the same rows but one changed row of `table` at `key`. */
export type Expectation =
  | { readonly kind: 'equal' }
  | { readonly kind: 'changed'; readonly table: string; readonly key: readonly string[] };

export interface VerifyCtx {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly sourceDb: string;
  readonly targetDb: string;
  readonly tables: readonly BenchTable[];
  readonly specPath: string;
  readonly workDir: string;
  readonly jobs: number;
  readonly env: NodeJS.ProcessEnv;
  readonly expect: Expectation;
}

export interface MethodRun {
  readonly wallMs: number;
  /** Seconds per table (`schema.name`), where the method tells. */
  readonly tableS?: Readonly<Record<string, number>>;
  readonly peakRssBytes?: number;
  readonly note?: string;
  /** Why the result is wrong for the round's expectation; undefined when right. */
  readonly wrong?: string;
}

export type MethodKey = 'count' | 'pgrepl' | 'pgcopydb';

export interface Method {
  readonly key: MethodKey;
  /** Resolved once: the real pgcopydb or the stand-in has different names. */
  name: string;
  /** Why the method cannot run here, or null. */
  unavailable(): Promise<string | null>;
  run(ctx: VerifyCtx): Promise<MethodRun>;
}

const REPO = resolve(import.meta.dirname, '../..');
// PGREPL_BENCH_CLI: another build of the CLI (e.g. one made aside while dist/ is shared with other work).
export const CLI = resolve(process.env['PGREPL_BENCH_CLI'] ?? join(REPO, 'dist/cli/main.js'));
const RSS_HOOK = resolve(import.meta.dirname, '../clone/max-rss-hook.mjs');

const qualified = (t: BenchTable): string => `${ident(t.schema)}.${ident(t.name)}`;
const label = (t: BenchTable): string => `${t.schema}.${t.name}`;

const count: Method = {
  key: 'count', name: 'SELECT count(*) on the source',
  unavailable: () => Promise.resolve(null),
  run: async (ctx) => {
    const tableS: Record<string, number> = {};
    const start = performance.now();
    // One TCP session, as the tools have: the floor is the scans, not connection set-ups.
    const client = await ctx.source.connect({ database: ctx.sourceDb });
    try {
      for (const t of ctx.tables) {
        const t0 = performance.now();
        await client.query(`SELECT count(*) FROM ONLY ${qualified(t)}`);
        tableS[label(t)] = (performance.now() - t0) / 1000;
      }
    } finally {
      await client.end();
    }
    return { wallMs: performance.now() - start, tableS };
  },
};

/** The table's name in pgrepl's report (`schema.name`, quoted like SQL where needed) matched loosely. */
function sameTable(reported: string, wanted: string): boolean {
  return reported.replaceAll('"', '') === wanted;
}

function checkReport(report: VerifyReport, code: number | null, ctx: VerifyCtx): string | undefined {
  const tables = report.databases.flatMap((d) => d.tables);
  if (tables.length !== ctx.tables.length) return `${String(tables.length)} tables reported, ${String(ctx.tables.length)} expected`;
  const wantChanged = ctx.expect.kind === 'changed' ? ctx.expect : undefined;
  for (const t of tables) {
    if (wantChanged && sameTable(t.table, wantChanged.table)) {
      if (t.outcome !== 'different') return `${t.table}: outcome ${t.outcome}, expected different`;
      const d = t.differences;
      const got = JSON.stringify(d ? { changed: d.changed, missing: d.missing, extra: d.extra } : null);
      const want = JSON.stringify({ changed: [wantChanged.key], missing: [], extra: [] });
      if (got !== want) return `${t.table}: differences ${got}, expected ${want}`;
    } else if (t.outcome !== 'equal') {
      return `${t.table}: outcome ${t.outcome}${t.error ? ` (${t.error})` : ''}, expected equal`;
    }
  }
  const wantCode = wantChanged ? 2 : 0;
  if (code !== wantCode) return `exit ${String(code)}, expected ${String(wantCode)}`;
  return undefined;
}

let cliProbe: Promise<string | null> | undefined;

const pgrepl: Method = {
  key: 'pgrepl', name: 'pgrepl verify (CLI)',
  unavailable: () => {
    cliProbe ??= (async () => {
      if (!existsSync(CLI)) return `${CLI} is missing (run npm run build)`;
      try {
        const help = await sh(`node "${CLI}" --help`, process.env);
        if (!/^\s*pgrepl verify\b/m.test(help)) return '`pgrepl verify` is not in this build yet (npm run build once it lands)';
      } catch (err: unknown) {
        return `\`pgrepl --help\` failed: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`;
      }
      return null;
    })();
    return cliProbe;
  },
  run: async (ctx) => {
    const rssFile = join(ctx.workDir, 'verify-rss');
    rmSync(rssFile, { force: true });
    const ran = await run(process.execPath, [
      '--import', RSS_HOOK, CLI, 'verify', '--spec', ctx.specPath, '--json', '--jobs', String(ctx.jobs),
    ], {
      ...ctx.env,
      SOURCE_URL: ctx.source.url({ database: 'postgres' }),
      TARGET_URL: ctx.target.url({ database: 'postgres' }),
      PGREPL_BENCH_RSS_FILE: rssFile,
      NO_COLOR: '1',
    });
    const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
    const base = { wallMs: ran.wallMs, ...(peak === undefined ? {} : { peakRssBytes: peak }) };
    let report: VerifyReport;
    try {
      report = JSON.parse(ran.stdout) as VerifyReport;
    } catch {
      return { ...base, wrong: `exit ${String(ran.code)}, no JSON report on stdout: ${ran.stdout.slice(0, 300)} ${ran.stderr.slice(-1200)}` };
    }
    const tables = report.databases.flatMap((d) => d.tables);
    const tableS = Object.fromEntries(tables.map((t) => [t.table.replaceAll('"', ''), t.seconds]));
    const chunks = tables.reduce((n, t) => n + t.chunks.total, 0);
    const wrong = checkReport(report, ran.code, ctx);
    return {
      ...base, tableS,
      note: `report ${report.seconds.toFixed(2)} s, ${String(chunks)} chunks` +
        (report.summary.schemaDifferences > 0 ? `, ${String(report.summary.schemaDifferences)} schema differences` : ''),
      ...(wrong === undefined ? {} : { wrong: `${wrong}; stderr: ${ran.stderr.slice(-800)}` }),
    };
  },
};

let realCompare: Promise<boolean> | undefined;
/** Whether this pgcopydb has `compare data` (0.13+; Debian bookworm ships 0.10, without it). */
function hasCompare(): Promise<boolean> {
  realCompare ??= (async () => {
    if (!(await onPath('pgcopydb'))) return false;
    try {
      await sh('pgcopydb compare data --help >/dev/null 2>&1', process.env);
      return true;
    } catch {
      return false;
    }
  })();
  return realCompare;
}

/**
 * pgcopydb's per-table query (pgcopydb 0.13+ `schema_send_table_checksum`): row count and the summed `hashtext` of
 * the row constructor of every column, run on source and target at once, tables shared among `jobs` workers. It
 * leaves out pgcopydb's catalog reads and process start, so it is a lower bound of pgcopydb's own time.
 */
function checksumSql(t: BenchTable): string {
  if (t.columns.length === 0) return `select count(1) as cnt, '0' as chksum from only ${qualified(t)}`;
  return `select count(1)::text as cnt, encode(sha256(format('%s-%s', sum(hashtext((${t.columns.map(ident).join(', ')})::text)::bigint), ` +
    `count(1))::bytea), 'hex') as chksum from only ${qualified(t)}`;
}

interface Checksum { readonly cnt: string; readonly chksum: string }

async function standIn(ctx: VerifyCtx): Promise<MethodRun> {
  const tableS: Record<string, number> = {};
  const differing: string[] = [];
  const queue = [...ctx.tables];
  const start = performance.now();
  // Each worker holds one session per side (as pgcopydb's compare workers do) and sends both sides' query at once.
  await Promise.all(Array.from({ length: ctx.jobs }, async () => {
    const src = await ctx.source.connect({ database: ctx.sourceDb });
    const tgt = await ctx.target.connect({ database: ctx.targetDb });
    try {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
        const t0 = performance.now();
        const sql = checksumSql(t);
        const [a, b] = await Promise.all([src.query<Checksum>(sql), tgt.query<Checksum>(sql)]);
        tableS[label(t)] = (performance.now() - t0) / 1000;
        const [s, g] = [a.rows[0], b.rows[0]];
        if (s?.cnt !== g?.cnt || s?.chksum !== g?.chksum) differing.push(label(t));
      }
    } finally {
      await src.end();
      await tgt.end();
    }
  }));
  const wallMs = performance.now() - start;
  const want = ctx.expect.kind === 'changed' ? [ctx.expect.table] : [];
  const wrong = JSON.stringify(differing.sort()) === JSON.stringify(want) ? undefined : `tables differing ${JSON.stringify(differing)}, expected ${JSON.stringify(want)}`;
  return { wallMs, tableS, note: 'table-level only, no keys', ...(wrong === undefined ? {} : { wrong }) };
}

async function realPgcopydb(ctx: VerifyCtx): Promise<MethodRun> {
  const dir = join(ctx.workDir, 'pgcopydb-compare');
  rmSync(dir, { recursive: true, force: true });
  const ran = await run('bash', ['-c', `PATH="$BIN:$PATH" exec pgcopydb compare data --source "$SRC_URI" --target "$TGT_URI" --dir "$CMP_DIR" --table-jobs ${String(ctx.jobs)}`],
    { ...ctx.env, CMP_DIR: dir });
  rmSync(dir, { recursive: true, force: true });
  const wantFail = ctx.expect.kind === 'changed';
  const wrong = (ran.code === 0) === !wantFail ? undefined : `exit ${String(ran.code)}, expected ${wantFail ? 'non-zero' : '0'}: ${ran.stderr.slice(-1200)}`;
  return { wallMs: ran.wallMs, note: 'table-level only, no keys', ...(wrong === undefined ? {} : { wrong }) };
}

const pgcopydb: Method = {
  key: 'pgcopydb', name: 'pgcopydb compare data',
  unavailable: async () => {
    if (!(await hasCompare())) pgcopydb.name = 'pgcopydb compare data (stand-in: its query)';
    return null;
  },
  run: async (ctx) => ((await hasCompare()) ? realPgcopydb(ctx) : standIn(ctx)),
};

export const METHODS: readonly Method[] = [count, pgrepl, pgcopydb];
