// The state lock (STYLE.md 9, CONTRACTS.md): `<state>.lock` next to the state file, so two pgrepl runs never apply
// to the same state at once. The file records its holder (host, pid, process start, command, user); a holder
// that is gone from this host is replaced with a notice, a live one or one on another host makes pgrepl wait up
// to --lock-timeout and then fail naming it. `pgrepl force-unlock <id>` removes a lock by its id.
//
// The lock file is written whole under a private temporary name and then hard-linked to `<state>.lock`: link(2)
// fails with EEXIST like O_EXCL does, and no reader ever sees an empty or half-written lock (with O_EXCL the file
// exists before its content). Filesystems without hard links fall back to O_EXCL.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PgreplError } from '../util/errors.js';
import { describeLockHolder, LOCK_FORMAT_VERSION, parseLockInfo, type LockInfo } from './lock-info.js';
import { pidNamespace, processLiveness, processStart, processStartedAt } from './process-identity.js';

/** How often a waiting run looks at the lock again. */
export const LOCK_POLL_INTERVAL_MS = 200;
const LOCK_FILE_MODE = 0o600;
const LOCK_DIR_MODE = 0o700;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface AcquireLockOptions {
  /** The pgrepl command taking the lock, e.g. `apply`; shown to whoever finds the state locked. */
  readonly command: string;
  /** How long to wait for a live holder (`--lock-timeout`); 0 (default) fails at once. */
  readonly timeoutMs?: number;
  /** Called once when the lock is held by a live run and this one starts waiting. */
  readonly onWait?: (holder: LockInfo, message: string) => void;
  /** Called when a dead holder's lock is taken over; the same is in `Lock.takenOverFrom`. */
  readonly onTakeover?: (previous: LockInfo, message: string) => void;
  readonly pollIntervalMs?: number;
}

export interface Lock {
  readonly statePath: string;
  readonly lockPath: string;
  readonly info: LockInfo;
  /** The dead holder whose lock this one replaced, if any (the caller prints a notice). */
  readonly takenOverFrom: LockInfo | null;
}

/** `<state>.lock`. */
export function lockPathFor(statePath: string): string {
  return `${statePath}.lock`;
}

/** The lock on `statePath`, or null when it is not locked. Throws when the lock file is not pgrepl's. */
export function readLock(statePath: string): LockInfo | null {
  return readLockFile(lockPathFor(statePath));
}

export async function acquireLock(statePath: string, options: AcquireLockOptions): Promise<Lock> {
  const lockPath = lockPathFor(statePath);
  const timeoutMs = options.timeoutMs ?? 0;
  // NaN would make every deadline check false and wait forever.
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new RangeError(`lock timeout must be a finite number of ms from 0, not ${timeoutMs}`);
  const pollIntervalMs = options.pollIntervalMs ?? LOCK_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  const info = ourLockInfo(options.command);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true, mode: LOCK_DIR_MODE });
  // A dead holder's lock removed by this run; reported only if this run then gets the lock (another run may
  // create its lock in between, and then this one did not take anything over).
  let removedStale: { readonly holder: LockInfo; readonly notice: string } | null = null;
  let waitingFor: string | null = null;
  for (;;) {
    if (tryCreate(lockPath, info)) {
      if (removedStale !== null) options.onTakeover?.(removedStale.holder, removedStale.notice);
      return { statePath, lockPath, info, takenOverFrom: removedStale?.holder ?? null };
    }
    const holder = readLockFile(lockPath);
    if (holder === null) continue; // released between our attempt and the read
    removedStale = null;
    const verdict = judge(holder);
    if (verdict.stale) {
      if (removeIfStillHeldBy(lockPath, holder.id, info.id)) {
        removedStale = { holder, notice: `took over the lock of ${describeLockHolder(holder)}: ${verdict.reason}` };
      }
      continue;
    }
    const message = `state ${statePath} is locked by ${describeLockHolder(holder)}; wait for it, or run \`pgrepl force-unlock ${holder.id}\` if you are sure it is gone`;
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      const hints = [
        ...(verdict.reason === null ? [] : [verdict.reason]),
        `held by user ${holder.user}; lock file ${lockPath}`,
        ...(timeoutMs > 0 ? [`waited ${formatDuration(timeoutMs)} (--lock-timeout)`] : ['--lock-timeout <duration> waits for it']),
      ];
      throw new PgreplError(message, { hints });
    }
    if (waitingFor !== holder.id) {
      waitingFor = holder.id;
      options.onWait?.(holder, message);
    }
    await sleep(Math.min(pollIntervalMs, remainingMs));
  }
}

/** Removes the lock file if it is still ours (true), and stops guarding it on signals. */
export function releaseLock(lock: Lock): boolean {
  exitGuards.get(lock.info.id)?.();
  let current: LockInfo | null;
  try {
    current = readLockFile(lock.lockPath);
  } catch {
    return false; // not a pgrepl lock any more: not ours to remove
  }
  if (current?.id !== lock.info.id) return false;
  return unlinkIfExists(lock.lockPath);
}

