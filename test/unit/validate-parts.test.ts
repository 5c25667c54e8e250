// The pure parts around validate's checks: rendering, exit code, the catalog parsers, prqual parsing, redaction,
// quoting, the plan for the subscription probe, and the spec built from --source/--target.
import { describe, expect, it } from 'vitest';
import { parseCatalog, typesWithEquality, type TypeRow } from '../../src/pg/catalog/validate/database-catalog.js';
import { varAttnos } from '../../src/pg/catalog/validate/filter-probe.js';
import { redactSecrets, toProbeError } from '../../src/pg/catalog/validate/probe-error.js';
import { parseAvailableExtensions, parseDatabases, parseSlots } from '../../src/pg/catalog/validate/server-facts.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../src/pg/sql/quote.js';
import { subscriptionProbeSql } from '../../src/pg/catalog/validate/subscription-probe.js';
import { loadValidateSpec } from '../../src/cli/commands/validate.js';
import { checkIncludeExclude } from '../../src/validate/checks/spec-names.js';
import { rawSpecFromFlags, specFromFlags } from '../../src/validate/flags-spec.js';
import { planSubscriptionProbe } from '../../src/validate/gather.js';
import { renderHuman, renderJsonLines, summarize } from '../../src/validate/render.js';
import { exitCodeOf, fail, ok, skip, warn } from '../../src/validate/result.js';
import { database, db, reachable, serverFacts, spec } from '../fixtures/validate/snapshots.js';

const SYMBOLS = { ok: () => '✓', fail: () => '✗', warn: () => '!', skip: () => '-' };

describe('render', () => {
  const results = [
    ok('source.reachable', 'connected', { subject: 'source' }),
    fail('tables.replica_identity', 'no replica identity', { subject: 'shop.public.events', fix: ['ALTER TABLE public.events REPLICA IDENTITY FULL;', '-- or sync: false'] }),
    warn('tables.unlogged', 'unlogged'),
    skip('target.reaches_source', 'the target is unreachable', { subject: 'target' }),
  ];

  it('prints ✓ ✗ ! - with fix lines under each and a summary', () => {
    expect(renderHuman(results, SYMBOLS)).toBe(
      [
        '✓ source: connected [source.reachable]',
        '✗ shop.public.events: no replica identity [tables.replica_identity]',
        '    ALTER TABLE public.events REPLICA IDENTITY FULL;',
        '    -- or sync: false',
        '! unlogged [tables.unlogged]',
        '- target: skipped: the target is unreachable [target.reaches_source]',
        '',
        'validation failed: 1 ok, 1 failed, 1 warning, 1 skipped',
        '',
      ].join('\n'),
    );
  });

  it('prints one JSON object per check and nothing else', () => {
    const lines = renderJsonLines(results).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(results.map((r) => r.id));
    expect(JSON.parse(lines[1] ?? '')).toEqual(results[1]);
  });

  it('exits 1 only when a check failed', () => {
    expect(exitCodeOf(results)).toBe(1);
    expect(exitCodeOf([results[0], results[2], results[3]].filter((r) => r !== undefined))).toBe(0);
    expect(summarize(results)).toEqual({ ok: 1, fail: 1, warn: 1, skip: 1 });
  });
});

