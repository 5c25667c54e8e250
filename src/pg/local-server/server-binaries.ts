// Finds PostgreSQL server binaries (initdb, pg_ctl, postgres) for throwaway local servers: `--bin-dir` when
// given, else the machine's PostgreSQL (pg_config --bindir, or the highest /usr/lib/postgresql/<major>/bin),
// else the npm-packaged binaries in node_modules.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { PgreplError } from '../../util/errors.js';
import { findEmbeddedPackages, hydrateEmbeddedPackage } from './embedded-binaries.js';
import { asServerUser, type ServerOsUser } from './os-user.js';

export type BinariesOrigin = 'bin-dir' | 'machine' | 'npm';

export interface ServerBinaries {
  readonly binDir: string;
  /** e.g. '17.10' */
  readonly version: string;
  readonly major: number;
  readonly origin: BinariesOrigin;
}

export const SERVER_TOOLS: readonly string[] = ['initdb', 'pg_ctl', 'postgres'];

export interface FindBinariesOptions {
  /** `--bin-dir`: use this directory or fail. */
  readonly binDir?: string;
  /** Where the node_modules search starts (the calling module's directory). */
  readonly searchFrom: string;
  /** Where Debian-style installs live; for tests. */
  readonly systemRoot?: string;
  /** Skip the machine's PostgreSQL (tests of the npm fallback). */
  readonly skipMachine?: boolean;
}

function hasServerTools(binDir: string): boolean {
  return SERVER_TOOLS.every((tool) => existsSync(join(binDir, tool)));
}

async function pgConfigBinDir(): Promise<string | undefined> {
  const result = await execa('pg_config', ['--bindir'], { reject: false });
  const dir = result.exitCode === 0 ? String(result.stdout).trim() : '';
  return dir !== '' && hasServerTools(dir) ? dir : undefined;
}

/** The highest /usr/lib/postgresql/<major>/bin holding the server tools. */
function highestSystemBinDir(root: string): string | undefined {
  let entries: string[] = [];
  try { entries = readdirSync(root); } catch { return undefined; }
  const majors = entries.filter((e) => /^\d+(\.\d+)?$/.test(e)).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return majors.map((m) => join(root, m, 'bin')).find(hasServerTools);
}

/** `postgres --version` -> '17.10'; throws when the binary does not run (e.g. missing libraries). */
export async function serverVersion(binDir: string): Promise<string> {
  const postgres = join(binDir, 'postgres');
  const result = await execa(postgres, ['--version'], { reject: false });
  const match = /\(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(String(result.stdout ?? ''));
  if (result.exitCode !== 0 || !match) {
    throw new PgreplError(`${postgres} --version failed`, {
      hints: [String(result.stderr ?? result.originalMessage ?? '').trim()].filter((l) => l !== ''),
    });
  }
  return match[2] === undefined ? (match[1] ?? '') : `${match[1]}.${match[2]}`;
}

async function describe(binDir: string, origin: BinariesOrigin): Promise<ServerBinaries> {
  const version = await serverVersion(binDir);
  return { binDir, version, major: Number.parseInt(version, 10), origin };
}

export async function findServerBinaries(opts: FindBinariesOptions): Promise<ServerBinaries> {
  if (opts.binDir !== undefined) {
    const missing = SERVER_TOOLS.filter((tool) => !existsSync(join(opts.binDir ?? '', tool)));
    if (missing.length > 0) {
      throw new PgreplError(`--bin-dir ${opts.binDir} has no ${missing.join(', ')}`, {
        hints: ['point it at the directory holding the PostgreSQL server programs, e.g. /usr/lib/postgresql/17/bin'],
      });
    }
    return describe(opts.binDir, 'bin-dir');
  }
  if (opts.skipMachine !== true) {
    const machine = (await pgConfigBinDir()) ?? highestSystemBinDir(opts.systemRoot ?? '/usr/lib/postgresql');
    if (machine !== undefined) return describe(machine, 'machine');
  }
  const [embedded] = findEmbeddedPackages(opts.searchFrom);
  if (embedded !== undefined) {
    hydrateEmbeddedPackage(embedded.dir);
    return describe(join(embedded.dir, 'native', 'bin'), 'npm');
  }
  throw new PgreplError('no PostgreSQL server binaries found (initdb, pg_ctl, postgres)', {
    hints: [
      'install PostgreSQL (e.g. apt-get install postgresql), or run npm ci in the pgrepl checkout for the packaged binaries,',
      'or pass --bin-dir DIR',
    ],
  });
}

/**
 * Binaries the server user can run. As root the servers run as another user, who may not be able to enter the
 * directory the binaries are in (a checkout under /root): then the installation (the bin directory's parent,
 * which holds bin/, lib/ and share/ of a relocatable build such as the npm package) is copied into `scratchDir`
 * and made world-readable. The copy goes away with `scratchDir`.
 */
export async function binariesUsableBy(user: ServerOsUser, binaries: ServerBinaries, scratchDir: string): Promise<ServerBinaries> {
  if (await runsAs(user, binaries.binDir)) return binaries;
  const copy = join(scratchDir, 'pgsql');
  cpSync(dirname(binaries.binDir), copy, { recursive: true, verbatimSymlinks: true });
  await execa('chmod', ['-R', 'a+rX', copy]);
  const binDir = join(copy, 'bin');
  if (!(await runsAs(user, binDir))) {
    throw new PgreplError(`the OS user ${user.name} cannot run the PostgreSQL binaries in ${binaries.binDir}`, {
      hints: ['pass --bin-dir with binaries that user can execute'],
    });
  }
  return { ...binaries, binDir };
}

async function runsAs(user: ServerOsUser, binDir: string): Promise<boolean> {
  const result = await execa(join(binDir, 'postgres'), ['--version'], { reject: false, cwd: '/', ...asServerUser(user) });
  return result.exitCode === 0;
}
