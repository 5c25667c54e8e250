// Loading a spec end to end: defaults, merging with `defaults:`, paths, the not-implemented list, specs built
// from flags, and the golden report of a spec with one mistake of each kind.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpecFile, loadSpecText, resolveSpecObject } from '../../src/spec/load.js';
import { NOT_IMPLEMENTED } from '../../src/spec/not-implemented.js';
import { InputError, PgreplError, formatDiagnostic } from '../../src/util/errors.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/specs');
const BASE = { version: 1, source: { url: 'postgres://s/db' }, target: { url: 'postgres://t/db' } };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  throw new Error('accepted');
}

describe('loadSpecFile', () => {
  it('resolves the full fixture', async () => {
    const file = join(FIXTURES, 'full.yaml');
    const spec = await loadSpecFile(file, { SRC_PASSWORD: 'pw' });
    expect(spec.file).toBe(file);
    expect(spec.source.url).toBe('postgres://app:pw@src.example.com:5432/postgres?sslmode=require');
    expect(spec.source.position).toEqual({ file, line: 5, column: 8 });
    expect(spec.state).toEqual({ backend: 'local', path: join(FIXTURES, 'state/pgrepl.json') });
    expect(spec.selection).toBeNull();
    const [shop, myApp] = spec.databases;
    expect(shop).toMatchObject({
      key: 'shop',
      targetDatabase: 'shop_replica',
      exclude: [],
      sync: true,
      copy: 'stream',
      publish: ['insert', 'update'],
      roles: 'skip',
      subscription: { enabled: true, conninfo: 'host=src.internal user=app dbname=shop', options: { binary: true, disable_on_error: true, streaming: 'parallel', origin: 'none' } },
      names: { publication: 'shop_pub', slot: 'shop_slot', subscription: 'shop_sub' },
      position: { file, line: 18, column: 3 },
    });
    expect(shop?.include?.map((p) => [p.schema, p.table])).toEqual([
      ['public', '*'],
      ['sales', 'orders'],
      ['Sales', 'Order Lines'],
    ]);
    expect(shop?.tableFilters).toEqual([{ schema: 'sales', table: 'orders', where: 'region_id IN (1, 2)', position: { file, line: 23, column: 9 } }]);
    expect(shop?.timeFilters[0]).toMatchObject({ schema: 'public', table: 'events', column: 'created_at', last: { amount: 90, unit: 'days', text: '90 days' } });
    // my-app inherits defaults: the exclude list (marked as inherited), publish, roles; YAML merge keys work.
    expect(myApp).toMatchObject({ key: 'my-app', targetDatabase: 'my-app', include: null, sync: false, publish: ['insert', 'update'], names: {} });
    expect(myApp?.exclude).toMatchObject([{ schema: 'public', table: 'tmp_*', tableGlob: true, fromDefaults: true }]);
    expect(myApp?.subscription).toEqual({ enabled: false, options: { binary: false, disable_on_error: true } });
    expect(spec.defaults).toMatchObject({ sync: true, roles: 'skip', copy: 'stream', prune: false, largeObjects: false });
  });

  it('reports one mistake of each kind at once (golden)', async () => {
    const expected = await readFile(join(FIXTURES, 'many-errors.expected.txt'), 'utf8');
    let caught: unknown;
    try {
      await loadSpecFile('many-errors.yaml'.replace(/^/, ''), {});
    } catch (e) {
      caught = e;
    }
    // Loaded relative to the fixtures directory so the golden file names it the same way.
    const cwd = process.cwd();
    process.chdir(FIXTURES);
    try {
      await loadSpecFile('many-errors.yaml', { SOURCE_URL: 'postgres://s/db' });
      expect.unreachable();
    } catch (e) {
      caught = e;
    } finally {
      process.chdir(cwd);
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect([err.message, ...err.diagnostics.map(formatDiagnostic)].join('\n') + '\n').toBe(expected);
  });

  it('says when the file is missing', async () => {
    await expect(loadSpecFile(join(FIXTURES, 'nope.yaml'), {})).rejects.toThrow(PgreplError);
    await expect(loadSpecFile(join(FIXTURES, 'nope.yaml'), {})).rejects.toThrow(/spec file not found: .*nope\.yaml/);
  });
});

describe('defaults', () => {
  it('applies the built-in defaults', () => {
    const spec = resolveSpecObject({ ...BASE, databases: { shop: {} } }, { file: '/x/pgrepl.yaml', env: {} });
    expect(spec.file).toBe('/x/pgrepl.yaml');
    expect(spec.state).toEqual({ backend: 'local', path: '/x/.pgrepl/state.json' });
    expect(spec.databases[0]).toEqual({
      key: 'shop',
      targetDatabase: 'shop',
      include: null,
      exclude: [],
      schemaOnly: [],
      tableFilters: [],
      timeFilters: [],
      columnLists: [],
      sync: true,
      copy: 'stream',
      publish: ['insert', 'update', 'delete', 'truncate'],
      prune: false,
      filteredForeignKeys: 'refuse',
      largeObjects: false,
      roles: 'copy',
      subscription: { enabled: true, options: {} },
      names: {},
    });
    expect(spec.cutover).toEqual({ fence: 'none', fenceRoles: [], maxLag: null, maxLagLimit: null, sequenceMargin: 0, after: 'keep' });
  });

  it('resolves state.path against baseDir or the cwd for specs built from flags', () => {
    expect(resolveSpecObject({ ...BASE, databases: { a: {} } }, { file: null, env: {}, baseDir: '/w' }).state).toEqual({ backend: 'local', path: '/w/.pgrepl/state.json' });
    expect(resolveSpecObject({ ...BASE, databases: { a: {} }, state: { path: '/abs/s.json' } }, { file: null, env: {} }).state).toEqual({ backend: 'local', path: '/abs/s.json' });
    expect(resolveSpecObject({ ...BASE, databases: { a: {} } }, { file: null, env: {} }).state).toEqual({ backend: 'local', path: resolve('.pgrepl/state.json') });
  });

  it('a database that sets include_tables or exclude_tables replaces both defaults', () => {
    const spec = resolveSpecObject(
      { ...BASE, defaults: { exclude_tables: ['public.tmp'], schema_only: ['public.log'] }, databases: { a: { include_tables: ['sales.*'] }, b: {} } },
      { file: null, env: {} },
    );
    const [a, b] = spec.databases;
    expect(a?.include?.map((p) => p.raw)).toEqual(['sales.*']);
    expect(a?.exclude).toEqual([]);
    expect(a?.schemaOnly.map((p) => [p.raw, p.fromDefaults])).toEqual([['public.log', true]]);
    expect(b?.include).toBeNull();
    expect(b?.exclude.map((p) => p.raw)).toEqual(['public.tmp']);
  });

  it('a default filter on a table one database leaves out is no error there', () => {
    const spec = resolveSpecObject(
      { ...BASE, defaults: { time_filters: [{ table: 'events', column: 'at', last: '30 days' }] }, databases: { a: { include_tables: ['sales.*'] } } },
      { file: null, env: {} },
    );
    expect(spec.databases[0]?.timeFilters).toMatchObject([{ schema: 'public', table: 'events', fromDefaults: true }]);
  });

  it('a database own filter on a table excluded by the defaults is an error', () => {
    expect(
      problemsOf(() =>
        resolveSpecObject(
          { ...BASE, defaults: { exclude_tables: ['public.events'] }, databases: { a: { table_filters: [{ table: 'events', where: 'x' }] } } },
          { file: null, env: {} },
        ),
      ),
    ).toEqual(['databases.a.table_filters[0]: a table filter on public.events, which exclude_tables leaves out (public.events)']);
  });

  it('publish is kept in canonical order; time windows accept singular units', () => {
    const spec = resolveSpecObject(
      { ...BASE, databases: { a: { publish: ['truncate', 'insert'], time_filters: [{ schema: 'S', table: 'T', column: 'c', last: '1 year' }] } } },
      { file: null, env: {} },
    );
    expect(spec.databases[0]?.publish).toEqual(['insert', 'truncate']);
    expect(spec.databases[0]?.timeFilters[0]?.last).toEqual({ amount: 1, unit: 'years', text: '1 year' });
  });
});

describe('not implemented yet', () => {
  const cases: [keyof typeof NOT_IMPLEMENTED, Record<string, unknown>, string][] = [
    ['columns', { databases: { a: { columns: [{ table: 't', columns: ['id'] }] } } }, 'databases.a.columns'],
  ];

  it('covers the whole list', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(Object.keys(NOT_IMPLEMENTED).sort());
  });

  it.each(cases)('refuses %s by name', (key, extra, path) => {
    const raw = { ...BASE, databases: { a: {} }, ...extra };
    expect(problemsOf(() => resolveSpecObject(raw, { file: null, env: {} }))).toEqual([`${path}: \`${key}\` is not implemented yet (${NOT_IMPLEMENTED[key]})`]);
    expect(() => resolveSpecObject(raw, { file: null, env: {}, allowNotImplemented: true })).not.toThrow();
  });

  it('resolves those keys when allowed (for the work that implements them)', () => {
    const spec = resolveSpecObject(
      {
        ...BASE,
        state: { backend: 'postgres', url: 'postgres://s/state' },
        databases: { a: { columns: [{ table: 'sales.orders', columns: ['id', 'total'] }] } },
        cutover: { fence: 'nologin', fence_roles: ['app'], max_lag: '64MB', sequence_margin: 1000, after: 'drop' },
      },
      { file: null, env: {}, allowNotImplemented: true },
    );
    expect(spec.state).toEqual({ backend: 'postgres', url: 'postgres://s/state', schema: 'pgrepl', name: 'default' });
    expect(spec.databases[0]?.columnLists).toEqual([{ schema: 'sales', table: 'orders', columns: ['id', 'total'] }]);
    expect(spec.cutover).toEqual({ fence: 'nologin', fenceRoles: ['app'], maxLag: '64MB', maxLagLimit: { kind: 'bytes', bytes: 64 * 1024 ** 2, text: '64MB' }, sequenceMargin: 1000, after: 'drop' });
    const lag = (max_lag: string) => resolveSpecObject({ ...BASE, databases: { a: {} }, cutover: { max_lag } }, { file: null, env: {}, allowNotImplemented: true }).cutover.maxLagLimit;
    expect(lag('30s')).toEqual({ kind: 'time', milliseconds: 30_000, text: '30s' });
    expect(lag('5min')).toEqual({ kind: 'time', milliseconds: 300_000, text: '5min' });
    expect(lag('1.5h')).toEqual({ kind: 'time', milliseconds: 5_400_000, text: '1.5h' });
    expect(lag('512kB')).toEqual({ kind: 'bytes', bytes: 524_288, text: '512kB' });
  });

  it('checks the rest of those blocks too', () => {
    expect(
      problemsOf(() =>
        resolveSpecObject(
          { ...BASE, databases: { a: { copy: 'native', sync: false } }, state: { backend: 'postgres', path: 'x' }, cutover: { fence: 'read-only' } },
          { file: null, env: {}, allowNotImplemented: true },
        ),
      ),
    ).toEqual([
      "databases.a.copy: copy: native is PostgreSQL's own table sync and needs sync: true; use copy: stream for a one-off copy",
      'state.path: only with backend: local',
      'state: missing required key "url" (backend: postgres keeps the state in that database)',
      'cutover.fence: fence: read-only needs fence_roles: the source roles whose writes to stop',
    ]);
  });
});

