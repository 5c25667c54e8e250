// The interactive picker in a real pseudo-terminal (test/harness/pty.ts: python3's pty, no tmux).
//
// 1. The built runPicker on process.stdin/stdout (raw mode, a real TTY), with an in-memory catalog: the scope it
//    returns and the Ctrl-C error. Needs only the build, not the `init` command.
// 2. `pgrepl init --source URL --target URL` with no filter flag, as a user runs it: two source databases, one left
//    out; in the other a table excluded, one schema-only, one windowed by a timestamptz column, one copied whole.
//    The ROWS on the target are checked, then the saved spec must plan no changes.
//
// URLs in argv: the clusters use trust auth and the URLs carry no password (the pty relay puts argv where `ps`
// shows it; with passwords the command would have to read them from its environment).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { KEYS, runInPty, type PtyStep } from '../harness/pty.js';
import { CLI, ensureCli, expectSameRows, runCli, show, tableDigest } from './e2e-helpers.js';

const { enter, space, down } = KEYS;
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PTY_TIMEOUT_MS = 150_000;

/**
 * Keys that tick exactly the choices `wanted` accepts in the checkbox whose message is `message`, from its last
 * render in the transcript (cursor on the first choice, nothing ticked), then submit. Choice lines render as
 * `❯◯ label` / ` ◉ label`.
 */
function tick(message: string, wanted: (label: string) => boolean, untickAllFirst = false): (transcript: string) => string[] {
  return (transcript) => {
    const render = transcript.slice(transcript.lastIndexOf(message));
    const labels: string[] = [];
    for (const line of render.split('\n').slice(1)) {
      const m = /^[❯ ]?[◉◯] (.*)$/.exec(line);
      if (!m) break;
      labels.push(m[1] ?? '');
    }
    if (labels.length === 0) throw new Error(`no choices rendered after ${JSON.stringify(message)}:\n${render}`);
    const chosen = labels.map(wanted);
    if (!chosen.some(Boolean)) throw new Error(`none of ${JSON.stringify(labels)} is wanted`);
    const keys: string[] = untickAllFirst ? ['a'] : [];
    chosen.forEach((yes, i) => {
      if (i > 0) keys.push(down);
      if (yes) keys.push(space);
    });
    keys.push(enter);
    return keys;
  };
}

/** Waits for the checkbox `message` with its choices and help line fully rendered. */
function checkboxShown(message: string): RegExp {
  return new RegExp(`${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*?submit`);
}

function cleanEnv(home: string): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, TMPDIR: home, NO_COLOR: '1', TERM: 'xterm-256color', LANG: 'C.UTF-8' };
}

/**
 * Compiles src/flags/wizard and what it imports (not the whole CLI, so this part does not wait for, or break on,
 * unrelated work in progress) into `dir`, next to links to package.json and node_modules.
 */
