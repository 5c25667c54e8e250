// `pgrepl force-unlock` through its yargs handler: a wrong id leaves the lock and fails (exit 1) naming the
// holder; the right id removes it (exit 0); a spec's state.path is found through the spec.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forceUnlockCommand } from '../../src/cli/commands/force-unlock-command.js';
import { acquireLock, lockPathFor, releaseLock } from '../../src/state/lock.js';

let dir: string;
let stdout: string[];
let stderr: string[];

async function run(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  await yargs(argv).command(forceUnlockCommand).strict().parseAsync();
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return code;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgrepl-unlock-'));
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (stdout.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('pgrepl force-unlock', () => {
  it('refuses a wrong id, naming the holder, and removes the lock with the right one', async () => {
    const state = join(dir, 'state.json');
    const lock = await acquireLock(state, { command: 'apply' });
    try {
      expect(await run(['force-unlock', 'not-the-id', '--state', state])).toBe(1);
      expect(stderr.join('')).toContain(`has id ${lock.info.id}, not not-the-id`);
      expect(stderr.join('')).toContain('pgrepl apply');
      expect(existsSync(lockPathFor(state))).toBe(true);

      expect(await run(['force-unlock', lock.info.id, '--state', state])).toBe(0);
      expect(stdout.join('')).toContain(`Removed the lock on ${state}`);
      expect(existsSync(lockPathFor(state))).toBe(false);
    } finally {
      releaseLock(lock);
    }
  });

  it("finds the state through the spec's state.path, and says when nothing is locked", async () => {
    const spec = join(dir, 'pgrepl.yaml');
    writeFileSync(spec, 'version: 1\nsource: { url: "host=a" }\ntarget: { url: "host=b" }\nstate: { path: st/state.json }\ndatabases: { shop: }\n');
    const state = join(dir, 'st', 'state.json');
    expect(await run(['force-unlock', 'x', '--spec', spec])).toBe(1);
    expect(stderr.join('')).toContain(`state ${state} is not locked`);

    const lock = await acquireLock(state, { command: 'plan' });
    try {
      expect(await run(['force-unlock', lock.info.id, '--spec', spec])).toBe(0);
      expect(existsSync(lockPathFor(state))).toBe(false);
    } finally {
      releaseLock(lock);
    }
  });
});
