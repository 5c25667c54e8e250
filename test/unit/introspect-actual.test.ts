// The pure parts of readActualState: row -> ServerActual, sizes, target table facts, which target tables get
// facts, PGREPL_NOW, the lookup's JSON form, bounded parallelism, database order and the unreadable-table warning.
import { describe, expect, it } from 'vitest';
import { reviveActualState, jsonLookup } from '../../src/introspect/json-set.js';
import { mapLimit } from '../../src/introspect/map-limit.js';
import { nowOverride } from '../../src/introspect/now-override.js';
import { databaseOrder, selectionDiagnostics, unreadableDiagnostic } from '../../src/introspect/read-actual.js';
import { sampleBasis } from '../../src/introspect/sample.js';
import type { ActualState, ServerActual } from '../../src/introspect/types.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { factCandidates } from '../../src/pg/catalog/actual/fact-candidates.js';
import { sampleCopySql } from '../../src/pg/catalog/actual/sample-throughput.js';
import { parsePublications, parseSubscriptions, publicationsSql, readsSubscriptionOid, subscriptionsSql, type SubscriptionRow } from '../../src/pg/catalog/actual/replication-query.js';
import { parseServerRow, SERVER_SQL, serverParams, type ServerRow } from '../../src/pg/catalog/actual/server-query.js';
import { parseSizes, SIZES_SQL } from '../../src/pg/catalog/actual/sizes-query.js';
import { existsUnionSql, parseTableFacts, TABLE_FACTS_SQL, tableFactsParams, withExists } from '../../src/pg/catalog/actual/table-facts-query.js';
import type { DatabaseSpec, Spec } from '../../src/spec/model.js';
import { InputError } from '../../src/util/errors.js';

