// `pgrepl demo` end to end through the built CLI (`npm run build` first, as a user would get it after npm ci):
// the whole job succeeds and converges, and whatever happens (success, a bad flag, Ctrl-C) no pgrepl-demo-*
// directory and no postgres process is left behind; --keep leaves servers that its printed commands stop.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI is built once per worker (shared with the other end-to-end tests); PGREPL_E2E_CLI names a prebuilt one.
import { CLI, ensureCli } from './e2e-helpers.js';

const DEMO_TIMEOUT_MS = 240_000;

// The demo's temporary directories go under a parent of this file's own (TMPDIR), so the leftover checks see
// only this file's runs. Enterable by the server user, as $TMPDIR is.
const parent = mkdtempSync(join(tmpdir(), 'pgrepl-demo-cli-'));
chmodSync(parent, 0o711);
afterAll(() => {
  killLeftovers();
  rmSync(parent, { recursive: true, force: true });
});

interface DemoRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs `pgrepl demo …`; `onOutput` may send it a signal when it sees something. */
function runDemo(args: readonly string[], onOutput?: (output: string, pid: number) => void): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'demo', ...args], {
      cwd: parent,
      env: { ...process.env, TMPDIR: parent, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (child.pid !== undefined) onOutput?.(output, child.pid);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), DEMO_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

function demoDirs(): string[] {
  return readdirSync(parent).filter((name) => name.startsWith('pgrepl-demo-'));
}

/** Processes whose command line mentions our parent directory (a postmaster: `postgres -D <parent>/…/data`). */
function processesUnderParent(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(join('/proc', pid, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(parent) && !cmdline.includes('vitest')) found.push(`${pid}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Immediate shutdown of any postmaster this file left (a failed --keep test), before its directory goes. */
function killLeftovers(): void {
  for (const line of processesUnderParent()) {
    try { process.kill(Number(line.split(':')[0]), 'SIGQUIT'); } catch { /* gone */ }
  }
}

function expectNothingLeft(): void {
  expect(demoDirs()).toEqual([]);
  expect(processesUnderParent()).toEqual([]);
}

beforeAll(() => ensureCli(), 300_000);

describe('pgrepl demo', () => {
  it('runs validate, plan, apply, a streamed row, status, verify and an empty second plan, then cleans up', async () => {
    const run = await runDemo([]);
    expect(run.output).toContain('==> pgrepl validate');
    expect(run.output).toContain('Apply complete!');
    expect(run.output).toMatch(/inserted a lead on the source; the target had it \d+\.\d s later/);
    expect(run.output).toContain('==> pgrepl status');
    expect(run.output).toContain('Overall: healthy');
    expect(run.output).toMatch(/Verify: 9 tables checked, 9 equal, 0 different/);
    expect(run.output).toContain('==> pgrepl plan --detailed-exitcode');
    expect(run.output).toContain('No changes');
    expect(run.output).toMatch(/Demo complete in \d+\.\ds/);
    expect(run.code, run.output).toBe(0);
    expectNothingLeft();
  }, DEMO_TIMEOUT_MS);

  it('fails with a bad --bin-dir, saying why, and leaves nothing', async () => {
    const run = await runDemo(['--bin-dir', join(parent, 'nowhere')]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/--bin-dir .*nowhere has no initdb, pg_ctl, postgres/);
    expect(run.output).toContain('Demo stopped');
    expectNothingLeft();
  }, DEMO_TIMEOUT_MS);

  it.each(['==> pgrepl validate', '==> pgrepl apply --auto-approve'])('stops on Ctrl-C at "%s", cleans up and exits 130', async (header) => {
    let sent = false;
    const run = await runDemo([], (output, pid) => {
      if (!sent && output.includes(header)) {
        sent = true;
        process.kill(pid, 'SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(run.output).toContain('interrupted by SIGINT');
    expect(run.code).toBe(130);
    expectNothingLeft();
  }, DEMO_TIMEOUT_MS);

  it('--keep leaves both servers up, and the printed commands stop them', async () => {
    // --keep keeps the servers whether or not every step succeeded, so this does not depend on apply.
    const run = await runDemo(['--keep']);
    try {
      expect(run.output).toContain('Servers left running (--keep)');
      expect(demoDirs()).toHaveLength(1);
      expect(processesUnderParent().length).toBeGreaterThanOrEqual(2);
      const printed = run.output.split('Stop them and remove everything with:\n')[1] ?? '';
      const commands = printed.split('\n').map((l) => l.trim()).filter((l) => l.includes('pg_ctl stop') || l.startsWith('rm -rf'));
      expect(commands).toHaveLength(3);
      for (const command of commands) {
        const result = spawnSync('sh', ['-c', command], { cwd: '/', encoding: 'utf8' });
        expect(result.status, `${command}\n${result.stderr}`).toBe(0);
      }
      // pg_ctl waits for the pid file; the postmaster process itself may take a moment more to be reaped.
      for (let i = 0; i < 50 && processesUnderParent().length > 0; i += 1) await new Promise((r) => setTimeout(r, 100));
      expectNothingLeft();
    } finally {
      killLeftovers();
    }
  }, DEMO_TIMEOUT_MS);
});
