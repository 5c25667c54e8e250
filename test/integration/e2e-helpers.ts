// Helpers for the end-to-end tests (test/integration/e2e-*.test.ts): they drive the built CLI (`node
// dist/cli/main.js plan|apply …`) as a user would, with a spec and a private environment in a temporary directory,
// and check the result with SQL of their own, independent of pgrepl's code: per table a row count and an
// order-independent hash of every row's text, under the same session settings on both sides.
//
// The CLI is compiled once per test run into the harness's run root (or `npm run build` without one), unless
// PGREPL_E2E_CLI names an entry already built.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { getCluster, ident, literal, percentEncode, type Cluster, type ClusterOptions } from '../harness/index.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PREBUILT = process.env['PGREPL_E2E_CLI'];
// The harness's run root (shared by the workers of one run, removed at its end): the CLI is compiled there, once per
// run, so no test rewrites the shared dist/ under another file's (or another session's) running CLI.
const RUN_ROOT = process.env['PGREPL_HARNESS_ROOT'];
const BUILD_DIR = RUN_ROOT === undefined ? REPO : join(RUN_ROOT, 'e2e-cli');
export const CLI = PREBUILT ?? join(BUILD_DIR, 'dist', 'cli', 'main.js');
const CLI_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 300_000;

const BUILD_KEY = Symbol.for('pgrepl.e2e-build');

function run(command: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => void (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => void (output += c.toString('utf8')));
    child.on('error', (e) => resolve(String(e)));
    child.on('close', (code) => resolve(code === 0 ? null : output || `exit ${String(code)}`));
  });
}

/**
 * In the run root: the first worker takes `e2e-cli.lock` (mkdir is atomic), compiles src/ into `e2e-cli/dist` next
 * to links to package.json, schemas/ and node_modules/ (the CLI reads the first two relative to itself), bundles
 * its entry as `npm run build` does (scripts/bundle-cli.mjs), so the tests run the CLI users run, and writes
 * `e2e-cli/built`; the other workers wait for that marker.
 */
