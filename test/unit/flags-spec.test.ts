// ResolvedScope -> raw spec -> resolveSpecObject (it must resolve), table names that read back exactly, YAML that
// never holds a password, and the guide's TOML converted offline.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitSpecYaml, withoutPassword } from '../../src/flags/emit-spec.js';
import { rawSpecFromTomlText } from '../../src/flags/from-toml.js';
import { rawSpecFromScope } from '../../src/flags/raw-spec.js';
import type { ResolvedDatabase, ResolvedScope } from '../../src/flags/types.js';
import { loadSpecText, resolveSpecObject } from '../../src/spec/load.js';
import { formatTableName, parseTableName, parseTablePattern } from '../../src/spec/table-pattern.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/flags');
const ENV = {};
const db = (name: string, over: Partial<ResolvedDatabase> = {}): ResolvedDatabase => ({ name, includeTables: null, excludeTables: [], schemaOnly: [], tableFilters: [], timeFilters: [], ...over });
const opts = { sourceUrl: 'postgres://app:s3cret@src:5432/postgres', targetUrl: 'postgres://app:t0p@dst:5432/postgres', sync: true, env: ENV };

const ODD_NAMES = ['plain', 'Mixed Case', 'dot.ted', 'star*', 'q?', ' lead', 'trail ', 'say "hi"', 'dollar$$x', '${HOME}', 'a-b', 'ünï', 'comma,x', "it's"];

