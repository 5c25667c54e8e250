// One throwaway PostgreSQL server in a directory of its own: initdb (trust, superuser `postgres`, UTF8), a free
// port on 127.0.0.1, its unix socket in the same directory, wal_level=logical and no fsync (the data is
// disposable). Started through pg_ctl in a session of its own, so a terminal's Ctrl-C reaches pgrepl, which
// stops the server, and not the postmaster. This module and src/pg/tools.ts are the only places that spawn
// PostgreSQL programs.
import { appendFileSync, chownSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { PgreplError } from '../../util/errors.js';
import { freeLocalPort } from './free-port.js';
import { asServerUser, type ServerOsUser } from './os-user.js';
import type { ServerBinaries } from './server-binaries.js';

export const LOCAL_SUPERUSER = 'postgres';
const START_TIMEOUT_S = 60;
const STOP_TIMEOUT_S = 30;
const PORT_ATTEMPTS = 5;
const LOG_TAIL_LINES = 15;
const EXIT_WAIT_MS = 5000;

export interface LocalServerOptions {
  readonly binaries: ServerBinaries;
  readonly user: ServerOsUser;
  /** An existing, empty directory the server owns: data/, server.log and the socket go in it; removed on stop. */
  readonly dir: string;
  /** Extra postgresql.conf settings, written after the built-in ones. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** The settings every throwaway server gets; values as postgresql.conf takes them. */
export function localServerSettings(socketDir: string): Record<string, string> {
  return {
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: confString(socketDir),
    wal_level: 'logical',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: "'32MB'",
    max_wal_senders: '10',
    max_replication_slots: '10',
    TimeZone: "'UTC'",
  };
}

/** A postgresql.conf string value: single quotes, a quote doubled. */
function confString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Environment for server programs: nothing of the caller's PG* variables or locale leaks in. */
function serverEnv(): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', TZ: 'UTC' };
}

function tail(text: string): string[] {
  return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).filter((line) => line !== '');
}

export class LocalServer {
  readonly dataDir: string;
  readonly logFile: string;
  private portNumber = 0;
  private state: 'new' | 'running' | 'stopped' = 'new';

  private constructor(private readonly opts: LocalServerOptions) {
    this.dataDir = join(opts.dir, 'data');
    this.logFile = join(opts.dir, 'server.log');
  }

  /** initdb + start. On failure the directory's server is stopped and the error names the log. */
  static async start(opts: LocalServerOptions): Promise<LocalServer> {
    const server = new LocalServer(opts);
    try {
      await server.initdb();
      await server.startPostmaster();
    } catch (e) {
      await server.stop({ removeDir: false }).catch(() => undefined);
      throw e;
    }
    return server;
  }

  get dir(): string { return this.opts.dir; }
  get port(): number { return this.portNumber; }
  get binaries(): ServerBinaries { return this.opts.binaries; }
  get running(): boolean { return this.state === 'running'; }

  /** A password-less URL over TCP as the superuser (trust authentication). */
  url(database = 'postgres'): string {
    return `postgres://${LOCAL_SUPERUSER}@127.0.0.1:${this.portNumber}/${encodeURIComponent(database)}?sslmode=disable`;
  }

  /** The shell command that stops this server by hand (printed by `demo --keep`). */
  stopCommand(): string {
    const pgCtl = `${join(this.opts.binaries.binDir, 'pg_ctl')} stop -D ${shellWord(this.dataDir)} -m fast`;
    return this.opts.user.switchUser ? `runuser -u ${this.opts.user.name} -- ${pgCtl}` : pgCtl;
  }

  private tool(name: string): string {
    return join(this.opts.binaries.binDir, name);
  }

  // Every program in a session of its own: a terminal's Ctrl-C goes to pgrepl, which then stops the server in
  // order, instead of killing an initdb halfway or the postmaster under a running step.
  private spawnOptions(): { cwd: string; env: Record<string, string>; extendEnv: false; reject: false; stdin: 'ignore'; detached: true; uid?: number; gid?: number } {
    return { cwd: this.opts.dir, env: serverEnv(), extendEnv: false, reject: false, stdin: 'ignore', detached: true, ...asServerUser(this.opts.user) };
  }

