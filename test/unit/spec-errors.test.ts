// Spec problems are reported all at once, each at the exact file:line:column of the YAML node it is about.
import { describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load.js';
import { InputError, formatDiagnostic } from '../../src/util/errors.js';

const ENV = { SOURCE_URL: 'postgres://app@src/shop', TARGET_URL: 'postgres://app@dst/shop' };

/** The formatted diagnostics of a spec that must fail. */
function problems(lines: readonly string[], env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    loadSpecText(lines.join('\n') + '\n', 'pgrepl.yaml', { env });
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  throw new Error('the spec was accepted');
}

const HEAD = ['version: 1', 'source: { url: "${SOURCE_URL}" }', 'target: { url: "${TARGET_URL}" }'];

describe('spec errors with positions', () => {
  it('reports a type error at the value', () => {
    expect(
      problems([
        ...HEAD,
        'databases:',
        '  shop:',
        '    table_filters:',
        '      - { schema: sales, table: orders, where: "region_id IN (1, 2)" }',
        '      - schema: sales',
        '        table: customers',
        '        where: 5',
      ]),
    ).toEqual(['pgrepl.yaml:10:16: databases.shop.table_filters[1].where: must be string']);
  });

  it('reports an unknown key at the key, with a suggestion', () => {
    expect(problems([...HEAD, 'databases:', '  shop:', '    tabel_filters: []'])).toEqual([
      'pgrepl.yaml:6:5: databases.shop.tabel_filters: unknown key; did you mean "table_filters" or "time_filters"?',
    ]);
    expect(problems([...HEAD, 'databases:', '  my-app:', '    target_databse: x'])).toEqual([
      'pgrepl.yaml:6:5: databases["my-app"].target_databse: unknown key; did you mean "target_database"?',
    ]);
  });

  it('says where a database setting written at the top level belongs', () => {
    expect(problems([...HEAD, 'sync: false', 'databases: { shop: {} }'])).toEqual([
      'pgrepl.yaml:4:1: sync: unknown key; it is a database setting: put it under `defaults:` or `databases.<name>:`',
    ]);
  });

  it('reports a missing required key at its parent', () => {
    expect(
      problems([...HEAD, 'databases:', '  shop:', '    time_filters:', '      - table: events', '        last: 90 days']),
    ).toEqual(['pgrepl.yaml:7:9: databases.shop.time_filters[0]: missing required key "column"']);
    expect(problems(['version: 1', 'target:', '  url: x', 'databases: { shop: {} }'])).toEqual([
      'pgrepl.yaml:1:1: missing required key "source"',
    ]);
    expect(problems([...HEAD.slice(0, 2), 'target: {}', 'databases: { shop: {} }'])).toEqual([
      'pgrepl.yaml:3:1: target: missing required key "url"',
    ]);
  });

  it('reports a bad enum value with the allowed values', () => {
    expect(problems([...HEAD, 'databases:', '  shop:', '    copy: fast'])).toEqual([
      'pgrepl.yaml:6:11: databases.shop.copy: must be one of: stream, native',
    ]);
  });

  it('reports a wrong version', () => {
    expect(problems(['version: 2', ...HEAD.slice(1), 'databases: { shop: {} }'])).toEqual(['pgrepl.yaml:1:10: version: must be 1']);
  });

  it('reports an unset environment variable by name, at the value', () => {
    expect(problems([...HEAD, 'databases: { shop: {} }'], { SOURCE_URL: 'postgres://src/shop' })).toEqual([
      'pgrepl.yaml:3:16: target.url: environment variable TARGET_URL is not set (write `${TARGET_URL:-default}` to give a default)',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const out = problems([...HEAD, 'databases:', '  shop:', '    include_tables: [public.a', '  other: {}']);
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]).toMatch(/^pgrepl\.yaml:7:\d+: YAML: /);
    expect(problems([...HEAD, 'databases: { shop: {} }', 'version: 1'])).toEqual(['pgrepl.yaml:5:1: YAML: Map keys must be unique']);
  });

  it('refuses include_tables with exclude_tables, at the second key', () => {
    expect(
      problems([...HEAD, 'databases:', '  shop:', '    include_tables: [public.*]', '    exclude_tables: [public.tmp]']),
    ).toEqual([
      'pgrepl.yaml:7:5: databases.shop.exclude_tables: include_tables and exclude_tables cannot be used together: list the tables to copy, or the tables to leave out',
    ]);
  });

  it('refuses include_databases with exclude_databases', () => {
    expect(problems([...HEAD, 'include_databases: [a]', 'exclude_databases: [b]'])).toEqual([
      'pgrepl.yaml:5:1: exclude_databases: include_databases and exclude_databases cannot be used together: list the databases to copy, or those to leave out',
    ]);
  });

  it('reports every schema problem at once, in file order', () => {
    const out = problems([
      'version: 1',
      'source: { url: 5 }',
      'target: { url: "${TARGET_URL}" }',
      'defaults: { sync: yes please, rolse: copy }',
      'databases:',
      '  shop:',
      '    publish: [insert, upsert]',
      '    names: { slot: Shop-Slot }',
      '    subscription: { options: { streaming: sometimes } }',
      '  other:',
      '    time_filters: [{ table: t, column: c, last: 3 fortnights }]',
    ]);
    expect(out).toEqual([
      'pgrepl.yaml:2:16: source.url: must be string',
      'pgrepl.yaml:4:19: defaults.sync: must be boolean',
      'pgrepl.yaml:4:31: defaults.rolse: unknown key; did you mean "roles"?',
      'pgrepl.yaml:7:23: databases.shop.publish[1]: must be one of: insert, update, delete, truncate',
      'pgrepl.yaml:8:20: databases.shop.names.slot: must be 1 to 63 characters from a-z, 0-9 and _',
      'pgrepl.yaml:9:43: databases.shop.subscription.options.streaming: must be one of: true, false, parallel',
      'pgrepl.yaml:11:49: databases.other.time_filters[0].last: must be a positive whole number and a unit, e.g. `90 days`; units: seconds, minutes, hours, days, weeks, months, years',
    ]);
  });

  it('reports an unset variable together with schema problems', () => {
    const out = problems([...HEAD, 'databases:', '  shop:', '    sync: maybe'], { SOURCE_URL: 'x' });
    expect(out).toEqual([
      'pgrepl.yaml:3:16: target.url: environment variable TARGET_URL is not set (write `${TARGET_URL:-default}` to give a default)',
      'pgrepl.yaml:6:11: databases.shop.sync: must be boolean',
    ]);
  });

  it('reports every cross-field problem at once', () => {
    const out = problems([
      ...HEAD,
      'databases:',
      '  shop:',
      '    schema_only: [public.audit_log]',
      '    table_filters:',
      '      - { table: audit_log, where: "id > 0" }',
      '      - { schema: sales, table: orders, where: "a" }',
      '      - { table: sales.orders, where: "b" }',
      '    time_filters:',
      '      - { table: public.events, column: at, last: 90 days }',
      '      - { table: events, column: at, last: 1 week }',
      '    names: { slot: shared }',
      '  shop2:',
      '    target_database: shop',
      '    names: { slot: shared }',
    ]);
    expect(out).toEqual([
      'pgrepl.yaml:8:9: databases.shop.table_filters[0]: a table filter on public.audit_log, which is schema_only (public.audit_log): it gets no rows',
      'pgrepl.yaml:10:9: databases.shop.table_filters[2]: a second table_filters entry for sales.orders (the first is at line 9): a table takes one',
      'pgrepl.yaml:13:9: databases.shop.time_filters[1]: a second time_filters entry for public.events (the first is at line 12): a table takes one',
      'pgrepl.yaml:16:22: databases.shop2.target_database: target database "shop" is also the target of "shop": each source database needs its own',
      'pgrepl.yaml:17:20: databases.shop2.names.slot: slot name shared is also used by "shop": slots are shared by the whole source server',
    ]);
  });

  it('refuses a filter on a table the selection leaves out', () => {
    expect(
      problems([
        ...HEAD,
        'databases:',
        '  shop:',
        '    exclude_tables: [logs.*]',
        '    table_filters: [{ schema: logs, table: requests, where: "x" }]',
        '  crm:',
        '    include_tables: [crm.*]',
        '    time_filters: [{ table: events, column: at, last: 2 days }]',
      ]),
    ).toEqual([
      'pgrepl.yaml:7:21: databases.shop.table_filters[0]: a table filter on logs.requests, which exclude_tables leaves out (logs.*)',
      'pgrepl.yaml:10:20: databases.crm.time_filters[0]: a time filter on public.events, which include_tables does not select',
    ]);
  });

  it('checks names: bad table syntax, database names beyond 63 bytes', () => {
    const long = 'd'.repeat(64);
    expect(
      problems([...HEAD, 'databases:', `  ${long}:`, '    include_tables: [\'"unterminated.x\']', '    table_filters: [{ table: "s.*", where: "x" }]']),
    ).toEqual([
      `pgrepl.yaml:5:3: databases.${long}: database name longer than 63 bytes: PostgreSQL would truncate it`,
      'pgrepl.yaml:6:22: databases.' + long + '.include_tables[0]: invalid table pattern: unterminated double quote',
      'pgrepl.yaml:7:30: databases.' + long + '.table_filters[0].table: invalid table name: one exact table is needed here, not a glob (quote a name that holds * or ?)',
    ]);
  });

  it('refuses a spec that selects no database, and an empty file', () => {
    expect(problems(HEAD)).toEqual(['pgrepl.yaml:1:1: databases: the spec selects no database: list them under `databases:`, or use include_databases or exclude_databases']);
    expect(problems([''])).toEqual(['pgrepl.yaml:1:1: the spec is empty']);
    expect(problems(['- a', '- b'])).toEqual(['pgrepl.yaml:1:1: the spec must be a mapping (key: value lines)']);
  });

  it('accepts an empty database block and reports a wrong one once', () => {
    const spec = loadSpecText([...HEAD, 'databases:', '  shop:', '  crm: {}'].join('\n'), 'pgrepl.yaml', { env: ENV });
    expect(spec.databases.map((d) => [d.key, d.sync])).toEqual([
      ['shop', true],
      ['crm', true],
    ]);
    expect(problems([...HEAD, 'databases:', '  shop: 5', '  crm: [a]'])).toEqual([
      'pgrepl.yaml:5:9: databases.shop: must be a mapping (key: value)',
      'pgrepl.yaml:6:8: databases.crm: must be a mapping (key: value)',
    ]);
  });

  it('refuses a database listed and excluded at once', () => {
    expect(problems([...HEAD, 'exclude_databases: [shop*]', 'databases: { shop: {} }'])).toEqual([
      'pgrepl.yaml:5:14: databases.shop: listed under databases: but excluded by exclude_databases ("shop*")',
    ]);
  });

  it('summarises the count in the error message', () => {
    try {
      loadSpecText([...HEAD, 'databases: { shop: { copy: x, sync: y } }'].join('\n'), 'specs/p.yaml', { env: ENV });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toBe('specs/p.yaml: 2 problems');
    }
  });
});