/**
 * `pgrepl force-unlock <id>`: removes the lock on `statePath` only if it has this id, so a lock taken since the
 * user looked is never removed by mistake. Returns the removed lock.
 */
export function forceUnlock(statePath: string, id: string): LockInfo {
  const lockPath = lockPathFor(statePath);
  const holder = readLockFile(lockPath);
  if (holder === null) throw new PgreplError(`state ${statePath} is not locked`);
  if (holder.id !== id) {
    throw new PgreplError(`the lock on ${statePath} has id ${holder.id}, not ${id}: not removed`, {
      hints: [`it is held by ${describeLockHolder(holder)}; a new run may have taken it since you looked`],
    });
  }
  if (!removeIfStillHeldBy(lockPath, id, randomUUID())) {
    throw new PgreplError(`the lock on ${statePath} changed while it was being removed: not removed`);
  }
  return holder;
}

/**
 * Releases the lock if the process is stopped by SIGINT or SIGTERM or exits without releasing it. After the
 * release the signal's default action (exit) is restored by re-raising it, unless another handler (the CLI's,
 * which cancels COPYs first) is also listening. releaseLock removes these handlers; so does the returned function.
 */
export function releaseLockOnSignals(lock: Lock): () => void {
  exitGuards.get(lock.info.id)?.();
  const onSignal = (signal: NodeJS.Signals): void => {
    releaseLock(lock);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onExit = (): void => {
    releaseLock(lock);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
  const unregister = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
    exitGuards.delete(lock.info.id);
  };
  exitGuards.set(lock.info.id, unregister);
  return unregister;
}

/** Lock id -> removes its signal and exit handlers. */
const exitGuards = new Map<string, () => void>();

/** What this process records as a lock holder (also the postgres backend's lock row). */
export function ourLockInfo(command: string): LockInfo {
  const start = processStart(process.pid);
  return {
    version: LOCK_FORMAT_VERSION,
    id: randomUUID(),
    host: os.hostname(),
    pid: process.pid,
    pid_namespace: pidNamespace(),
    process_start: start,
    process_started_at: start === null ? null : processStartedAt(start),
    command,
    user: currentUser(),
    created_at: new Date().toISOString(),
  };
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // A uid without a passwd entry (containers) has no name.
    return process.env['USER'] ?? String(process.getuid?.() ?? 'unknown');
  }
}

/** stale: the holder is certainly gone (reason says why); otherwise reason says why it cannot be judged, if so. */
function judge(holder: LockInfo): { readonly stale: boolean; readonly reason: string | null } {
  if (holder.host !== os.hostname()) {
    return { stale: false, reason: `the holder runs on host ${holder.host}, so pgrepl cannot tell whether it still runs` };
  }
  const ns = pidNamespace();
  if (holder.pid_namespace !== null && ns !== null && holder.pid_namespace !== ns) {
    return { stale: false, reason: 'the holder runs in another pid namespace (container), so pgrepl cannot tell whether it still runs' };
  }
  switch (processLiveness(holder.pid, holder.process_start)) {
    case 'gone':
      return { stale: true, reason: `process ${holder.pid} is gone` };
    case 'reused':
      return { stale: true, reason: `process ${holder.pid} is gone (the pid now belongs to another process)` };
    case 'alive':
      return { stale: false, reason: null };
  }
}

function tryCreate(lockPath: string, info: LockInfo): boolean {
  const content = `${JSON.stringify(info, null, 2)}\n`;
  const temp = `${lockPath}.${info.id}.tmp`;
  writePrivateFile(temp, content);
  try {
    fs.linkSync(temp, lockPath);
    return true;
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    unlinkIfExists(temp);
  }
  try {
    writePrivateFile(lockPath, content);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function writePrivateFile(file: string, content: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, LOCK_FILE_MODE);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes the lock file if it still has `id` (a dead holder's, on takeover; the user's, on force-unlock). Two runs
 * may find the same dead lock: moving the file aside is atomic, so only one of them gets it, and one that finds
 * it moved a different (new, live) lock puts that one back. Reading and then unlinking would remove the new one.
 */
function removeIfStillHeldBy(lockPath: string, id: string, moverId: string): boolean {
  const aside = `${lockPath}.removing-${moverId}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  let moved: LockInfo | null = null;
  try {
    moved = parseLockInfo(fs.readFileSync(aside, 'utf8'));
  } catch {
    moved = null;
  }
  if (moved?.id === id) {
    unlinkIfExists(aside);
    return true;
  }
  try {
    fs.linkSync(aside, lockPath);
  } catch {
    // Yet another run locked meanwhile; it holds the lock now, and the one we moved aside lost it.
  }
  unlinkIfExists(aside);
  return false;
}

function readLockFile(lockPath: string): LockInfo | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const info = parseLockInfo(text);
  if (info === null) {
    throw new PgreplError(`lock file ${lockPath} is not a pgrepl lock`, {
      hints: ['if no pgrepl command is running on this state, remove the file by hand'],
    });
  }
  return info;
}

function unlinkIfExists(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
