// A libpq password file for one child process (pg_dump, psql): the password never goes into argv or the
// environment (CONTRACTS.md, Secrets). The file is private from its first byte: it is created with O_EXCL and
// mode 0600 inside a fresh 0700 directory, so no other user can open it even between open() and write(). It
// is removed by dispose(), and on SIGINT/SIGTERM/exit if pgrepl is stopped while the child runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { passfileLine } from './pgpass.js';
import type { ConnInfo } from './types.js';

export interface TemporaryPassfile {
  readonly path: string;
  /** Removes the file and its directory; safe to call twice. */
  dispose(): Promise<void>;
}

const PRIVATE_DIR_PREFIX = 'pgrepl-';
const PASSFILE_NAME = 'pgpass';
const FILE_MODE = 0o600;

/** Directories still on disk, removed synchronously if the process is stopped. */
const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Writes `*:*:*:<user>:<password>` (escaped) for `ci`, or an empty file when there is no password, so that the
 * child never falls back to the user's own ~/.pgpass with a different answer than pgrepl's.
 */
export async function writeTemporaryPassfile(ci: ConnInfo): Promise<TemporaryPassfile> {
  const content = ci.password === undefined ? '' : passfileLine(ci.user, ci.password);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), PRIVATE_DIR_PREFIX)); // created 0700
  track(dir);
  const file = path.join(dir, PASSFILE_NAME);
  try {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    const handle = await fs.promises.open(file, flags, FILE_MODE);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    removeNow(dir);
    throw e;
  }
  let disposed = false;
  return {
    path: file,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await fs.promises.rm(dir, { recursive: true, force: true });
      untrack(dir);
    },
  };
}

/** Temporary credential directories currently on disk (for tests and diagnostics). */
export function liveTemporaryPassfileDirs(): readonly string[] {
  return [...live];
}

function track(dir: string): void {
  if (live.size === 0) {
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.on('exit', removeAll);
  }
  live.add(dir);
}

function untrack(dir: string): void {
  live.delete(dir);
  if (live.size === 0) {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', removeAll);
  }
}

function removeNow(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Best effort while shutting down; the directory is private (0700) either way.
  }
  untrack(dir);
}

function removeAll(): void {
  for (const dir of [...live]) removeNow(dir);
}

// Removing our listener after cleanup and re-raising keeps Node's default "exit on signal" behaviour when no one
// else handles the signal; when the CLI has its own handler (cancel COPYs, release the lock) it still runs.
function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