describe('catalog parsing', () => {
  it('resolves equality through domains, arrays, enums, ranges and composites', () => {
    const t = (oid: string, over: Partial<TypeRow> = {}): TypeRow => ({ oid, typtype: 'b', typcategory: 'U', elem: null, base: null, range_subtype: null, fields: [], has_eq_opclass: false, ...over });
    const rows = [
      t('23', { has_eq_opclass: true }), // int4
      t('114'), // json
      t('1007', { typcategory: 'A', elem: '23' }), // int4[]
      t('199', { typcategory: 'A', elem: '114' }), // json[]
      t('90001', { typtype: 'd', base: '114' }), // domain over json
      t('90002', { typtype: 'e' }), // enum
      t('3904', { typtype: 'r', range_subtype: '23' }), // int4range
      t('90003', { typtype: 'c', fields: ['23', '114'] }), // composite with json
      t('90004', { typtype: 'c', fields: ['23'] }),
    ];
    expect([...typesWithEquality(rows)].sort()).toEqual(['1007', '23', '3904', '90002', '90004'].sort());
  });

  it('parses rows into facts', () => {
    const cat = parseCatalog('shop', {
      relations: [
        { oid: '100', schema: 'public', name: 'm', relkind: 'p', relpersistence: 'p', relispartition: false, parent: null, owner: 'app', owned: true, can_select: true, schema_usage: true, relrowsecurity: false, relforcerowsecurity: false, relreplident: 'f', extension_member: false },
        { oid: '101', schema: 'public', name: 'm1', relkind: 'r', relpersistence: 'u', relispartition: true, parent: '100', owner: 'app', owned: true, can_select: true, schema_usage: true, relrowsecurity: false, relforcerowsecurity: false, relreplident: 'd', extension_member: false },
      ],
      columns: [{ relid: '101', attname: 'id', attnum: 1, type: 'integer', type_oid: '23', attnotnull: true, generated: false }],
      types: [{ oid: '23', typtype: 'b', typcategory: 'N', elem: null, base: null, range_subtype: null, fields: [], has_eq_opclass: true }],
      indexes: [{ relid: '101', name: 'm1_pkey', indisprimary: true, indisreplident: false, candidate: true, columns: ['id'] }],
      sequences: [{ schema: 'public', name: 's', can_read: false, schema_usage: true, used_by: ['101'] }],
      extensions: [],
      publications: [{ pubname: 'p', owner: 'app' }],
    });
    expect(cat.relations.map((r) => [r.name, r.kind, r.persistence, r.parentOid, r.replicaIdentity])).toEqual([
      ['m', 'partitioned', 'permanent', null, 'full'],
      ['m1', 'table', 'unlogged', 100, 'default'],
    ]);
    expect(cat.relations[1]?.columns[0]).toMatchObject({ name: 'id', hasEquality: true });
    expect(cat.sequences[0]?.usedBy).toEqual([101]);
  });

  it('parses server rows', () => {
    expect(parseDatabases([{ datname: 'd', encoding: 'UTF8', datcollate: 'C', datctype: 'C', locprovider: 'i', provider_locale: 'und', datistemplate: false, datallowconn: true, can_create: false, can_connect: true }])[0]).toMatchObject({ localeProvider: 'icu', providerLocale: 'und', canCreate: false });
    expect(parseSlots([{ slot_name: 's', slot_type: 'logical', plugin: 'pgoutput', database: 'd', active: false, retained: '1048576', wal_status: null }])[0]?.retainedBytes).toBe(1048576);
    expect(parseAvailableExtensions([
      { name: 'a', version: '1.0', default_version: '1.1' },
      { name: 'a', version: '1.1', default_version: '1.1' },
    ])).toEqual([{ name: 'a', versions: ['1.0', '1.1'], defaultVersion: '1.1' }]);
  });

  it('reads the Var attribute numbers of a row filter from its node tree', () => {
    const tree =
      '{BOOLEXPR :boolop and :args ({OPEXPR :opno 1325 :args ({VAR :varno 1 :varattno 2 :vartype 1184} {CONST :consttype 1184 :constvalue 8 [ 0 96 ]})} ' +
      '{OPEXPR :opno 521 :args ({VAR :varno 1 :varattno 1 :vartype 23} {VAR :varno 1 :varattno 2 :vartype 23})})}';
    expect(varAttnos(tree)).toEqual([1, 2]);
    expect(varAttnos('{CONST :consttype 25 :constvalue 12 [ 123 86 65 82 ]}')).toEqual([]);
  });
});

