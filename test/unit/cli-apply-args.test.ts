// `pgrepl apply` and `pgrepl plan` argument handling before anything is read: durations with units, flags that
// shape a plan refused next to a saved plan, --workers bounds, a missing plan file or spec named; and the question
// answered through streams (only `yes` approves; end of input is a no).
import { PassThrough } from 'node:stream';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDurationMs, runApply, type ApplyArgs, type ApplyIo } from '../../src/cli/commands/apply.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import { askToApply } from '../../src/cli/confirm.js';
import { acquireLock, lockPathFor, releaseLock } from '../../src/state/lock.js';
import { InputError, PgreplError } from '../../src/util/errors.js';

let dir: string;
let cwd: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pgrepl-apply-args-'));
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

const io: ApplyIo = {
  out: () => undefined, err: () => undefined, env: {}, color: false, interactive: false, handleSignals: false,
  ask: () => Promise.reject(new Error('must not ask')),
};

async function applyError(args: ApplyArgs): Promise<Error> {
  try {
    await runApply(args, io);
  } catch (e) {
    return e as Error;
  }
  throw new Error('apply did not fail');
}

describe('parseDurationMs', () => {
  it.each([['30s', 30_000], ['500ms', 500], ['5m', 300_000], ['5min', 300_000], ['1h', 3_600_000], ['1.5s', 1_500], ['0', 0], [' 10s ', 10_000]])('%s -> %d ms', (text, ms) => {
    expect(parseDurationMs(text, '--lock-timeout')).toBe(ms);
  });
  it.each(['30', '-1s', 'soon', '64MB', ''])('refuses %j, naming the flag', (text) => {
    expect(() => parseDurationMs(text, '--lock-timeout')).toThrow(/--lock-timeout/);
  });
});

describe('apply arguments', () => {
  it('refuses --destroy and --refresh-windows next to a saved plan: they shape the plan', async () => {
    const e = await applyError({ planfile: 'plan.json', destroy: true, 'refresh-windows': true });
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).diagnostics.map((d) => d.message).join('\n')).toMatch(/--destroy shapes the plan[\s\S]*--refresh-windows shapes the plan/);
  });
  it('refuses --workers outside 1..64 and a lock timeout without a unit', async () => {
    expect(await applyError({ workers: 0 })).toBeInstanceOf(InputError);
    expect(await applyError({ workers: 2.5 })).toBeInstanceOf(InputError);
    expect((await applyError({ 'lock-timeout': '30' })).message).toMatch(/--lock-timeout "30" is not a duration/);
  });
  it('names a missing plan file, and a missing pgrepl.yaml', async () => {
    const e = await applyError({ planfile: 'nope.json' });
    expect(e).toBeInstanceOf(PgreplError);
    expect(e.message).toBe('plan file not found: nope.json');
    expect((await applyError({})).message).toBe('no pgrepl.yaml in the current directory');
  });
  it('plan names a missing pgrepl.yaml too', async () => {
    await expect(runPlan({}, { out: () => undefined, err: () => undefined, env: {}, color: false })).rejects.toThrow('no pgrepl.yaml in the current directory');
  });
});

describe('askToApply', () => {
  async function answer(text: string | null): Promise<{ yes: boolean; shown: string }> {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c: Buffer) => void (shown += c.toString()));
    const pending = askToApply(['target.database.shop'], input, output);
    if (text === null) input.end();
    else input.write(text);
    return { yes: await pending, shown };
  }
  it("approves only on 'yes'", async () => {
    const r = await answer('yes\n');
    expect(r.yes).toBe(true);
    expect(r.shown).toContain("Only 'yes' will be accepted");
    expect(r.shown).toContain('- target.database.shop');
    expect((await answer('y\n')).yes).toBe(false);
    expect((await answer('YES\n')).yes).toBe(false);
    expect((await answer(' yes \n')).yes).toBe(true);
  });
  it('takes end of input for a no', async () => {
    expect((await answer(null)).yes).toBe(false);
  });
});

describe('apply takes the state lock before it reads anything', () => {
  it('fails naming the holder when another run holds the lock, after waiting --lock-timeout, and leaves that lock alone', async () => {
    // Port 1 refuses connections: had apply connected before locking, the error would be a connection one.
    writeFileSync('pgrepl.yaml', ['version: 1', 'source: { url: "postgres://u@127.0.0.1:1/postgres" }', 'target: { url: "postgres://u@127.0.0.1:1/postgres" }',
      'state: { path: state.json }', 'databases:', '  shop: { sync: false }', ''].join('\n'));
    const state = join(process.cwd(), 'state.json');
    const held = await acquireLock(state, { command: 'apply' });
    const messages: string[] = [];
    try {
      const started = Date.now();
      const e = await runApply({ 'lock-timeout': '300ms' }, { ...io, err: (t) => void messages.push(t) }).then(() => null, (x: unknown) => x as Error);
      expect(e).toBeInstanceOf(PgreplError);
      expect(e?.message).toMatch(/is locked by .*apply/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(messages.join('')).toMatch(/waiting up to 300ms/);
      expect(existsSync(lockPathFor(state))).toBe(true);
    } finally {
      releaseLock(held);
    }
  });
});