describe('resolveSpecObject', () => {
  it('reports paths without positions', () => {
    expect(problemsOf(() => resolveSpecObject({ ...BASE, databases: { 'my-app': { copy: 'x' } } }, { file: null, env: {} }))).toEqual([
      'databases["my-app"].copy: must be one of: stream, native',
    ]);
  });

  it('refuses template0 and names longer than 63 bytes', () => {
    expect(
      problemsOf(() => resolveSpecObject({ ...BASE, databases: { template0: {}, a: { target_database: 'é'.repeat(32) } } }, { file: null, env: {} })),
    ).toEqual([
      'databases.template0: template0 accepts no connections and cannot be replicated',
      'databases.a.target_database: target database name longer than 63 bytes: PostgreSQL would truncate it',
    ]);
  });

  it('refuses an empty database name', () => {
    expect(problemsOf(() => resolveSpecObject({ ...BASE, databases: { '': {} } }, { file: null, env: {} }))).toEqual(['databases[""]: empty database name']);
  });

  it('accepts a spec that only selects by rule', () => {
    const spec = resolveSpecObject({ ...BASE, include_databases: ['app_*'] }, { file: null, env: {} });
    expect(spec.databases).toEqual([]);
    expect(spec.selection).toEqual({ include: ['app_*'], exclude: [] });
  });

  it('interpolates values built from flags too', () => {
    const spec = resolveSpecObject({ ...BASE, source: { url: '${SRC}' }, databases: { a: {} } }, { file: null, env: { SRC: 'postgres://env/db' } });
    expect(spec.source.url).toBe('postgres://env/db');
  });
});

describe('loadSpecText', () => {
  it('positions merged keys at their anchor and explicit keys where written', () => {
    const text = [
      'version: 1',
      'source: { url: a }',
      'target: { url: b }',
      'databases:',
      '  a: &common',
      '    sync: false',
      '    copy: stream',
      '  b:',
      '    <<: *common',
      '    copy: fast',
    ].join('\n');
    expect(problemsOf(() => loadSpecText(text, 'p.yaml', { env: {} }))).toEqual(['p.yaml:10:11: databases.b.copy: must be one of: stream, native']);
    const ok = loadSpecText(text.replace('copy: fast', 'roles: skip'), 'p.yaml', { env: {} });
    expect(ok.databases.map((d) => [d.key, d.sync, d.roles])).toEqual([
      ['a', false, 'copy'],
      ['b', false, 'skip'],
    ]);
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const out = problemsOf(() => loadSpecText(lines.join('\n'), 'bomb.yaml', { env: {} }));
    expect(out[0]).toMatch(/^bomb\.yaml:1:1: YAML: /);
  });
});
