// The state lock inside one process, with crafted lock files for holders that cannot be made here (another
// host, a dead pid, a reused pid). test/integration/state-lock-processes.test.ts runs real competing processes.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, forceUnlock, lockPathFor, readLock, releaseLock, releaseLockOnSignals, type Lock } from '../../src/state/lock.js';
import { describeLockHolder, type LockInfo } from '../../src/state/lock-info.js';
import { pidNamespace, processLiveness, processStart } from '../../src/state/process-identity.js';
import { PgreplError } from '../../src/util/errors.js';
import { refusal } from '../fixtures/refusal.js';

// Far above Linux's pid_max (at most 2^22), so no process has it.
const DEAD_PID = 2 ** 22 + 12345;

let dir: string;
let statePath: string;
const held: Lock[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-lock-test-'));
  statePath = path.join(dir, 'state.json');
});
afterEach(() => {
  for (const lock of held.splice(0)) releaseLock(lock);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function take(options: Parameters<typeof acquireLock>[1] = { command: 'apply' }): Promise<Lock> {
  const lock = await acquireLock(statePath, options);
  held.push(lock);
  return lock;
}


function crafted(overrides: Partial<LockInfo>): LockInfo {
  const info: LockInfo = {
    version: 1,
    id: randomUUID(),
    host: os.hostname(),
    pid: process.pid,
    pid_namespace: pidNamespace(),
    process_start: processStart(process.pid),
    process_started_at: null,
    command: 'apply',
    user: 'alice',
    created_at: new Date().toISOString(),
    ...overrides,
  };
  fs.writeFileSync(lockPathFor(statePath), JSON.stringify(info));
  return info;
}

describe('acquireLock and releaseLock', () => {
  it('writes <state>.lock (0600) describing this process, and removes it on release only once', async () => {
    const lock = await take({ command: 'apply' });
    expect(lock.lockPath).toBe(`${statePath}.lock`);
    expect(lock.takenOverFrom).toBeNull();
    const onDisk = readLock(statePath);
    expect(onDisk).toEqual(lock.info);
    expect(onDisk).toMatchObject({ version: 1, host: os.hostname(), pid: process.pid, command: 'apply', process_start: processStart(process.pid) });
    expect(onDisk?.process_start?.start_ticks).toBeGreaterThan(0);
    // Boot time + field 22 gives this process's start: now minus its uptime (btime has 1 s resolution).
    const startedMs = Date.parse(onDisk?.process_started_at ?? '');
    expect(Math.abs(startedMs - (Date.now() - process.uptime() * 1000))).toBeLessThan(2500);
    expect(fs.statSync(lock.lockPath).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['state.json.lock']);
    expect(releaseLock(lock)).toBe(true);
    expect(fs.existsSync(lock.lockPath)).toBe(false);
    expect(releaseLock(lock)).toBe(false);
  });

  it('creates the state directory (0700) when it is missing', async () => {
    statePath = path.join(dir, '.pgrepl', 'flags-0123456789abcdef.json');
    await take();
    expect(fs.statSync(path.dirname(statePath)).mode & 0o777).toBe(0o700);
  });

  it('fails at once while a live run holds it, naming the holder and its id', async () => {
    const first = await take({ command: 'apply' });
    const e = await refusal(acquireLock(statePath, { command: 'plan' }));
    const since = first.info.created_at.slice(11, 19);
    expect(e.message).toBe(
      `state ${statePath} is locked by pgrepl apply (pid ${process.pid} on host ${os.hostname()}, since ${since} UTC); wait for it, or run \`pgrepl force-unlock ${first.info.id}\` if you are sure it is gone`,
    );
    expect(e.hints).toContain('--lock-timeout <duration> waits for it');
    expect(readLock(statePath)?.id).toBe(first.info.id);
  });

  it('waits up to the timeout, telling once that it waits, then fails', async () => {
    await take();
    const waits: string[] = [];
    const started = Date.now();
    const e = await refusal(acquireLock(statePath, { command: 'plan', timeoutMs: 300, pollIntervalMs: 50, onWait: (_h, m) => waits.push(m) }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(waits).toHaveLength(1);
    expect(e.hints).toContain('waited 300ms (--lock-timeout)');
  });

  it('rejects a timeout that is not a finite number of ms from 0', async () => {
    for (const timeoutMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      await expect(acquireLock(statePath, { command: 'apply', timeoutMs })).rejects.toThrow(RangeError);
    }
    expect(readLock(statePath)).toBeNull();
  });

  it('gets the lock once the holder releases it within the timeout', async () => {
    const first = await take();
    setTimeout(() => releaseLock(first), 150);
    const second = await take({ command: 'plan', timeoutMs: 5000, pollIntervalMs: 20 });
    expect(second.takenOverFrom).toBeNull();
    expect(readLock(statePath)?.id).toBe(second.info.id);
  });

  it('takes over a lock whose process is gone, with a notice', async () => {
    const dead = crafted({ pid: DEAD_PID, process_start: null });
    const notices: string[] = [];
    const lock = await take({ command: 'apply', onTakeover: (_p, m) => notices.push(m) });
    expect(lock.takenOverFrom).toEqual(dead);
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^took over the lock of pgrepl apply \\(pid ${DEAD_PID} on host .*\\): process ${DEAD_PID} is gone$`))]);
    expect(readLock(statePath)?.id).toBe(lock.info.id);
    expect(fs.readdirSync(dir)).toEqual(['state.json.lock']);
  });

  it('takes over a lock whose pid now belongs to another process (different start time)', async () => {
    const start = processStart(process.pid);
    expect(start).not.toBeNull();
    const reused = crafted({ process_start: { boot_id: start?.boot_id ?? '', start_ticks: (start?.start_ticks ?? 0) + 1 } });
    const lock = await take();
    expect(lock.takenOverFrom?.id).toBe(reused.id);
  });

  it('gives a dead lock to one of several runs started together; the others find it held', async () => {
    crafted({ pid: DEAD_PID });
    const results = await Promise.allSettled([take(), take(), take()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PgreplError);
    expect(fs.readdirSync(dir)).toEqual(['state.json.lock']);
  });

  it('never takes over a lock from another host or pid namespace, even with a dead pid', async () => {
    const remote = crafted({ host: 'elsewhere.example', pid: DEAD_PID });
    const e = await refusal(acquireLock(statePath, { command: 'apply' }));
    expect(e.message).toMatch(/is locked by pgrepl apply \(pid \d+ on host elsewhere\.example, since/);
    expect(e.hints[0]).toBe('the holder runs on host elsewhere.example, so pgrepl cannot tell whether it still runs');
    expect(readLock(statePath)?.id).toBe(remote.id);
    if (pidNamespace() !== null) {
      crafted({ pid: DEAD_PID, pid_namespace: 'pid:[1]' });
      const e2 = await refusal(acquireLock(statePath, { command: 'apply' }));
      expect(e2.hints[0]).toMatch(/another pid namespace/);
    }
  });

  it('refuses a lock file that is not pgrepl\'s instead of removing it', async () => {
    fs.writeFileSync(lockPathFor(statePath), 'not json');
    const e = await refusal(acquireLock(statePath, { command: 'apply' }));
    expect(e.message).toBe(`lock file ${statePath}.lock is not a pgrepl lock`);
    expect(fs.readFileSync(lockPathFor(statePath), 'utf8')).toBe('not json');
  });

  it('does not remove a lock that another run holds by now', async () => {
    const lock = await take();
    const other = crafted({ pid: DEAD_PID });
    expect(releaseLock(lock)).toBe(false);
    expect(readLock(statePath)?.id).toBe(other.id);
  });
});

describe('forceUnlock', () => {
  it('removes the lock only when the id matches, and names the holder otherwise', async () => {
    const lock = await take();
    const wrong = randomUUID();
    expect(() => forceUnlock(statePath, wrong)).toThrow(`the lock on ${statePath} has id ${lock.info.id}, not ${wrong}: not removed`);
    expect(readLock(statePath)?.id).toBe(lock.info.id);
    expect(forceUnlock(statePath, lock.info.id)).toEqual(lock.info);
    expect(readLock(statePath)).toBeNull();
    expect(() => forceUnlock(statePath, lock.info.id)).toThrow(`state ${statePath} is not locked`);
  });
});

describe('releaseLockOnSignals', () => {
  it('releases on SIGTERM, leaves exiting to another handler, and is unregistered by releaseLock', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT'), exit: process.listenerCount('exit') };
    const lock = await take();
    releaseLockOnSignals(lock);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    // Another handler is present, so the guard must not re-raise (which would end this test process).
    const other = (): void => undefined;
    process.on('SIGTERM', other);
    try {
      process.emit('SIGTERM', 'SIGTERM');
    } finally {
      process.off('SIGTERM', other);
    }
    expect(readLock(statePath)).toBeNull();
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    expect(process.listenerCount('exit')).toBe(before.exit);

    const again = await take();
    const unregister = releaseLockOnSignals(again);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    releaseLock(again);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    unregister();
    expect(process.listenerCount('exit')).toBe(before.exit);
  });
});

describe('describeLockHolder', () => {
  const info: LockInfo = {
    version: 1, id: 'x', host: 'db-admin-1', pid: 1234, pid_namespace: null, process_start: null, process_started_at: null, command: 'apply', user: 'u', created_at: '2026-11-26T10:41:03.456Z',
  };
  it('shows the UTC time, and the date when it is not today', () => {
    expect(describeLockHolder(info, new Date('2026-11-26T23:00:00Z'))).toBe('pgrepl apply (pid 1234 on host db-admin-1, since 10:41:03 UTC)');
    expect(describeLockHolder(info, new Date('2026-11-27T00:00:01Z'))).toBe('pgrepl apply (pid 1234 on host db-admin-1, since 2026-11-26 10:41:03 UTC)');
  });
});

describe('processLiveness', () => {
  it('tells a live process, a gone one, and a reused pid apart', () => {
    const start = processStart(process.pid);
    expect(processLiveness(process.pid, start)).toBe('alive');
    expect(processLiveness(process.pid, null)).toBe('alive');
    expect(processLiveness(DEAD_PID, null)).toBe('gone');
    expect(processLiveness(0, null)).toBe('gone');
    expect(processLiveness(-1, null)).toBe('gone');
    if (start !== null) {
      expect(processLiveness(process.pid, { ...start, start_ticks: start.start_ticks - 1 })).toBe('reused');
      expect(processLiveness(process.pid, { ...start, boot_id: 'another-boot' })).toBe('gone');
    }
  });
});