describe('rawSpecFromScope', () => {
  it('lists chosen databases, sets sync in defaults, and resolves', () => {
    const scope: ResolvedScope = {
      databases: { kind: 'only', names: ['myapp', 'analytics'] },
      perDatabase: [
        db('myapp', { excludeTables: [{ schema: 'public', table: 'logs' }] }),
        db('analytics', {
          schemaOnly: [{ schema: 'public', table: 'evmlog_strides' }],
          tableFilters: [{ schema: 'public', table: 'orders', where: "status IN ('a') AND price::text ~ '^\\$'" }],
          timeFilters: [{ schema: 'public', table: 'metrics', column: 'created_at', last: '6 months' }],
        }),
      ],
      notes: [],
    };
    const raw = rawSpecFromScope(scope, { ...opts, sync: false, statePath: '/tmp/x/.pgrepl/flags-abc.json' });
    expect(raw).toEqual({
      version: 1,
      source: { url: 'postgres://app:s3cret@src:5432/postgres' },
      target: { url: 'postgres://app:t0p@dst:5432/postgres' },
      state: { path: '/tmp/x/.pgrepl/flags-abc.json' },
      defaults: { sync: false, large_objects: true },
      databases: {
        myapp: { exclude_tables: ['public.logs'] },
        analytics: {
          schema_only: ['public.evmlog_strides'],
          table_filters: [{ schema: 'public', table: 'orders', where: "status IN ('a') AND price::text ~ '^\\$$'" }],
          time_filters: [{ schema: 'public', table: 'metrics', column: 'created_at', last: '6 months' }],
        },
      },
    });
    const spec = resolveSpecObject(raw, { file: null, env: ENV });
    expect(spec.databases.map((d) => [d.key, d.sync, d.largeObjects])).toEqual([['myapp', false, true], ['analytics', false, true]]);
    expect(spec.databases[1]?.tableFilters[0]?.where).toBe("status IN ('a') AND price::text ~ '^\\$'");
    expect(spec.state).toEqual({ backend: 'local', path: '/tmp/x/.pgrepl/flags-abc.json' });
  });

  it('all-except: exclude_databases plus blocks for databases with settings', () => {
    const raw = rawSpecFromScope({ databases: { kind: 'all-except', except: ['test', 'staging'] }, perDatabase: [db('prod', { schemaOnly: [{ schema: 'public', table: 'a' }] })], notes: [] }, opts);
    expect(raw['exclude_databases']).toEqual(['test', 'staging']);
    expect(raw['databases']).toEqual({ prod: { schema_only: ['public.a'] } });
    const spec = resolveSpecObject(raw, { file: null, env: ENV });
    expect(spec.selection).toEqual({ include: null, exclude: ['test', 'staging'] });
    expect(rawSpecFromScope({ databases: { kind: 'all-except', except: [] }, perDatabase: [], notes: [] }, opts)['exclude_databases']).toEqual([]);
  });

  it('a target URL naming another database renames the one source database', () => {
    const t = (targetUrl: string, names = ['mydb']) => (rawSpecFromScope({ databases: { kind: 'only', names }, perDatabase: [], notes: [] }, { ...opts, targetUrl })['databases'] as Record<string, unknown>);
    expect(t('postgres://u@h/mydb_copy')).toEqual({ mydb: { target_database: 'mydb_copy' } });
    expect(t('postgres://u@h/mydb')).toEqual({ mydb: {} });
    expect(t('postgres://u@h/postgres')).toEqual({ mydb: {} });
    expect(t('host=h dbname=other')).toEqual({ mydb: { target_database: 'other' } });
    expect(t('postgres://u@h/other', ['a', 'b'])).toEqual({ a: {}, b: {} });
  });

  it('writes odd table names so the spec reads back exactly the same names', () => {
    const tables = ODD_NAMES.flatMap((schema) => ODD_NAMES.map((table) => ({ schema, table })));
    const raw = rawSpecFromScope(
      {
        databases: { kind: 'only', names: ['we.ird-db'] },
        perDatabase: [
          db('we.ird-db', {
            includeTables: tables,
            schemaOnly: tables.slice(0, 20),
            tableFilters: tables.slice(20, 30).map((t) => ({ ...t, where: 'x = $$a$$' })),
            timeFilters: tables.slice(30, 40).map((t) => ({ ...t, column: 'Created $At', last: '1 day' })),
          }),
        ],
        notes: [],
      },
      opts,
    );
    const spec = loadSpecText(emitSpecYaml(raw), 'emitted.yaml', { env: { HOME: '/root' } });
    const d = spec.databases[0];
    expect(d?.key).toBe('we.ird-db');
    expect(d?.include?.map((p) => ({ schema: p.schema, table: p.table, glob: p.schemaGlob || p.tableGlob }))).toEqual(tables.map((t) => ({ ...t, glob: false })));
    expect(d?.schemaOnly.map((p) => ({ schema: p.schema, table: p.table }))).toEqual(tables.slice(0, 20));
    expect(d?.tableFilters.map((f) => [f.schema, f.table, f.where])).toEqual(tables.slice(20, 30).map((t) => [t.schema, t.table, 'x = $$a$$']));
    expect(d?.timeFilters.map((f) => [f.schema, f.table, f.column])).toEqual(tables.slice(30, 40).map((t) => [t.schema, t.table, 'Created $At']));
    for (const t of tables) {
      expect(parseTableName(formatTableName(t))).toEqual(t);
      expect(parseTablePattern(formatTableName(t))).toMatchObject({ ...t, schemaGlob: false, tableGlob: false });
    }
  });
});

