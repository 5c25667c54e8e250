// Which OS user runs initdb, pg_ctl and postgres, and how to spawn them as that user.
// initdb and postgres refuse to run as root, and CI runs as root: then the servers run as the unprivileged user
// `postgres` (created with `useradd --system` when missing). As any other user they run as that user.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync } from 'node:fs';

export interface ServerUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** True when the harness runs as root and must drop privileges for server processes. */
  readonly switchUser: boolean;
}

export const SERVER_OS_USER = 'postgres';

let cached: ServerUser | undefined;

function lookup(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The user server processes run as; creates the `postgres` OS user when running as root and it is missing. */
export function serverUser(): ServerUser {
  if (cached) return cached;
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) {
    const name = process.env.USER ?? String(uid);
    cached = { name, uid, gid: process.getgid?.() ?? -1, switchUser: false };
    return cached;
  }
  let ids = lookup(SERVER_OS_USER);
  if (!ids) {
    // Two workers may race here: useradd fails for the loser, the second lookup finds the user anyway.
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_OS_USER], { stdio: 'ignore' });
    ids = lookup(SERVER_OS_USER);
    if (!ids) throw new Error(`running as root, and the OS user '${SERVER_OS_USER}' is missing and could not be created (useradd)`);
  }
  cached = { name: SERVER_OS_USER, ...ids, switchUser: true };
  return cached;
}

/** Give a path to the server user (no-op when not root). */
export function chownToServer(path: string): void {
  const user = serverUser();
  if (user.switchUser) chownSync(path, user.uid, user.gid);
}

/** Environment for server processes: nothing from the caller's PG* variables or locale leaks in. */
export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C',
    TZ: 'UTC',
    HOME: '/tmp',
    ...extra,
  };
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Start the child in its own session so a terminal's Ctrl-C reaches the harness, not the postmaster. */
  readonly detached?: boolean;
  readonly timeoutMs?: number;
  /** Run as the server user (default) or as the harness's own user. */
  readonly asServer?: boolean;
}

/** Run a command to completion, collecting its output; never throws for a non-zero exit (the caller decides). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const user = serverUser();
  const asServer = options.asServer ?? true;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? '/',
      env: options.env ?? serverEnv(),
      detached: options.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asServer && user.switchUser ? { uid: user.uid, gid: user.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => { if (timer) clearTimeout(timer); reject(error); });
    child.on('close', (code) => { if (timer) clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Like run(), but throws with the command's output when it exits non-zero. */
export async function runChecked(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${String(result.code)}\n${result.stdout}${result.stderr}`);
  }
  return result;
}