  private async initdb(): Promise<void> {
    if (this.opts.user.switchUser) chownSync(this.opts.dir, this.opts.user.uid, this.opts.user.gid);
    const base = ['-D', this.dataDir, '-A', 'trust', '-U', LOCAL_SUPERUSER, '-E', 'UTF8', '--no-sync'];
    // C.UTF-8 sorts like C and is UTF-8 aware; some systems lack it, and C works everywhere. initdb removes the
    // data directory it created when it fails, so the second attempt starts clean.
    let result = await execa(this.tool('initdb'), [...base, '--locale=C.UTF-8'], this.spawnOptions());
    if (result.exitCode !== 0) result = await execa(this.tool('initdb'), [...base, '--locale=C'], this.spawnOptions());
    if (result.exitCode !== 0) {
      throw new PgreplError(`initdb failed in ${this.dataDir}`, { hints: tail(`${String(result.stdout)}\n${String(result.stderr)}`) });
    }
    const settings = { ...localServerSettings(this.opts.dir), ...this.opts.settings };
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    // Appending keeps the file's owner (the server user) and initdb's defaults above ours.
    appendFileSync(join(this.dataDir, 'postgresql.conf'), `\n# pgrepl throwaway server\n${lines.join('\n')}\n`);
  }

  private async startPostmaster(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      this.portNumber = await freeLocalPort();
      const result = await execa(
        this.tool('pg_ctl'),
        ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', String(START_TIMEOUT_S), '-s', '-o', `-p ${this.portNumber}`],
        this.spawnOptions(),
      );
      if (result.exitCode === 0) {
        this.state = 'running';
        return;
      }
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
      const portTaken = /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(log);
      if (!portTaken || attempt >= PORT_ATTEMPTS) {
        // pg_ctl may time out while the postmaster still comes up: leave nothing behind.
        await this.stopPostmaster('immediate');
        throw new PgreplError(`PostgreSQL ${this.opts.binaries.version} did not start (log: ${this.logFile})`, {
          hints: tail(`${String(result.stderr)}\n${log}`),
        });
      }
    }
  }

  private async stopPostmaster(mode: 'fast' | 'immediate'): Promise<boolean> {
    if (!existsSync(join(this.dataDir, 'postmaster.pid'))) return true;
    const result = await execa(this.tool('pg_ctl'), ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', String(STOP_TIMEOUT_S), '-s'], this.spawnOptions());
    return result.exitCode === 0 || !existsSync(join(this.dataDir, 'postmaster.pid'));
  }

  /** Fast shutdown (immediate if that fails), then the directory is removed. Safe to call twice. */
  async stop(opts: { removeDir?: boolean } = {}): Promise<void> {
    if (this.state === 'stopped') return;
    const pid = this.postmasterPid();
    const stopped = (await this.stopPostmaster('fast')) || (await this.stopPostmaster('immediate'));
    if (!stopped) throw new PgreplError(`could not stop the PostgreSQL server in ${this.dataDir}`, { hints: [this.stopCommand()] });
    // The postmaster removes its pid file just before it exits: wait for the exit itself, so "stopped" means
    // no process is left.
    if (pid !== undefined) await waitForExit(pid, EXIT_WAIT_MS);
    this.state = 'stopped';
    if (opts.removeDir !== false) rmSync(this.opts.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private postmasterPid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8'), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The same, blocking: for a process 'exit' hook, where nothing asynchronous runs any more. Immediate
   * shutdown, since nothing of the data matters.
   */
  stopSync(): void {
    if (this.state === 'stopped') return;
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      // execaSync has no `detached`; in an 'exit' hook no terminal signal is coming any more anyway.
      const { detached: _detached, ...options } = this.spawnOptions();
      execaSync(this.tool('pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', String(STOP_TIMEOUT_S), '-s'], options);
    }
    this.state = 'stopped';
    rmSync(this.opts.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A path for a printed shell command: quoted when it holds anything but safe characters. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user (we are not root and it is not ours): still alive.
    return (e as { code?: unknown }).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