describe('secrets and quoting', () => {
  const secret = "p:a\\ss@w%rd/ it's";

  it('redacts a password in every spelling, and password= values it does not know', () => {
    const text = [
      `password='${secret.replace(/[\\']/g, (c) => `\\${c}`)}'`,
      encodeURIComponent(secret),
      `CONNECTION 'password=''x'' host=h'`,
      `postgres://app:${encodeURIComponent('other')}@h/db`,
      secret,
    ].join(' | ');
    const out = redactSecrets(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain('other');
    expect(out).toContain('postgres://app:<redacted>@h/db');
    const e = Object.assign(new Error(`bad ${secret}`), { code: '08006', detail: `in ${encodeURIComponent(secret)}` });
    expect(toProbeError(e, [secret])).toEqual({ message: 'bad <redacted>', code: '08006', detail: 'in <redacted>' });
  });

  it('quotes identifiers only when needed and literals always', () => {
    expect(quoteIdent('orders')).toBe('orders');
    expect(quoteIdent('Orders')).toBe('"Orders"');
    expect(quoteIdent('user')).toBe('"user"');
    expect(quoteIdent('my-app')).toBe('"my-app"');
    expect(quoteQualified('sales', 'Order "Lines"')).toBe('sales."Order ""Lines"""');
    expect(quoteLiteral("it's \\")).toBe("E'it''s \\\\'");
    expect(() => quoteIdent('a\0b')).toThrow();
    expect(subscriptionProbeSql('pgrepl_probe_x', "host=h password='a\\'b'")).toBe(
      "CREATE SUBSCRIPTION pgrepl_probe_x CONNECTION E'host=h password=''a\\\\''b''' PUBLICATION pgrepl_probe_x WITH (slot_name = NONE, create_slot = false, enabled = false, connect = true, copy_data = false)",
    );
  });
});

describe('the subscription probe plan', () => {
  const synced = [db({ target_database: 'shop_copy' })];
  it('runs where the role may create, or says why not', () => {
    expect(planSubscriptionProbe(reachable(serverFacts()), true, 'postgres', synced)).toEqual({ runIn: 'postgres' });
    expect(planSubscriptionProbe(reachable(serverFacts()), true, 'postgres', [])).toEqual({ reason: expect.stringMatching(/no database is synced/) });
    expect(planSubscriptionProbe(reachable(serverFacts()), false, 'postgres', synced)).toEqual({ reason: expect.stringMatching(/source is unreachable/) });
    const member = { superuser: false, memberOf: ['pg_create_subscription'] };
    const v17 = (dbs: ReturnType<typeof database>[]) => reachable(serverFacts({ versionNum: 170002, databases: dbs }, member));
    expect(planSubscriptionProbe(v17([database('postgres', { canCreate: false }), database('shop_copy')]), true, 'postgres', synced)).toEqual({ runIn: 'shop_copy' });
    expect(planSubscriptionProbe(v17([database('postgres', { canCreate: false })]), true, 'postgres', synced)).toEqual({
      reason: expect.stringMatching(/has CREATE on none of the existing target databases/),
    });
    expect(planSubscriptionProbe(reachable(serverFacts({}, member)), true, 'postgres', synced)).toEqual({
      reason: expect.stringMatching(/before PostgreSQL 16 only a superuser/),
    });
  });
});

describe('validate without a spec', () => {
  it('takes the URL\'s database, every database for postgres, or --include-databases', () => {
    const opts = { source: 'postgres://app@src/shop', target: 'postgres://app@dst/x' };
    expect(rawSpecFromFlags(opts, 'shop')).toMatchObject({ databases: { shop: {} } });
    expect(rawSpecFromFlags(opts, 'shop', 'shop_copy')).toMatchObject({ databases: { shop: { target_database: 'shop_copy' } } });
    expect(rawSpecFromFlags(opts, 'postgres')).toMatchObject({ exclude_databases: [] });
    expect(rawSpecFromFlags({ ...opts, includeDatabases: ['a', ' b', 'a', ''] }, 'shop')).toMatchObject({ include_databases: ['a', 'b'] });
    expect(specFromFlags({ ...opts, env: {} }).databases.map((d) => [d.key, d.targetDatabase])).toEqual([['shop', 'x']]);
    // A `$` in a password is not spec interpolation.
    expect(specFromFlags({ source: 'postgres://app:pa$${X}ss@src/shop', target: 'postgres://app@dst/x', env: {} }).source.url).toBe('postgres://app:pa$${X}ss@src/shop');
    const all = specFromFlags({ source: 'postgres://app@src/postgres', target: 'postgres://app@dst/x', env: {} });
    expect(all.databases).toEqual([]);
    expect(all.selection).toMatchObject({ include: null, exclude: [] });
  });

  it('refuses --spec together with --source, and a lone --source', async () => {
    await expect(loadValidateSpec({ spec: 'x.yaml', source: 'postgres://a@h/d' }, {})).rejects.toThrow(/either --spec or --source/);
    await expect(loadValidateSpec({ source: 'postgres://a@h/d' }, {})).rejects.toThrow(/--target is missing/);
    await expect(loadValidateSpec({ 'include-databases': 'a' }, {})).rejects.toThrow(/--include-databases goes with --source/);
  });

  it('reports include and exclude rules of one level together', () => {
    const s = { ...spec(), selection: { include: ['a*'], exclude: ['b'] } };
    expect(checkIncludeExclude(s).map((r) => r.message)).toEqual(['include_databases and exclude_databases are both set: use one of them']);
  });
});