const SERVER_ROW: ServerRow = {
  version_num: '170004',
  user: 'tgt_user',
  superuser: false,
  createdb: true,
  createrole: false,
  roles: ['tgt_user', 'postgres', 'pg_monitor', 'Zed'],
  member_of: ['tgt_user'],
  databases: [
    { name: 'shop', owner: 'tgt_user', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', provider: 'c', locale: null },
    { name: 'icu', owner: 'postgres', encoding: 'UTF8', collate: 'en_US.UTF-8', ctype: 'en_US.UTF-8', provider: 'i', locale: 'und' },
    { name: 'app', owner: 'postgres', encoding: 'LATIN1', collate: 'C', ctype: 'C', provider: 'b', locale: 'C.UTF-8' },
  ],
  libc_locales: ['POSIX', 'C', 'C.UTF-8', null, 'C'],
  now: '2026-11-26 09:00:00.123456+00',
  wal_level: 'logical',
  slots: [
    { name: 'zz', database: 'shop', plugin: 'pgoutput', active: true, wal_status: 'reserved', retained_bytes: 56, confirmed_flush_lsn: '0/16B3748' },
    { name: 'aa', database: 'app', plugin: 'pgoutput', active: false, wal_status: null, retained_bytes: '123456789012', confirmed_flush_lsn: null },
  ],
};

describe('parseServerRow', () => {
  it('sorts roles, databases and locales, derives the major and keeps display and now', () => {
    const s = parseServerRow(SERVER_ROW, 'postgres://tgt_user@db:5432/postgres');
    expect(s).toEqual({
      display: 'postgres://tgt_user@db:5432/postgres',
      versionNum: 170004,
      major: 17,
      user: 'tgt_user',
      superuser: false,
      createdb: true,
      createrole: false,
      roles: ['Zed', 'pg_monitor', 'postgres', 'tgt_user'],
      memberOf: ['tgt_user'],
      databases: [
        { name: 'app', owner: 'postgres', encoding: 'LATIN1', collate: 'C', ctype: 'C', localeProvider: 'b', locale: 'C.UTF-8' },
        { name: 'icu', owner: 'postgres', encoding: 'UTF8', collate: 'en_US.UTF-8', ctype: 'en_US.UTF-8', localeProvider: 'i', locale: 'und' },
        { name: 'shop', owner: 'tgt_user', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null },
      ],
      libcLocales: ['C', 'C.UTF-8', 'POSIX'],
      now: '2026-11-26 09:00:00.123456+00',
      slots: [
        { name: 'aa', database: 'app', plugin: 'pgoutput', active: false, walStatus: null, retainedBytes: 123456789012, confirmedFlushLsn: null },
        { name: 'zz', database: 'shop', plugin: 'pgoutput', active: true, walStatus: 'reserved', retainedBytes: 56, confirmedFlushLsn: '0/16B3748' },
      ],
      walLevel: 'logical',
    });
  });

  it('before 15 there is no provider; an override replaces now; empty arrays read as NULL', () => {
    const s = parseServerRow(
      { ...SERVER_ROW, version_num: '120022', roles: null, member_of: null, libc_locales: null, slots: null, databases: [{ name: 'x', owner: 'o', encoding: 'UTF8', collate: 'C', ctype: 'C', provider: null, locale: null }] },
      'd',
      '2026-01-01T00:00:00Z',
    );
    expect(s).toMatchObject({ major: 12, roles: [], memberOf: [], libcLocales: [], now: '2026-01-01T00:00:00Z', slots: [] });
    expect(s.databases[0]).toMatchObject({ localeProvider: null, locale: null });
  });

  it('refuses an unknown provider and a bad version', () => {
    expect(() => parseServerRow({ ...SERVER_ROW, databases: [{ name: 'x', owner: 'o', encoding: 'UTF8', collate: 'C', ctype: 'C', provider: 'z', locale: null }] }, 'd')).toThrow(/locale provider "z"/);
    expect(() => parseServerRow({ ...SERVER_ROW, version_num: 'x' }, 'd')).toThrow(/server_version_num/);
  });

  it('is one statement that reads the locale columns without naming them (every major)', () => {
    expect(SERVER_SQL).not.toMatch(/d\.datlocprovider|d\.daticulocale|d\.datlocale/);
    expect(SERVER_SQL).toMatch(/to_jsonb\(d\) ->> 'datlocprovider'/);
    expect(SERVER_SQL.split(';')).toHaveLength(1);
    // Slots only on the source, behind $1; wal_status through to_jsonb (12 has no such column).
    expect(serverParams('source')).toEqual([true]);
    expect(serverParams('target')).toEqual([false]);
    expect(SERVER_SQL).toMatch(/CASE WHEN \$1::boolean THEN \(SELECT pg_catalog\.json_agg/);
    expect(SERVER_SQL).toMatch(/to_jsonb\(s\) ->> 'wal_status'/);
    expect(SERVER_SQL).toMatch(/WHERE s\.slot_type = 'logical'/);
  });
});

describe('publications', () => {
  it('gates the columns each major lacks', () => {
    expect(publicationsSql(12)).not.toMatch(/pubviaroot|prqual|prattrs|pg_publication_namespace/);
    expect(publicationsSql(12)).toMatch(/false AS via_root/);
    expect(publicationsSql(14)).toMatch(/p\.pubviaroot AS via_root/);
    expect(publicationsSql(14)).not.toMatch(/prqual|prattrs|pg_publication_namespace/);
    for (const major of [15, 18]) {
      expect(publicationsSql(major)).toMatch(/pg_get_expr\(pr\.prqual, pr\.prrelid\)/);
      expect(publicationsSql(major)).toMatch(/pr\.prattrs/);
      expect(publicationsSql(major)).toMatch(/pg_publication_namespace/);
    }
  });

  it('orders publish flags, tables and schemas, and keeps a null column list apart from a list', () => {
    const [p] = parsePublications([{
      name: 'p', owner: 'src_owner', comment: 'managed by pgrepl x', all_tables: false, via_root: true,
      insert: true, update: false, delete: true, truncate: true,
      tables: [
        { schema: 'sales', name: 'orders', row_filter: '(id > 10)', columns: ['id', 'note'] },
        { schema: 'Sales', name: 'b', row_filter: null, columns: null },
      ],
      schemas: ['z', 'a'],
    }]);
    expect(p).toEqual({
      name: 'p', owner: 'src_owner', comment: 'managed by pgrepl x', allTables: false, viaRoot: true, publish: ['insert', 'delete', 'truncate'],
      tables: [
        { schema: 'Sales', name: 'b', rowFilter: null, columns: null },
        { schema: 'sales', name: 'orders', rowFilter: '(id > 10)', columns: ['id', 'note'] },
      ],
      schemas: ['a', 'z'],
    });
    expect(parsePublications([{ ...{ name: 'q', owner: 'o', comment: null, all_tables: true, via_root: false }, insert: true, update: true, delete: true, truncate: true, tables: null, schemas: null }]))
      .toEqual([{ name: 'q', owner: 'o', comment: null, allTables: true, viaRoot: false, publish: ['insert', 'update', 'delete', 'truncate'], tables: [], schemas: [] }]);
  });
});

describe('subscriptions', () => {
  it('never reads subconninfo nor every column, and reads only the options the major has', () => {
    for (const major of [12, 14, 15, 16, 17, 18]) {
      const sql = subscriptionsSql(major);
      expect(sql).not.toMatch(/subconninfo|s\.\*|SELECT \*/);
      expect(sql).toMatch(/'synchronous_commit', s\.subsynccommit/);
      expect(sql).toMatch(/s\.subdbid = \(SELECT d\.oid FROM pg_catalog\.pg_database d WHERE d\.datname = pg_catalog\.current_database\(\)\)/);
    }
    expect(subscriptionsSql(13)).not.toMatch(/subbinary|substream|subdisableonerr|subtwophasestate|suborigin|subfailover|pg_stat_subscription_stats/);
    expect(subscriptionsSql(14)).toMatch(/'streaming', CASE WHEN s\.substream THEN 'on' ELSE 'off' END/);
    expect(subscriptionsSql(15)).toMatch(/'two_phase', s\.subtwophasestate <> 'd'/);
    expect(subscriptionsSql(15)).toMatch(/pg_stat_subscription_stats/);
    expect(subscriptionsSql(15)).not.toMatch(/suborigin|leader_pid|worker_type/);
    expect(subscriptionsSql(16)).toMatch(/WHEN 'p' THEN 'parallel'/);
    expect(subscriptionsSql(16)).toMatch(/st\.leader_pid IS NULL/);
    expect(subscriptionsSql(16)).not.toMatch(/subfailover/);
    expect(subscriptionsSql(17)).toMatch(/st\.worker_type = 'apply'/);
    expect(subscriptionsSql(17)).toMatch(/'failover', s\.subfailover/);
  });

  it('on 12/13 without superuser finds the oid by name and leaves out what PUBLIC may not read', () => {
    expect(readsSubscriptionOid(13, false)).toBe(false);
    expect(readsSubscriptionOid(13, true)).toBe(true);
    expect(readsSubscriptionOid(14, false)).toBe(true);
    const sql = subscriptionsSql(12, false);
    // Only the columns 12/13 grant to PUBLIC: subdbid, subname, subowner, subenabled, subslotname, subpublications.
    const used = new Set([...sql.matchAll(/\bs\.(\w+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(['subdbid', 'subenabled', 'subname', 'subowner', 'subpublications', 'subslotname']);
    expect(sql).toMatch(/FROM pg_catalog\.pg_stat_subscription st WHERE st\.subname = s\.subname/);
    expect(sql).toMatch(/sr\.srsubid = o\.oid/);
  });

  it('parses options, sorts tables, and refuses an unknown table state', () => {
    const row: SubscriptionRow = {
      name: 's', owner: 'tgt_user', owner_superuser: false, comment: null, enabled: false, slot_name: null, publications: ['p2', 'p1'],
      options: { binary: false, streaming: 'parallel', origin: 'any', synchronous_commit: 'off', failover: null },
      tables: [{ schema: 'public', name: 'b', state: 'r' }, { schema: 'public', name: 'a', state: 'd' }],
      worker_pid: null, error_counts: { apply: '2', sync: 0 },
    };
    expect(parseSubscriptions([row])).toEqual([{
      name: 's', owner: 'tgt_user', ownerSuperuser: false, comment: null, enabled: false, slotName: null, publications: ['p2', 'p1'],
      options: { binary: false, streaming: 'parallel', origin: 'any', synchronous_commit: 'off' },
      tables: [{ schema: 'public', name: 'a', state: 'd' }, { schema: 'public', name: 'b', state: 'r' }],
      workerPid: null, errorCounts: { apply: 2, sync: 0 },
    }]);
    expect(() => parseSubscriptions([{ ...row, tables: [{ schema: 'public', name: 'a', state: 'x' }] }])).toThrow(/unknown table state "x" for public\.a/);
  });
});

describe('parseSizes', () => {
  it('keys by ObjectKey with quoting, keeps -1, and lists readable ordinary tables with bytes, largest first', () => {
    const parsed = parseSizes({
      large_objects: '3',
      tables: [
        { schema: 'Sales', name: 'Order Lines', relkind: 'r', bytes: 8192, row_estimate: -1, readable: true },
        { schema: 'public', name: 'big', relkind: 'r', bytes: 81920, row_estimate: 1000, readable: true },
        { schema: 'public', name: 'hidden', relkind: 'r', bytes: 819200, row_estimate: 1000, readable: false },
        { schema: 'public', name: 'parent', relkind: 'p', bytes: 999999, row_estimate: 5, readable: true },
        { schema: 'public', name: 'empty', relkind: 'r', bytes: 0, row_estimate: 0, readable: true },
      ],
    });
    expect(parsed.largeObjects).toBe(3);
    expect(parsed.sizes).toEqual({
      'table:"Sales"."Order Lines"': { bytes: 8192, rowEstimate: -1 },
      'table:public.big': { bytes: 81920, rowEstimate: 1000 },
      'table:public.hidden': { bytes: 819200, rowEstimate: 1000 },
      'table:public.parent': { bytes: 999999, rowEstimate: 5 },
      'table:public.empty': { bytes: 0, rowEstimate: 0 },
    });
    expect(parsed.sampleCandidates.map((c) => c.name)).toEqual(['big', 'Order Lines']);
  });

  it('reads no tables as none; leaves of a partitioned table come from pg_partition_tree', () => {
    expect(parseSizes({ large_objects: '0', tables: null })).toEqual({ unreadable: {}, sizes: {}, largeObjects: 0, sampleCandidates: [] });
    expect(SIZES_SQL).toMatch(/pg_partition_tree\(c\.oid\) t WHERE t\.isleaf/);
  });
});

describe('parseTableFacts', () => {
  it('unreadable or row-security tables count as holding rows and are listed with the reasons', () => {
    const base = { relkind: 'r' as const, usage: true, select: true, row_security: false };
    const parsed = parseTableFacts([
      { ...base, schema: 'public', name: 'a', oid: '16384', has_rows: true },
      { ...base, schema: 'public', name: 'b', oid: '4294967295', has_rows: false },
      { ...base, schema: 'public', name: 'c', oid: '16386', select: false, has_rows: null },
      { ...base, schema: 'x y', name: 'd', oid: '16387', usage: false, select: false, has_rows: null },
      { ...base, schema: 'public', name: 'e', oid: '16388', row_security: true, has_rows: null },
    ]);
    expect(parsed.tables).toEqual({
      'table:public.a': { oid: 16384, hasRows: true },
      'table:public.b': { oid: 4294967295, hasRows: false },
      'table:public.c': { oid: 16386, hasRows: true },
      'table:"x y".d': { oid: 16387, hasRows: true },
      'table:public.e': { oid: 16388, hasRows: true },
    });
    expect(parsed.unreadable).toEqual([
      { key: 'table:public.c', schema: 'public', name: 'c', reasons: ['no-select'] },
      { key: 'table:"x y".d', schema: 'x y', name: 'd', reasons: ['no-usage', 'no-select'] },
      { key: 'table:public.e', schema: 'public', name: 'e', reasons: ['row-security'] },
    ]);
  });

  it('passes names as parameters, quoted by the one helper; the SQL text never changes with them', () => {
    expect(tableFactsParams([{ schema: 'public', name: 'Odd "x"' }, { schema: 'select', name: 't' }])).toEqual([
      ['public', 'select'],
      ['Odd "x"', 't'],
      ['public."Odd ""x"""', '"select".t'],
      true,
    ]);
    expect(tableFactsParams([], false)[3]).toBe(false);
    expect(TABLE_FACTS_SQL).toMatch(/unnest\(\$1::text\[\], \$2::text\[\], \$3::text\[\]\)/);
    expect(TABLE_FACTS_SQL).toMatch(/CASE WHEN \$4::boolean AND f\.usage AND f\."select" AND NOT f\.row_security/);
  });

  it('without libxml: one EXISTS per readable table (ONLY unless partitioned), merged back by oid', () => {
    const base = { usage: true, select: true, row_security: false, has_rows: null };
    const rows = [
      { ...base, schema: 'public', name: 'a', oid: '10', relkind: 'r' as const },
      { ...base, schema: 'Sales', name: 'orders', oid: '11', relkind: 'p' as const },
      { ...base, schema: 'public', name: 'hidden', oid: '12', relkind: 'r' as const, select: false },
    ];
    expect(existsUnionSql(rows)).toBe(
      'SELECT 10::pg_catalog.oid::text AS oid, EXISTS (SELECT 1 FROM ONLY public.a) AS has_rows\n' +
        'UNION ALL SELECT 11::pg_catalog.oid::text AS oid, EXISTS (SELECT 1 FROM "Sales".orders) AS has_rows',
    );
    expect(existsUnionSql(rows.slice(2))).toBeNull();
    const merged = parseTableFacts(withExists(rows, [{ oid: '10', has_rows: false }, { oid: '11', has_rows: true }]));
    expect(merged.tables).toEqual({
      'table:public.a': { oid: 10, hasRows: false },
      'table:"Sales".orders': { oid: 11, hasRows: true },
      'table:public.hidden': { oid: 12, hasRows: true },
    });
  });
});

function table(schema: string, name: string, parent?: string, indexes = 0): unknown {
  return {
    kind: 'table', key: `table:${schema}.${name}`, schema, name, partitionOf: parent === undefined ? null : { parent, bound: 'DEFAULT' },
    indexes: Array.from({ length: indexes }, (_, i) => ({ name: `i${String(i)}` })),
  };
}

describe('factCandidates', () => {
  it('target tables the source also has, plus every partition below them (the target may partition differently)', () => {
    const model = {
      objects: [
        table('public', 'orders', undefined, 1),
        table('public', 'orders_a', 'table:public.orders', 1),
        table('public', 'orders_a1', 'table:public.orders_a', 2),
        table('public', 'only_target'),
        table('public', 'both'),
        { kind: 'view', key: 'view:public.v', schema: 'public', name: 'v' },
      ],
    } as unknown as SchemaModel;
    const got = factCandidates(model, new Set(['table:public.orders', 'table:public.both', 'table:public.only_source', 'view:public.v']));
    // locks: the table and its indexes (keys' included), and everything below a partitioned table, which its probe
    // reads without ONLY.
    expect(got).toEqual([
      { schema: 'public', name: 'orders', locks: 2 + 2 + 3 },
      { schema: 'public', name: 'orders_a', locks: 2 + 3 },
      { schema: 'public', name: 'orders_a1', locks: 3 },
      { schema: 'public', name: 'both', locks: 1 },
    ]);
    expect(factCandidates(model, new Set())).toEqual([]);
  });
});

describe('nowOverride (PGREPL_NOW)', () => {
  it('unset or empty: none; ISO times with an offset pass verbatim', () => {
    expect(nowOverride({})).toBeUndefined();
    expect(nowOverride({ PGREPL_NOW: ' ' })).toBeUndefined();
    for (const v of ['2026-11-26T09:00:00Z', '2026-11-26 09:00:00.123456+00', '2024-02-29T23:59:59-03:30', '2026-01-01T00:00+0545']) {
      expect(nowOverride({ PGREPL_NOW: v })).toBe(v);
    }
  });

  it('anything else is an InputError naming PGREPL_NOW', () => {
    for (const v of ['2026-11-26', '2026-11-26T09:00:00', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', 'now', '2026-11-26T25:00:00Z', '1700000000']) {
      expect(() => nowOverride({ PGREPL_NOW: v }), v).toThrow(InputError);
    }
    let caught: unknown;
    try {
      nowOverride({ PGREPL_NOW: 'yesterday' });
    } catch (e) {
      caught = e;
    }
    expect((caught as InputError).diagnostics[0]?.message).toMatch(/^PGREPL_NOW="yesterday"/);
  });
});

describe('the lookup in JSON', () => {
  it('serialises as sorted arrays and revives as Sets', () => {
    const lookup = jsonLookup({ functions: new Set(['now', 'abs']), types: new Set(['text']), collations: new Set(['C']), roles: new Set(['b', 'a']) });
    expect(JSON.parse(JSON.stringify(lookup))).toEqual({ functions: ['abs', 'now'], types: ['text'], collations: ['C'], roles: ['a', 'b'] });
    const actual = {
      databases: [
        { key: 'a', targetDatabase: 'a', source: null, target: null },
        { key: 'b', targetDatabase: 'b', source: null, target: { model: {}, tables: {}, lookup } },
      ],
    } as unknown as ActualState;
    const back = reviveActualState(JSON.parse(JSON.stringify(actual)));
    expect(back.databases[1]?.target?.lookup.functions.has('now')).toBe(true);
    expect(back.databases[1]?.target?.lookup.operators).toBeUndefined();
    expect(JSON.stringify(back)).toBe(JSON.stringify(actual));
  });
});

describe('mapLimit', () => {
  it('keeps input order and runs at most `limit` at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 10, 20, 5, 1], 2, async (ms, i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running -= 1;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 2, async () => 1)).toEqual([]);
  });

  it('starts nothing new after a failure and waits for the running ones', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapLimit([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      if (i === 0) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 20));
      finished += 1;
      return i;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});

function db(key: string, extra: Partial<DatabaseSpec> = {}): DatabaseSpec {
  return { key, targetDatabase: key, ...extra } as DatabaseSpec;
}

describe('databaseOrder and the unreadable-table warning', () => {
  it('listed databases first in file order (also missing ones), then rule-chosen ones', () => {
    const spec = { databases: [db('b'), db('missing'), db('a')] } as unknown as Spec;
    expect(databaseOrder(spec, [db('b'), db('a'), db('z'), db('c')]).map((d) => d.key)).toEqual(['b', 'missing', 'a', 'z', 'c']);
  });

  it('unmatched names are errors with suggestions and position; conflicts are warnings on the rule', () => {
    const spec = { databases: [], selection: { include: ['shop*'], exclude: [] } } as unknown as Spec;
    const out = selectionDiagnostics(spec, {
      databases: [],
      unmatched: [
        { name: 'shpo', suggestions: ['shop'], source: 'databases', position: { file: 'spec.yaml', line: 3, column: 3 } },
        { name: 'nope*', suggestions: [], source: 'include_databases' },
      ],
      conflicts: [{ name: 'shop2', message: 'shop2 is taken' }],
    });
    expect(out).toEqual([
      {
        severity: 'error',
        message: 'databases entry "shpo" matches no database on the source that accepts connections; did you mean shop?',
        path: 'databases.shpo',
        position: { file: 'spec.yaml', line: 3, column: 3 },
        hints: ['did you mean shop?'],
      },
      { severity: 'error', message: 'include_databases entry "nope*" matches no database on the source that accepts connections', path: 'include_databases' },
      { severity: 'warning', message: 'shop2 is taken', path: 'include_databases' },
    ]);
  });

  it('names the table, the database and the statements that let pgrepl look', () => {
    const target = { user: 'App User' } as ServerActual;
    const d = unreadableDiagnostic(
      { key: 'table:"S".t', schema: 'S', name: 't', reasons: ['no-usage', 'no-select'] },
      db('shop', { targetDatabase: 'shop_copy', position: { file: 'spec.yaml', line: 4, column: 3 } }),
      target,
    );
    expect(d).toEqual({
      severity: 'warning',
      message: 'target table "S".t in database "shop_copy": role App User may not read it, so pgrepl counts it as holding rows (emptying it needs consent)',
      path: 'databases.shop',
      position: { file: 'spec.yaml', line: 4, column: 3 },
      hints: ['GRANT USAGE ON SCHEMA "S" TO "App User";', 'GRANT SELECT ON TABLE "S".t TO "App User";'],
    });
  });
});

describe('throughput sample', () => {
  it('reads one table ONLY, in binary, quoted; the basis reads in MB and seconds', () => {
    expect(sampleCopySql('Sales', 'order')).toBe('COPY (SELECT * FROM ONLY "Sales"."order") TO STDOUT (FORMAT binary)');
    expect(sampleBasis(2.1 * 1024 * 1024, 0.3)).toBe('sampled from the source (2.1 MB in 0.30 s)');
  });
});