describe('emitSpecYaml', () => {
  it('starts with the schema line and never holds a password', () => {
    const raw = rawSpecFromScope({ databases: { kind: 'only', names: ['mydb'] }, perDatabase: [], notes: [] }, { ...opts, sourceUrl: 'postgresql://app:s3cret@src/mydb?sslmode=require&password=s3cret', targetUrl: "host=dst user=app password='t0p secret' dbname=postgres" });
    const text = emitSpecYaml(raw, { command: 'init --emit-spec' });
    expect(text.startsWith('# yaml-language-server: $schema=node_modules/pgrepl/schemas/spec.schema.json\n# Written by pgrepl init --emit-spec')).toBe(true);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('t0p');
    expect(text).toContain('PGPASSWORD or ~/.pgpass');
    const doc = parse(text) as Record<string, { url: string }>;
    expect(doc['source']?.url).toBe('postgresql://app@src/mydb?sslmode=require');
    expect(doc['target']?.url).toBe('host=dst user=app dbname=postgres');
    expect(loadSpecText(text, 'x.yaml', { env: ENV }).databases.map((d) => d.key)).toEqual(['mydb']);
  });

  it('keeps ${VAR} placeholders (spec from-toml without servers) for the spec reader to interpolate', () => {
    const raw = { version: 1, source: { url: '${SOURCE_URL}' }, target: { url: '${TARGET_URL:-postgres://localhost/postgres}' }, exclude_databases: [] };
    const doc = parse(emitSpecYaml(raw)) as Record<string, { url: string }>;
    expect(doc['source']?.url).toBe('${SOURCE_URL}');
    expect(doc['target']?.url).toBe('${TARGET_URL:-postgres://localhost/postgres}');
  });

  it('strips passwords in every form and leaves other strings alone', () => {
    expect(withoutPassword('postgres://u:p%40ss@h:5432/db')).toEqual({ text: 'postgres://u@h:5432/db', hadPassword: true });
    expect(withoutPassword('postgres://u@h/db?password=x')).toEqual({ text: 'postgres://u@h/db', hadPassword: true });
    expect(withoutPassword('postgres://u@h/db?a=1&password=x&b=2')).toEqual({ text: 'postgres://u@h/db?a=1&b=2', hadPassword: true });
    expect(withoutPassword('postgres://u@h/db')).toEqual({ text: 'postgres://u@h/db', hadPassword: false });
    expect(withoutPassword("password = 'a b' host=h")).toEqual({ text: 'host=h', hadPassword: true });
    expect(withoutPassword('host=h password=x')).toEqual({ text: 'host=h', hadPassword: true });
    expect(() => withoutPassword("host='unterminated")).toThrow(/not valid/);
    const text = emitSpecYaml({ version: 1, source: { url: 'postgres://u:pw$$x@h/db' }, target: { url: 'postgres://u@h/db' } });
    expect(text).not.toContain('pw');
    expect(text).toContain('PGPASSWORD');
    expect(emitSpecYaml({ version: 1, source: { url: 'postgres://u@h/db' }, target: { url: 'host=h' } })).not.toContain('PGPASSWORD');
  });
});

describe('rawSpecFromTomlText', () => {
  it('converts the guide\'s config into a spec that validates', () => {
    const { spec, notes } = rawSpecFromTomlText(readFileSync(join(FIXTURES, 'guide.toml'), 'utf8'), 'replication.toml', { source: null, target: null, sync: true, env: ENV });
    expect(spec).toEqual({
      version: 1,
      source: { url: '${SOURCE_URL}' },
      target: { url: '${TARGET_URL}' },
      defaults: { sync: true, large_objects: true },
      exclude_databases: [],
      databases: {
        production: {
          schema_only: ['public.audit_logs', 'public.archive_data'],
          time_filters: [
            { schema: 'public', table: 'events', column: 'created_at', last: '90 days' },
            { schema: 'public', table: 'metrics', column: 'timestamp', last: '6 months' },
          ],
        },
      },
    });
    expect(notes[0]).toContain("replication.toml:8:1: created_at > NOW() - INTERVAL '90 days' became a time window");
    const resolved = resolveSpecObject(spec, { file: null, env: { SOURCE_URL: 'postgres://s/postgres', TARGET_URL: 'postgres://t/postgres' } });
    expect(resolved.databases[0]?.timeFilters.map((f) => f.last.text)).toEqual(['90 days', '6 months']);
  });

  it('the schema-field example, and a source URL that names one database', () => {
    const text = readFileSync(join(FIXTURES, 'guide-schema.toml'), 'utf8');
    const { spec } = rawSpecFromTomlText(text, 'c.toml', { source: 'postgres://u@h/mydb', target: 'postgres://u@h/mydb', sync: false, env: ENV });
    expect(spec['databases']).toEqual({
      mydb: {
        schema_only: ['analytics.evmlog_strides', 'reporting.archive'],
        time_filters: [
          { schema: 'analytics', table: 'events', column: 'created_at', last: '90 days' },
          { schema: 'analytics', table: 'metrics', column: 'timestamp', last: '6 months' },
        ],
      },
    });
    expect(spec['exclude_databases']).toBeUndefined();
    const other = rawSpecFromTomlText(text, 'c.toml', { source: 'postgres://u@h/other', target: 'postgres://u@h/postgres', sync: true, env: ENV });
    expect(other.spec['databases']).toEqual({ other: {} });
    expect(other.notes[0]).toContain('the rules for database mydb are not used');
  });
});