function buildPicker(dir: string): string {
  const out = join(dir, 'build');
  mkdirSync(out);
  symlinkSync(join(REPO, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [
    tsc, '--outDir', out, '--rootDir', join(REPO, 'src'), '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
    '--strict', '--skipLibCheck', '--types', 'node', join(REPO, 'src', 'flags', 'wizard', 'run-picker.ts'),
  ], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling the picker failed:\n${r.stdout}${r.stderr}`);
  return pathToFileURL(join(out, 'flags', 'wizard', 'run-picker.js')).href;
}

describe('the picker under a real terminal (compiled runPicker, in-memory catalog)', () => {
  let dir: string | undefined;
  let pickerUrl: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-wizard-pty-'));
    pickerUrl = buildPicker(dir);
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // A tiny program around runPicker: prints the result as JSON, or the error's class and message (exit 1).
  const PROGRAM = `
    const { runPicker } = await import(process.argv[1]);
    const tables = {
      app: [
        { schema: 'public', table: 'logs', estimatedRows: 1000, timeColumns: [] },
        { schema: 'public', table: 'events', estimatedRows: 50, timeColumns: ['created_at', 'updated_at'] },
      ],
      crm: [{ schema: 'public', table: 'people', estimatedRows: 3, timeColumns: [] }],
    };
    const catalog = { databases: Object.keys(tables), tables: async (d) => tables[d] ?? [] };
    try {
      const result = await runPicker(catalog, { input: process.stdin, output: process.stdout });
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
      process.exit(0);
    } catch (e) {
      process.stdout.write('\\nERROR ' + e.name + ': ' + e.message + '\\n');
      process.exit(1);
    }`;

  function runProgram(steps: readonly PtyStep[]) {
    const cwd = dir ?? tmpdir();
    return runInPty([process.execPath, '--input-type=module', '-e', PROGRAM, pickerUrl], { cwd, env: cleanEnv(cwd), steps, timeoutMs: 30_000 });
  }

  it('every choice comes back in the scope', async () => {
    const r = await runProgram([
      { waitFor: checkboxShown('Databases to replicate'), send: [down, space, enter] },
      { waitFor: checkboxShown("Tables of 'app' to EXCLUDE"), send: tick("Tables of 'app' to EXCLUDE", (l) => l.startsWith('public.logs ')) },
      { waitFor: checkboxShown("Tables of 'app' to copy as SCHEMA ONLY"), send: enter },
      { waitFor: checkboxShown("Tables of 'app' to copy only RECENT"), send: [space, enter] },
      { waitFor: /Time column of public\.events/, send: [down, enter] },
      { waitFor: /whose updated_at is within the last/, send: ['1 year', enter] },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection as a spec file/, send: ['y', enter] },
      { waitFor: /Spec file path/, send: enter },
    ]);
    expect(r.exitCode, r.transcript).toBe(0);
    const json = /RESULT (.*)/.exec(r.transcript)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual({
      scope: {
        databases: { kind: 'only', names: ['app'] },
        perDatabase: [{
          name: 'app', includeTables: null, excludeTables: [{ schema: 'public', table: 'logs' }], schemaOnly: [], tableFilters: [],
          timeFilters: [{ schema: 'public', table: 'events', column: 'updated_at', last: '1 year' }],
        }],
        notes: [],
      },
      saveSpecTo: join(dir ?? '', 'pgrepl.yaml'),
    });
    expect(r.transcript).toContain('Not replicated: crm');
  });

  it('Ctrl-C is a clear cancellation, exit 1', async () => {
    const r = await runProgram([{ waitFor: checkboxShown('Databases to replicate'), send: KEYS.ctrlC }]);
    expect(r.exitCode).toBe(1);
    expect(r.transcript).toMatch(/ERROR InputError: Interactive selection cancelled: nothing was changed\./);
  });
});

describe('pgrepl init in a terminal, no filter flags: the picker decides what lands on the target', () => {
  let src: Cluster;
  let tgt: Cluster;
  let chosen: string;
  let leftOut: string;
  let dir: string;
  let env: Record<string, string>;
  let sourceUrl: string;
  let targetUrl: string;

  beforeAll(async () => {
    // A source of its own, so the picker lists only this test's databases (and none of other files' scratch ones).
    [src, tgt] = await Promise.all([getCluster({ major: 17, settings: { cluster_name: 'wizard_pty_source' } }), getCluster({ major: 17 }), ensureCli()]);
    chosen = await src.createDatabase('wizard_app');
    leftOut = await src.createDatabase('wizard_other');
    await src.query(`
      CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
      CREATE TABLE public.audit_log (id bigint PRIMARY KEY, message text);
      INSERT INTO public.audit_log SELECT g, 'message ' || g FROM generate_series(1, 20) g;
      CREATE TABLE public.settings (key text PRIMARY KEY, value text);
      INSERT INTO public.settings VALUES ('a', '1'), ('b', '2');
      -- 1.5 .. 100.5 days old: 29 rows inside a 30-day window, none within half a day of its edge.
      CREATE TABLE public.events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text);
      INSERT INTO public.events SELECT g, now() - make_interval(days => g, hours => 12), 'event ' || g FROM generate_series(1, 100) g;
      ANALYZE;`, [], chosen);
    await src.query('CREATE TABLE public.other (id int PRIMARY KEY); INSERT INTO public.other SELECT generate_series(1, 5);', [], leftOut);
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-wizard-init-'));
    mkdirSync(join(dir, 'home'));
    env = cleanEnv(join(dir, 'home'));
    sourceUrl = src.url({ database: 'postgres', password: '' });
    targetUrl = tgt.url({ database: 'postgres', password: '' });
  });

  afterAll(async () => {
    if (chosen !== undefined) await tgt?.dropDatabase(chosen);
    if (leftOut !== undefined) await tgt?.dropDatabase(leftOut);
    await src?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const init = (steps: readonly PtyStep[]) =>
    runInPty([process.execPath, CLI, 'init', '--source', sourceUrl, '--target', targetUrl], { cwd: dir, env, steps, timeoutMs: PTY_TIMEOUT_MS });

  it('Ctrl-C at the first prompt exits 1 and changes nothing', async () => {
    const r = await init([{ waitFor: checkboxShown('Databases to replicate'), send: KEYS.ctrlC }]);
    expect(r.exitCode, r.transcript).toBe(1);
    expect(r.transcript).toMatch(/cancelled: nothing was changed/);
    expect(await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [chosen])).toHaveLength(0);
    expect(existsSync(join(dir, '.pgrepl')), 'no flag-mode state').toBe(false);
  });

  it('no at "Proceed with this configuration?" exits 1 and changes nothing', async () => {
    const tables = `Tables of '${chosen}' to`;
    const r = await init([
      { waitFor: checkboxShown('Databases to replicate'), send: tick('Databases to replicate', (l) => l === chosen, true) },
      { waitFor: checkboxShown(`${tables} EXCLUDE`), send: enter },
      { waitFor: checkboxShown(`${tables} copy as SCHEMA ONLY`), send: enter },
      { waitFor: checkboxShown(`${tables} copy only RECENT`), send: enter },
      { waitFor: /Proceed with this configuration\?/, send: ['n', enter] },
    ]);
    expect(r.exitCode, r.transcript).toBe(1);
    expect(r.transcript).toMatch(/cancelled: nothing was changed/);
    expect(r.transcript).not.toMatch(/Save this selection/);
    expect(await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [chosen])).toHaveLength(0);
    expect(existsSync(join(dir, '.pgrepl')), 'no flag-mode state').toBe(false);
  });

  it('copies what was picked: table excluded, schema-only, time window, the rest whole; the saved spec plans nothing', async () => {
    const tables = (db: string): string => `Tables of '${db}' to`;
    const r = await init([
      { waitFor: checkboxShown('Databases to replicate'), send: tick('Databases to replicate', (l) => l === chosen, true) },
      { waitFor: checkboxShown(`${tables(chosen)} EXCLUDE`), send: tick(`${tables(chosen)} EXCLUDE`, (l) => l.startsWith('public.audit_log ')) },
      { waitFor: checkboxShown(`${tables(chosen)} copy as SCHEMA ONLY`), send: tick(`${tables(chosen)} copy as SCHEMA ONLY`, (l) => l.startsWith('public.settings ')) },
      { waitFor: checkboxShown(`${tables(chosen)} copy only RECENT`), send: tick(`${tables(chosen)} copy only RECENT`, (l) => l.startsWith('public.events ')) },
      { waitFor: /Copy rows of public\.events whose created_at is within the last/, send: ['30 days', enter] },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection as a spec file/, send: ['y', enter] },
      { waitFor: /Spec file path/, send: ['wizard.yaml', enter] },
      { waitFor: /Proceed\? \[y\/N\]/, send: ['y', enter] },
    ]);
    expect(r.exitCode, r.transcript).toBe(0);
    // The summary listed every choice, not only the databases and exclusions.
    expect(r.transcript).toContain(`Not replicated: ${leftOut}`);
    expect(r.transcript).toContain('✗ public.audit_log');
    expect(r.transcript).toContain('○ public.settings');
    expect(r.transcript).toContain('◷ public.events: rows whose created_at is within the last 30 days');

    // Rows on the target.
    expect(await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [leftOut]), 'the database left out').toHaveLength(0);
    const regclass = async (name: string) => (await tgt.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [name], chosen))[0]?.r ?? null;
    expect(await regclass('public.audit_log'), 'the excluded table').toBeNull();
    expect(await regclass('public.settings'), 'the schema-only table').toBe('settings');
    expect(await tableDigest(tgt, chosen, 'public.settings')).toMatchObject({ rows: 0 });
    const counts = await expectSameRows(src, chosen, tgt, chosen, [
      'public.customers',
      { table: 'public.events', where: `created_at > now() - interval '30 days'` },
    ]);
    expect(counts).toEqual({ 'public.customers': 50, 'public.events': 29 });

    // The saved spec describes what was done: planning it finds nothing to do.
    const spec = join(dir, 'wizard.yaml');
    expect(existsSync(spec), r.transcript).toBe(true);
    const plan = await runCli(['plan', '--spec', spec, '--detailed-exitcode'], { env, cwd: dir });
    expect(plan.stdout, show(plan)).toContain('No changes.');
    expect(plan.code, show(plan)).toBe(0);
  });
});