async function buildInRunRoot(root: string): Promise<void> {
  const marker = join(BUILD_DIR, 'built');
  let mine = false;
  try {
    mkdirSync(join(root, 'e2e-cli.lock'));
    mine = true;
  } catch {
    // another worker builds
  }
  if (mine) {
    mkdirSync(BUILD_DIR, { recursive: true });
    for (const name of ['package.json', 'schemas', 'node_modules']) symlinkSync(join(REPO, name), join(BUILD_DIR, name));
    const failed = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(BUILD_DIR, 'dist')]) ??
      await run(process.execPath, [join(REPO, 'scripts', 'bundle-cli.mjs'), join(BUILD_DIR, 'dist')]);
    writeFileSync(marker, failed ?? 'ok');
  }
  const started = Date.now();
  while (!existsSync(marker)) {
    if (Date.now() - started > BUILD_TIMEOUT_MS) throw new Error(`no CLI build in ${BUILD_DIR} after ${BUILD_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const result = readFileSync(marker, 'utf8');
  if (result !== 'ok' || !existsSync(CLI)) throw new Error(`building the CLI into ${BUILD_DIR} failed:\n${result}`);
}

/** Builds the CLI once per run (or per worker without a run root; the promise lives on globalThis). */
export function ensureCli(): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  const cached = g[BUILD_KEY] as Promise<void> | undefined;
  if (cached) return cached;
  const build = async (): Promise<void> => {
    if (PREBUILT !== undefined) {
      if (!existsSync(PREBUILT)) throw new Error(`PGREPL_E2E_CLI=${PREBUILT} does not exist`);
      return;
    }
    if (RUN_ROOT !== undefined) return buildInRunRoot(RUN_ROOT);
    const failed = await run('npm', ['run', 'build']);
    if (failed !== null || !existsSync(CLI)) throw new Error(`npm run build failed:\n${failed ?? ''}`);
  };
  const promise = build();
  g[BUILD_KEY] = promise;
  return promise;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly timeoutMs?: number;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** stdout + stderr so far. */
  output(): string;
}

/** Starts `node <CLI> args…` with exactly `env` (no inherited PG* variables, no ~/.pgpass). */
export function startCli(args: readonly string[], opts: CliOptions): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => void (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => void (stderr += c.toString('utf8')));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? CLI_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => stdout + stderr };
}

export function runCli(args: readonly string[], opts: CliOptions): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Resolves once `running`'s output matches `pattern` (or rejects when it ends first / after timeoutMs). */
export function waitForOutput(running: RunningCli, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (pattern.test(running.output())) return resolve();
      if (running.child.exitCode !== null || running.child.signalCode !== null) {
        return reject(new Error(`the CLI ended before printing ${String(pattern)}:\n${running.output()}`));
      }
      if (Date.now() - started > timeoutMs) return reject(new Error(`no ${String(pattern)} after ${timeoutMs} ms:\n${running.output()}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** A database block of the spec (written as JSON, which YAML 1.2 reads as flow style). */
export type DatabaseSettings = Readonly<Record<string, unknown>>;

export interface WorkspaceOptions {
  readonly source: Cluster;
  readonly target: Cluster;
  readonly sourceUser?: string;
  readonly targetUser?: string;
  /** Source database name -> its settings (`sync: false` is added when missing). */
  readonly databases: Readonly<Record<string, DatabaseSettings>>;
}

/**
 * A temporary directory with a spec (`pgrepl.yaml`, URLs through ${SRC}/${TGT}), a state path, a private TMPDIR
 * (so temporary credential files of the CLI are seen by this test alone) and a HOME without a ~/.pgpass.
 */
export class Workspace {
  readonly dir: string;
  readonly specFile: string;
  readonly statePath: string;
  readonly tmp: string;
  readonly baseEnv: NodeJS.ProcessEnv;
  /** Every CLI run's stdout and stderr, for the secret scans. */
  readonly transcripts: string[] = [];
  private databases: Readonly<Record<string, DatabaseSettings>>;

  constructor(readonly opts: WorkspaceOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'pgrepl-e2e-'));
    this.specFile = join(this.dir, 'pgrepl.yaml');
    this.statePath = join(this.dir, 'state', 'state.json');
    this.tmp = join(this.dir, 'tmp');
    mkdirSync(this.tmp);
    mkdirSync(join(this.dir, 'home'));
    this.baseEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: join(this.dir, 'home'),
      TMPDIR: this.tmp,
      NO_COLOR: '1',
      SRC: opts.source.url(opts.sourceUser === undefined ? {} : { user: opts.sourceUser }),
      TGT: opts.target.url(opts.targetUser === undefined ? {} : { user: opts.targetUser }),
    };
    this.databases = opts.databases;
    this.writeSpec();
  }

  setDatabases(databases: Readonly<Record<string, DatabaseSettings>>): void {
    this.databases = databases;
    this.writeSpec();
  }

  writeSpec(): void {
    const lines = [
      'version: 1',
      'source: { url: "${SRC}" }',
      'target: { url: "${TGT}" }',
      `state: { path: ${JSON.stringify(this.statePath)} }`,
      'databases:',
      ...Object.entries(this.databases).map(([name, settings]) => `  ${JSON.stringify(name)}: ${JSON.stringify({ sync: false, ...settings })}`),
      '',
    ];
    writeFileSync(this.specFile, lines.join('\n'));
  }

  private env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...this.baseEnv, ...extra };
  }

  start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): RunningCli {
    const running = startCli(args, { env: this.env(extraEnv), cwd: this.dir });
    void running.done.then((r) => this.transcripts.push(`$ pgrepl ${args.join(' ')}\n${r.stdout}\n${r.stderr}`), () => undefined);
    return running;
  }

  async cli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const r = await this.start(args, extraEnv).done;
    return r;
  }

  plan(args: readonly string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.cli(['plan', '--spec', this.specFile, ...args], extraEnv);
  }

  apply(args: readonly string[] = ['--auto-approve'], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return this.cli(['apply', '--spec', this.specFile, ...args], extraEnv);
  }

  /** apply --auto-approve that must succeed. */
  async applyOk(args: readonly string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const r = await this.apply(['--auto-approve', ...args], extraEnv);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/Apply complete!|No changes\./);
    return r;
  }

  /** `plan --detailed-exitcode` says there is nothing to do. */
  async expectNoChanges(extraEnv: NodeJS.ProcessEnv = {}, args: readonly string[] = []): Promise<void> {
    const r = await this.plan(['--detailed-exitcode', ...args], extraEnv);
    expect(r.stdout, show(r)).toContain('No changes.');
    expect(r.code, show(r)).toBe(0);
  }

  state(): StateJson {
    return JSON.parse(readFileSync(this.statePath, 'utf8')) as StateJson;
  }

  lockPath(): string {
    return `${this.statePath}.lock`;
  }

  /** Temporary credential files (src/pg/conninfo/temporary-passfile.ts: `pgrepl-XXXXXX/pgpass`) in our TMPDIR. */
  leftoverPassfiles(): string[] {
    const found: string[] = [];
    for (const name of readdirSync(this.tmp)) {
      const full = join(this.tmp, name);
      if (name.startsWith('pgrepl-') && existsSync(join(full, 'pgpass'))) found.push(join(full, 'pgpass'));
      else if (/pgpass|passfile/i.test(name)) found.push(full);
    }
    return found;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface E2eDatabaseOptions {
  /** Prefix of the source database's name, and of the target database's (targetName). */
  readonly name: string;
  /** Run in the new source database: its schema and rows. */
  readonly sql: string;
  /** The spec's databases block; default: the source database into the target database, roles skipped. */
  readonly databases?: (db: string, tdb: string) => Readonly<Record<string, DatabaseSettings>>;
  /** Default { major: 15 }. */
  readonly source?: ClusterOptions;
  /** Default { major: 17 }. */
  readonly target?: ClusterOptions;
  /** Runs once the fixture is filled in, still in beforeAll (e.g. a target database someone else made). */
  readonly setup?: (fixture: E2eDatabase) => Promise<void>;
}

/** One describe block's servers, source database, target database name and workspace. */
export interface E2eDatabase {
  readonly src: Cluster;
  readonly tgt: Cluster;
  readonly db: string;
  readonly tdb: string;
  readonly ws: Workspace;
}

/**
 * The describe-level fixture of an end-to-end test: registers a beforeAll that gets both clusters and the built CLI,
 * creates the source database from `sql`, picks a target database name and writes the workspace's spec, and an
 * afterAll that drops both databases and removes the workspace. The returned object's fields are set in beforeAll:
 * read them inside hooks and tests, not at describe time. (Hooks the caller registers later run before this
 * afterAll: vitest runs after-hooks in reverse order.)
 */
export function useE2eDatabase(opts: E2eDatabaseOptions): E2eDatabase {
  const fixture: { -readonly [K in keyof E2eDatabase]?: E2eDatabase[K] } = {};
  beforeAll(async () => {
    const [src, tgt] = await Promise.all([getCluster(opts.source ?? { major: 15 }), getCluster(opts.target ?? { major: 17 }), ensureCli()]);
    fixture.src = src;
    fixture.tgt = tgt;
    const db = await src.createDatabase(opts.name);
    fixture.db = db;
    await src.query(opts.sql, [], db);
    const tdb = targetName(opts.name);
    fixture.tdb = tdb;
    const databases = opts.databases?.(db, tdb) ?? { [db]: { target_database: tdb, roles: 'skip' } };
    fixture.ws = new Workspace({ source: src, target: tgt, databases });
    await opts.setup?.(fixture as E2eDatabase);
  });
  afterAll(async () => {
    if (fixture.db !== undefined) await fixture.src?.dropDatabase(fixture.db);
    if (fixture.tdb !== undefined) await fixture.tgt?.dropDatabase(fixture.tdb);
    fixture.ws?.remove();
  });
  return fixture as E2eDatabase;
}

export interface StateJson {
  readonly lineage: string;
  readonly serial: number;
  readonly resources: ReadonlyArray<{ readonly address: string; readonly kind: string; readonly attributes: Record<string, unknown>; readonly status?: string }>;
}

/** Exit code, signal and both streams, for assertion messages. */
export function show(r: CliResult): string {
  return `exit ${String(r.code)} signal ${String(r.signal)}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** The fixed session settings both sides are hashed under (so text forms of dates, floats, bytea are the same). */
const HASH_SESSION = [
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  "SET TimeZone = 'UTC'",
  'SET extra_float_digits = 3',
  "SET bytea_output = 'hex'",
].join('; ');

export interface TableDigest {
  readonly rows: number;
  readonly hash: string;
}

/** `table` is a qualified name already quoted where needed (e.g. `public.t` or `"Sales"."Order Lines"`). */
export async function tableDigest(cluster: Cluster, database: string, table: string, where?: string): Promise<TableDigest> {
  const rows = await cluster.query<{ n: string; h: string }>(
    `${HASH_SESSION}; SELECT count(*)::text AS n, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS h FROM ${table} t${where === undefined ? '' : ` WHERE ${where}`}`,
    [], database);
  return { rows: Number(rows[0]?.n), hash: rows[0]?.h ?? '' };
}

export interface TableCheck {
  readonly table: string;
  /** The filter, applied on the source side only. */
  readonly where?: string;
}

/** Source and target hold the same rows in every table (filters applied on the source side); returns the counts. */
export async function expectSameRows(
  src: Cluster, srcDb: string, tgt: Cluster, tgtDb: string, tables: ReadonlyArray<string | TableCheck>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const entry of tables) {
    const check = typeof entry === 'string' ? { table: entry } : entry;
    const want = await tableDigest(src, srcDb, check.table, check.where);
    const got = await tableDigest(tgt, tgtDb, check.table);
    expect(got, `rows of ${check.table}${check.where === undefined ? '' : ` WHERE ${check.where}`}`).toEqual(want);
    counts[check.table] = got.rows;
  }
  return counts;
}

/** Ordinary tables (leaf partitions included) of the user's schemas, quoted and qualified, sorted. */
export async function userTables(cluster: Cluster, database: string): Promise<string[]> {
  const rows = await cluster.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     ORDER BY 1`, [], database);
  return rows.map((r) => r.name);
}

/** Every sequence's last_value and is_called (as superuser: no privilege hides one). */
export async function sequenceValues(cluster: Cluster, database: string): Promise<Record<string, string>> {
  const rows = await cluster.query<{ name: string; v: string | null }>(
    `SELECT schemaname || '.' || sequencename AS name, coalesce(last_value::text, 'null') AS v FROM pg_sequences ORDER BY 1`, [], database);
  return Object.fromEntries(rows.map((r) => [r.name, r.v ?? 'null']));
}

export async function databaseExists(cluster: Cluster, name: string): Promise<boolean> {
  return (await cluster.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;
}

/** A scratch-pattern name for a target database pgrepl creates (dropDatabase accepts it). */
export function targetName(prefix: string): string {
  return `pgrepl_t_${prefix}_${Math.random().toString(36).slice(2, 8)}`;
}

export { ident, literal };

/** Every spelling of each secret a leak could take (raw, percent-encoded, SQL- or passfile-escaped, a fragment). */
export function secretSpellings(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    percentEncode(secret),
    secret.replace(/[\\:]/g, (c) => `\\${c}`),
    secret.replaceAll("'", "''"),
    secret.slice(2, 9),
  ];
}
