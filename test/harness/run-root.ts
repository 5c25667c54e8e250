// One run root per test run: every cluster lives in a directory under it. Removing a root first stops every
// postmaster found under it, so nothing survives a run, a failed test or a crashed worker. A root records the pid
// of the process that owns it; a later run removes roots whose owner is gone (a run killed with SIGKILL).
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_ROOT_PREFIX = 'pgrepl-it-';
export const RUN_ROOT_ENV = 'PGREPL_HARNESS_ROOT';
const OWNER_FILE = 'owner.json';
const POSTMASTER_EXIT_WAIT_MS = 10_000;
const ORPHAN_ROOT_AGE_MS = 60 * 60 * 1000;

function isOlderThan(path: string, ageMs: number): boolean {
  try { return Date.now() - statSync(path).mtimeMs > ageMs; } catch { return false; }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Create a run root owned by `ownerPid`, after removing the roots of runs that died without cleaning up. */
export function createRunRoot(ownerPid: number = process.pid): string {
  removeStaleRunRoots();
  // Short path: a unix socket path must stay under ~107 bytes and the socket lives two levels below the root.
  const root = mkdtempSync(join(tmpdir(), RUN_ROOT_PREFIX));
  chmodSync(root, 0o755); // the server user must reach its cluster directories below
  writeFileSync(join(root, OWNER_FILE), JSON.stringify({ pid: ownerPid, startedAt: new Date().toISOString() }));
  return root;
}

/** Remove every run root in the temp dir whose owning process no longer exists. */
export function removeStaleRunRoots(): void {
  let entries: string[];
  try { entries = readdirSync(tmpdir()); } catch { return; }
  for (const entry of entries) {
    if (!entry.startsWith(RUN_ROOT_PREFIX)) continue;
    const root = join(tmpdir(), entry);
    let ownerPid: number | undefined;
    try { ownerPid = (JSON.parse(readFileSync(join(root, OWNER_FILE), 'utf8')) as { pid: number }).pid; } catch { /* unreadable */ }
    if (ownerPid !== undefined && isAlive(ownerPid)) continue;
    // No owner file: being created right now (leave it) or left by a crash between mkdtemp and the write.
    if (ownerPid === undefined && !isOlderThan(root, ORPHAN_ROOT_AGE_MS)) continue;
    destroyRunRootSync(root);
  }
}

/** A postmaster found under a root: its pid and data directory (from postmaster.pid). */
export interface PostmasterRef { readonly pid: number; readonly dataDir: string }

/** Find postmaster.pid files up to three levels below `dir` (root/cluster/data/postmaster.pid). */
export function findPostmasters(dir: string, depth = 3): PostmasterRef[] {
  const found: PostmasterRef[] = [];
  const pidFile = join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    try {
      const [pidLine, dataDir] = readFileSync(pidFile, 'utf8').split('\n');
      const pid = Number(pidLine);
      if (Number.isInteger(pid) && pid > 0 && dataDir) found.push({ pid, dataDir });
    } catch { /* vanished meanwhile */ }
  }
  if (depth > 0) {
    let entries: import('node:fs').Dirent[] = [];
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { /* not readable */ }
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.isSymbolicLink()) found.push(...findPostmasters(join(dir, entry.name), depth - 1));
    }
  }
  return found;
}

/**
 * True when `pid` is the postmaster of `dataDir`. The postmaster chdirs into its data directory, so /proc/<pid>/cwd
 * guards against signalling an unrelated process that reused the pid. Without /proc, trust the pid file.
 */
export function isPostmasterOf(ref: PostmasterRef): boolean {
  if (!isAlive(ref.pid)) return false;
  if (!existsSync('/proc/self/cwd')) return true;
  try { return readlinkSync(`/proc/${ref.pid}/cwd`) === ref.dataDir; } catch { return false; }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGQUIT (immediate shutdown) to all, then SIGKILL after a grace period. Synchronous: usable in 'exit' handlers. */
export function killPostmastersSync(refs: readonly PostmasterRef[]): void {
  const signalled = refs.filter((ref) => {
    if (!isPostmasterOf(ref)) return false;
    try { process.kill(ref.pid, 'SIGQUIT'); return true; } catch { return false; }
  });
  const deadline = Date.now() + POSTMASTER_EXIT_WAIT_MS;
  // A zombie (exited, not yet reaped by a container's pid 1) still answers kill(pid, 0) but has no cwd link:
  // isPostmasterOf() is false for it, so the wait ends as soon as the postmaster has really exited.
  while (signalled.some(isPostmasterOf) && Date.now() < deadline) sleepSync(20);
  for (const ref of signalled.filter(isPostmasterOf)) {
    try { process.kill(ref.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
}

/** Stop every postmaster under `root` and remove it. Synchronous: runs from exit and signal handlers too. */
export function destroyRunRootSync(root: string): void {
  killPostmastersSync(findPostmasters(root));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      rmSync(root, { recursive: true, force: true });
      return;
    } catch {
      sleepSync(100); // a backend still exiting may create or remove files while we delete
    }
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 5 });
}
