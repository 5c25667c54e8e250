// `pgrepl apply` as a real process (node dist/cli/main.js, built first when src/ is newer), where stdin is not a
// terminal and signals are real: without --auto-approve it exits 1 and changes nothing; SIGINT during the copy
// cancels cleanly (exit 1, the COPY rolled back, the lock released, no pgrepl session left), and the next apply
// finishes the job, after which plan --detailed-exitcode says 0. Scram profile, 15 -> 17; no password in any output.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, percentEncode, SOURCE_ROLE, TARGET_ROLE, type Cluster } from '../harness/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const BIG_ROWS = 500_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

function pgrepl(args: readonly string[], env: NodeJS.ProcessEnv, opts: { readonly interruptWhen?: RegExp } = {}): Promise<Exit> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let interrupted = false;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (opts.interruptWhen !== undefined && !interrupted && opts.interruptWhen.test(out)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

/** Runs pgrepl under `script`, so stdin and stdout are a terminal; `answer` is typed once the question shows. */
function pgreplInTerminal(args: readonly string[], env: NodeJS.ProcessEnv, answer: string): Promise<Exit> {
  const command = [process.execPath, MAIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...env, NO_COLOR: '1', COLUMNS: '100', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let answered = false;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (!answered && out.includes('Enter a value:')) {
      answered = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
}

const SECRETS = [SOURCE_ROLE.password, TARGET_ROLE.password];
function expectNoSecret(text: string): void {
  for (const s of SECRETS) for (const form of [s, percentEncode(s), encodeURIComponent(s), s.slice(2, 9)]) expect(text.includes(form)).toBe(false);
}

describe('pgrepl apply as a process (scram, 15 -> 17)', () => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  let targetDb: string;
  let dir: string;
  let spec: string;
  let statePath: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ensureBuilt();
    src = await getCluster({ major: 15, auth: 'scram' });
    tgt = await getCluster({ major: 17, auth: 'scram' });
    db = await src.createDatabase('cliproc', { owner: SOURCE_ROLE.user });
    targetDb = `pgrepl_t_cliproc_tgt_${Math.random().toString(36).slice(2, 8)}`;
    await src.query(`SET ROLE ${SOURCE_ROLE.user};
      CREATE TABLE public.big (id int PRIMARY KEY, payload text NOT NULL);
      INSERT INTO public.big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, ${BIG_ROWS}) g;
      CREATE TABLE public.small (id int PRIMARY KEY, note text);
      INSERT INTO public.small SELECT g, 'n' || g FROM generate_series(1, 100) g;
      ANALYZE`, [], db);
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-cli-proc-'));
    spec = join(dir, 'pgrepl.yaml');
    statePath = join(dir, 'state.json');
    writeFileSync(spec, [
      'version: 1', 'source: { url: "${SRC}" }', 'target: { url: "${TGT}" }', `state: { path: ${JSON.stringify(statePath)} }`,
      'databases:', `  ${db}:`, `    target_database: ${targetDb}`, '    sync: false', '    roles: skip', '',
    ].join('\n'));
    env = { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', SRC: src.url({ user: SOURCE_ROLE.user }), TGT: tgt.url({ user: TARGET_ROLE.user }) };
  }, 240_000);

  afterAll(async () => {
    if (db) await src.dropDatabase(db);
    if (targetDb) await tgt.dropDatabase(targetDb);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without --auto-approve and no terminal: exit 1 naming the flag, nothing changed', async () => {
    const r = await pgrepl(['apply', '--spec', spec], env);
    expectNoSecret(r.out + r.err);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('--auto-approve');
    expect((await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [targetDb])).length).toBe(0);
    expect(existsSync(statePath)).toBe(false);
  });

  it('SIGINT during the copy cancels cleanly and releases the lock; the next apply finishes and plan is empty', async () => {
    const r = await pgrepl(['apply', '--spec', spec, '--auto-approve'], env, { interruptWhen: /copying \d+ tables?/ });
    expectNoSecret(r.out + r.err);
    expect(r.code, `${r.out}\n${r.err}`).toBe(1);
    expect(r.err).toMatch(/SIGINT: cancelling/);
    expect(r.err).toMatch(/cancelled/);
    expect(r.out).not.toContain('Apply complete!');
    expect(existsSync(`${statePath}.lock`)).toBe(false);
    // The COPY was rolled back: no row of big landed, and no pgrepl session is left on either server.
    expect((await tgt.query<{ n: string }>('SELECT count(*) AS n FROM public.big', [], targetDb))[0]?.n).toBe('0');
    for (const c of [src, tgt]) {
      const left = await c.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'pgrepl' AND pid <> pg_backend_pid()");
      expect(left).toEqual([]);
    }

    const again = await pgrepl(['apply', '--spec', spec, '--yes'], env);
    expectNoSecret(again.out + again.err);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/Apply complete!/);
    for (const t of ['public.big', 'public.small']) {
      const q = `SELECT count(*) AS n, sum(hashtext(t::text)::bigint)::text AS h FROM ${t} t`;
      expect(await tgt.query(q, [], targetDb)).toEqual(await src.query(q, [], db));
    }
    const plan = await pgrepl(['plan', '--spec', spec, '--detailed-exitcode'], env);
    expect(plan.code, plan.out + plan.err).toBe(0);
    expect(plan.out).toContain('No changes.');
  });

  it('in a terminal apply asks: anything but yes changes nothing; yes applies with the live view', async () => {
    await src.query(`SET ROLE ${SOURCE_ROLE.user}; CREATE TABLE public.asked (id int PRIMARY KEY); INSERT INTO public.asked SELECT generate_series(1, 10)`, [], db);
    const no = await pgreplInTerminal(['apply', '--spec', spec], env, 'no');
    expectNoSecret(no.out + no.err);
    expect(no.out).toContain("Only 'yes' will be accepted to approve.");
    expect(no.code, no.out).toBe(1);
    expect(no.out).toContain('Apply cancelled: nothing was changed.');
    expect((await tgt.query('SELECT 1 FROM pg_class WHERE relname = $1', ['asked'], targetDb)).length).toBe(0);

    const yes = await pgreplInTerminal(['apply', '--spec', spec], env, 'yes');
    expectNoSecret(yes.out + yes.err);
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/Apply complete! 2 added/);
    // The live view redraws in place: cursor up and clear.
    expect(yes.out).toContain('\x1b[J');
    expect((await tgt.query<{ n: string }>('SELECT count(*) AS n FROM public.asked', [], targetDb))[0]?.n).toBe('10');
  });
});
