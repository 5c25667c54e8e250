// Validate's pure checks on hand-built snapshots: each check passing and failing, with the exact fix lines.
import { describe, expect, it } from 'vitest';
import { checkEncoding, checkLocale, encodingVerdict } from '../../src/validate/checks/encoding.js';
import { checkExtensions } from '../../src/validate/checks/extensions.js';
import { checkLeftovers, prettyBytes } from '../../src/validate/checks/leftovers.js';
import { checkReachSource } from '../../src/validate/checks/reach-source.js';
import { checkReplicaIdentity, checkUnlogged, identityColumns, identityFixes } from '../../src/validate/checks/replica-identity.js';
import { checkRowFilters } from '../../src/validate/checks/row-filters.js';
import { checkPooler, checkReachable, checkVersion, checkVersionOrder } from '../../src/validate/checks/servers.js';
import { checkSlots, checkWalLevel, checkWalSenders } from '../../src/validate/checks/source-server.js';
import {
  checkCreateOnDatabase,
  checkOwnership,
  checkReplicationRole,
  checkRowSecurity,
  checkSchemaUsage,
  checkSelect,
  checkSequences,
  checkLargeObjects,
} from '../../src/validate/checks/source-role.js';
import { checkDatabaseNames, checkIncludeExclude, checkTableNames } from '../../src/validate/checks/spec-names.js';
import { checkCreatedb, checkSubscriptionRight, checkWorkers } from '../../src/validate/checks/target-role.js';
import { filterKey, filterProbeRequests } from '../../src/validate/filter-plan.js';
import { scopeDatabase } from '../../src/validate/scope.js';
import type { FilterProbeResult } from '../../src/pg/catalog/validate/types.js';
import { catalog, column, database, db, reachable, serverFacts, spec, table } from '../fixtures/validate/snapshots.js';

const nonSuper = { superuser: false, replication: false, createdb: false, bypassrls: false };

describe('servers', () => {
  it('names an unreachable server by its display form and keeps the cause', () => {
    const r = checkReachable('source', {
      reachable: false,
      display: 'postgres://app@10.0.0.1:5432/db',
      error: { message: 'could not connect to the source server postgres://app@10.0.0.1:5432/db: connect ECONNREFUSED 10.0.0.1:5432', code: 'ECONNREFUSED' },
    });
    expect(r).toMatchObject({ id: 'source.reachable', status: 'fail', subject: 'source' });
    expect(r.message).toBe('could not connect to the source server postgres://app@10.0.0.1:5432/db: connect ECONNREFUSED 10.0.0.1:5432');
    const bare = checkReachable('target', { reachable: false, display: 'postgres://a@h:1/d', error: { message: 'timeout expired', hint: 'raise connect_timeout' } });
    expect(bare.message).toBe('cannot connect to the target postgres://a@h:1/d: timeout expired');
    expect(bare.fix).toEqual(['HINT: raise connect_timeout']);
    expect(checkReachable('source', reachable(serverFacts())).status).toBe('ok');
  });

  it('refuses servers older than 12 and warns about a target older than the source', () => {
    expect(checkVersion('source', reachable(serverFacts({ versionNum: 110022 }))).status).toBe('fail');
    expect(checkVersion('target', reachable(serverFacts({ versionNum: 120022 }))).status).toBe('ok');
    const older = checkVersionOrder(reachable(serverFacts({ versionNum: 170002 })), reachable(serverFacts({ versionNum: 150010 })));
    expect(older.status).toBe('warn');
    expect(older.message).toMatch(/target \(PostgreSQL 15\) is older than the source \(PostgreSQL 17\)/);
    expect(checkVersionOrder(reachable(serverFacts({ versionNum: 150010 })), reachable(serverFacts({ versionNum: 170002 }))).status).toBe('ok');
  });

  it('fails a transaction-mode pooler with a request for the direct URL', () => {
    const r = checkPooler({ ...reachable(serverFacts()), pooler: { detected: true, reason: 'one session ran on two server backends' } } as never);
    expect(r.status).toBe('fail');
    expect(r.fix?.[0]).toMatch(/direct \(non-pooled\) URL/);
  });
});

describe('source server settings', () => {
  const synced = [db()];
  it('wal_level with the ALTER SYSTEM line and the RDS note', () => {
    const r = checkWalLevel(serverFacts({ settings: { wal_level: 'replica' } }), synced);
    expect(r.status).toBe('fail');
    expect(r.fix).toEqual([
      'ALTER SYSTEM SET wal_level = logical;',
      '-- then restart the source server',
      expect.stringMatching(/^On Amazon RDS \/ Aurora: set rds\.logical_replication = 1/),
    ]);
    expect(checkWalLevel(serverFacts({ settings: { wal_level: 'replica' } }), []).status).toBe('ok');
    expect(checkWalLevel(serverFacts(), synced).status).toBe('ok');
  });

  it('counts free slots and walsenders, and an existing pgrepl slot of the database as provided', () => {
    const slot = { name: 'other', type: 'logical' as const, plugin: 'pgoutput', database: 'x', active: true, retainedBytes: 0, walStatus: 'reserved' };
    const full = serverFacts({ settings: { max_replication_slots: '1', max_wal_senders: '1' }, slots: [slot], walSenders: 1 });
    expect(checkSlots(full, synced)).toMatchObject({ status: 'fail', fix: ['ALTER SYSTEM SET max_replication_slots = 2;', '-- then restart the source server'] });
    expect(checkWalSenders(full, synced)).toMatchObject({ status: 'fail', fix: ['ALTER SYSTEM SET max_wal_senders = 2;', '-- then restart the source server'] });
    const own = serverFacts({ settings: { max_replication_slots: '1', max_wal_senders: '1' }, slots: [{ ...slot, name: 'pgrepl_shop_0123abcd', database: 'shop' }], walSenders: 1 });
    expect(checkSlots(own, synced).status).toBe('ok');
    expect(checkWalSenders(own, synced).status).toBe('ok');
    expect(checkSlots(full, []).status).toBe('skip');
  });
});

describe('source role', () => {
  it('REPLICATION, superuser or rds_replication', () => {
    const synced = [db()];
    const r = checkReplicationRole(serverFacts({}, nonSuper), synced);
    expect(r).toMatchObject({ status: 'fail', fix: ['ALTER ROLE app REPLICATION;', '-- on Amazon RDS / Aurora: GRANT rds_replication TO app;'] });
    expect(checkReplicationRole(serverFacts({}, { ...nonSuper, memberOf: ['rds_replication'] }), synced).status).toBe('ok');
    expect(checkReplicationRole(serverFacts({}, { ...nonSuper, replication: true }), synced).status).toBe('ok');
    expect(checkReplicationRole(serverFacts({}, nonSuper), []).status).toBe('skip');
  });

  const facts = serverFacts({ databases: [database('shop', { canCreate: false })] }, nonSuper);
  const rels = [
    table('orders'),
    table('audit', { owner: 'admin', ownedByRole: false, canSelect: false }),
    table('secret', { rowSecurity: true, owner: 'admin', ownedByRole: false }),
    table('forced', { rowSecurity: true, forceRowSecurity: true }),
    table('Order Lines', { schema: 'Sales', schemaUsage: false }),
  ];
  const scope = scopeDatabase(db(), catalog(rels, {
    sequences: [
      { schema: 'public', name: 'audit_id_seq', usedBy: [rels[1]?.oid ?? 0], canRead: false, schemaUsage: true },
      { schema: 'public', name: 'unrelated_seq', usedBy: [], canRead: false, schemaUsage: true },
    ],
  }));

  it('CREATE on the database, with the GRANT', () => {
    expect(checkCreateOnDatabase(facts, scope)).toMatchObject({ status: 'fail', fix: ['GRANT CREATE ON DATABASE shop TO app;'] });
    expect(checkCreateOnDatabase(serverFacts({}, nonSuper), scope).status).toBe('ok');
  });

  it('ownership of every published table, or membership in its owner', () => {
    const r = checkOwnership(facts, scope);
    expect(r.map((x) => [x.status, x.subject])).toEqual([['fail', 'shop.public.audit'], ['fail', 'shop.public.secret']]);
    expect(r[0]?.fix).toEqual(['ALTER TABLE public.audit OWNER TO app;', '-- or let the role act as the owner: GRANT admin TO app;']);
    expect(checkOwnership(serverFacts(), scope).map((x) => x.status)).toEqual(['ok']);
    const schemaOnly = scopeDatabase(db({ schema_only: ['public.audit', 'public.secret'] }), scope.catalog);
    expect(checkOwnership(facts, schemaOnly).map((x) => x.status)).toEqual(['ok']);
  });

  it('SELECT, sequences in scope, schema USAGE, with quoted names where needed', () => {
    expect(checkSelect(facts, scope).map((x) => x.fix)).toEqual([['GRANT SELECT ON TABLE public.audit TO app;']]);
    expect(checkSequences(facts, scope).map((x) => [x.subject, x.fix])).toEqual([
      ['shop.public.audit_id_seq', ['GRANT SELECT ON SEQUENCE public.audit_id_seq TO app;']],
    ]);
    expect(checkSchemaUsage(facts, scope).map((x) => [x.subject, x.fix])).toEqual([['shop."Sales"', ['GRANT USAGE ON SCHEMA "Sales" TO app;']]]);
  });

  it('row-level security: BYPASSRLS, ownership, and FORCE that binds the owner too', () => {
    const r = checkRowSecurity(facts, scope);
    expect(r.map((x) => x.subject)).toEqual(['shop.public.secret', 'shop.public.forced']);
    expect(r[0]?.fix).toEqual(['ALTER ROLE app BYPASSRLS;', '-- or ALTER TABLE public.secret OWNER TO app;']);
    expect(r[1]?.fix?.[1]).toMatch(/NO FORCE ROW LEVEL SECURITY/);
    expect(checkRowSecurity(serverFacts({}, { ...nonSuper, bypassrls: true }), scope).map((x) => x.status)).toEqual(['ok']);
  });

  it('large objects: every one readable when the spec copies them, with a GRANT per unreadable one; a warning when it does not', () => {
    const los = (count: number, unreadable: number, unreadableSample: number[]) => catalog(rels, { largeObjects: { count, unreadable, unreadableSample } });
    const on = db({ large_objects: true });
    const r = checkLargeObjects(facts, scopeDatabase(on, los(12, 7, [16390, 16391, 16400, 16401, 16402])));
    expect(r).toMatchObject({ id: 'source.role.large_objects', status: 'fail', subject: 'shop' });
    expect(r.message).toBe('role app may not read 7 of the 12 large objects (e.g. oid 16390, 16391, 16400, 16401, 16402): the copy would fail');
    expect(r.fix).toEqual([
      'GRANT SELECT ON LARGE OBJECT 16390 TO app;', 'GRANT SELECT ON LARGE OBJECT 16391 TO app;', 'GRANT SELECT ON LARGE OBJECT 16400 TO app;',
      'GRANT SELECT ON LARGE OBJECT 16401 TO app;', 'GRANT SELECT ON LARGE OBJECT 16402 TO app;',
      '-- and the same for the other 2, one GRANT per large object', '-- or connect to the source as their owner or a superuser',
    ]);
    expect(checkLargeObjects(facts, scopeDatabase(on, los(1, 1, [16390]))).fix).toEqual([
      'GRANT SELECT ON LARGE OBJECT 16390 TO app;', '-- or connect to the source as their owner or a superuser',
    ]);
    expect(checkLargeObjects(facts, scopeDatabase(on, los(12, 0, [])))).toMatchObject({ status: 'ok', message: 'role app may read all 12 large objects' });
    expect(checkLargeObjects(facts, scopeDatabase(on, los(0, 0, []))).status).toBe('ok');
    const off = checkLargeObjects(facts, scopeDatabase(db(), los(3, 3, [16390])));
    expect(off).toMatchObject({ status: 'warn', message: 'database shop has 3 large objects; they are not copied (large_objects is off)' });
    expect(checkLargeObjects(facts, scopeDatabase(db(), los(0, 0, []))).status).toBe('ok');
  });
});

describe('target role', () => {
  const synced = [db({ target_database: 'shop_copy' })];
  it('subscriptions: superuser, or pg_create_subscription from 16 with CREATE on the database', () => {
    const v15 = checkSubscriptionRight(serverFacts({}, nonSuper), synced);
    expect(v15.map((x) => x.status)).toEqual(['fail']);
    expect(v15[0]?.message).toMatch(/before PostgreSQL 16 only a superuser/);
    const v17 = serverFacts({ versionNum: 170002 }, nonSuper);
    expect(checkSubscriptionRight(v17, synced)[0]).toMatchObject({ status: 'fail', fix: ['GRANT pg_create_subscription TO app;'] });
    const member = serverFacts({ versionNum: 170002, databases: [database('shop_copy', { canCreate: false })] }, { ...nonSuper, memberOf: ['pg_create_subscription'] });
    expect(checkSubscriptionRight(member, synced).map((x) => [x.id, x.status, x.fix])).toEqual([
      ['target.role.subscription', 'ok', undefined],
      ['target.role.create', 'fail', ['GRANT CREATE ON DATABASE shop_copy TO app;']],
    ]);
    expect(checkSubscriptionRight(serverFacts({}, { ...nonSuper, memberOf: ['rds_superuser'] }), synced)[0]?.status).toBe('ok');
  });

  it('CREATEDB when a target database is missing', () => {
    expect(checkCreatedb(serverFacts({}, nonSuper), synced)).toMatchObject({
      status: 'fail',
      fix: ['ALTER ROLE app CREATEDB;', '-- or, as an administrator: CREATE DATABASE shop_copy OWNER app;'],
    });
    expect(checkCreatedb(serverFacts({}, { ...nonSuper, createdb: true }), synced).status).toBe('ok');
    expect(checkCreatedb(serverFacts({ databases: [database('shop_copy')] }, nonSuper), synced).status).toBe('ok');
  });

  it('logical replication workers and background workers', () => {
    const r = checkWorkers(serverFacts({ settings: { max_logical_replication_workers: '2', max_worker_processes: '2' }, logicalWorkers: 2 }), synced);
    expect(r.map((x) => x.fix?.[0])).toEqual(['ALTER SYSTEM SET max_logical_replication_workers = 5;', 'ALTER SYSTEM SET max_worker_processes = 6;']);
    expect(checkWorkers(serverFacts(), synced).map((x) => x.status)).toEqual(['ok']);
  });
});

describe('replica identity', () => {
  it('fails a table without one, offering USING INDEX and FULL only when every type has equality', () => {
    const noPk = table('events', {
      indexes: [{ name: 'events_uid', primary: false, replicaIdentity: false, identityCandidate: true, columns: ['uid'] }],
      columns: [column('uid'), column('payload', { type: 'json', hasEquality: false })],
    });
    const scope = scopeDatabase(db(), catalog([table('orders'), noPk]));
    const r = checkReplicaIdentity(scope);
    expect(r.map((x) => [x.status, x.subject])).toEqual([['fail', 'shop.public.events']]);
    expect(r[0]?.fix).toEqual([
      'ALTER TABLE public.events REPLICA IDENTITY USING INDEX events_uid;',
      'ALTER TABLE public.events ADD PRIMARY KEY (<columns that identify a row>);',
      '-- REPLICA IDENTITY FULL is not offered: payload (json) has no equality operator, the subscriber could not apply changes',
      '-- or copy without streaming: set sync: false for database shop, or list the table under schema_only',
    ]);
    expect(checkReplicaIdentity(scopeDatabase(db({ publish: ['insert'] }), scope.catalog)).map((x) => x.status)).toEqual(['ok']);
    expect(checkReplicaIdentity(scopeDatabase(db({ sync: false }), scope.catalog)).map((x) => x.status)).toEqual(['skip']);
  });

  it('checks every leaf of a partitioned table: FULL on the root does not recurse', () => {
    const root = table('measure', { kind: 'partitioned', replicaIdentity: 'full', indexes: [] });
    const mid = table('measure_2024', { kind: 'partitioned', isPartition: true, parentOid: root.oid, indexes: [] });
    const leafOk = table('measure_2024_01', { isPartition: true, parentOid: mid.oid, replicaIdentity: 'full', indexes: [] });
    const leafBad = table('measure_2024_02', { isPartition: true, parentOid: mid.oid, indexes: [] });
    const r = checkReplicaIdentity(scopeDatabase(db(), catalog([root, mid, leafOk, leafBad])));
    expect(r.map((x) => [x.status, x.subject])).toEqual([['fail', 'shop.public.measure_2024_02']]);
    expect(r[0]?.message).toMatch(/partition public\.measure_2024_02 of public\.measure has no replica identity .*does not recurse/);
    expect(r[0]?.fix).toContain('ALTER TABLE public.measure_2024_02 REPLICA IDENTITY FULL;  -- writes whole old rows to WAL on every UPDATE/DELETE');
  });

  it('identity columns by kind', () => {
    expect(identityColumns(table('t'))).toEqual(['id']);
    expect(identityColumns(table('t', { replicaIdentity: 'full' }))).toBe('all');
    expect(identityColumns(table('t', { replicaIdentity: 'nothing' }))).toBeNull();
    const idx = table('t', { replicaIdentity: 'index', indexes: [{ name: 'u', primary: false, replicaIdentity: true, identityCandidate: true, columns: ['a', 'b'] }] });
    expect(identityColumns(idx)).toEqual(['a', 'b']);
    expect(identityFixes(table('Odd"Name', { schema: 'my schema', indexes: [] }), 'shop')[0]).toBe('ALTER TABLE "my schema"."Odd""Name" ADD PRIMARY KEY (<columns that identify a row>);');
  });

  it('warns that unlogged tables are copied, not streamed', () => {
    const scope = scopeDatabase(db(), catalog([table('cache', { persistence: 'unlogged' })]));
    expect(checkUnlogged(scope).map((x) => [x.status, x.fix])).toEqual([['warn', ['ALTER TABLE public.cache SET LOGGED;  -- to stream it']]]);
    expect(scope.tables[0]?.mode).toBe('copy');
  });
});

describe('row filters', () => {
  const orders = table('orders', { columns: [column('id'), column('region', { num: 2 }), column('created_at', { num: 3, type: 'timestamp with time zone' })] });
  const settings = {
    table_filters: [{ table: 'orders', where: 'region IN (1, 2)' }],
    time_filters: [{ table: 'events', column: 'created_at', last: '90 days' }],
  };
  const scope = scopeDatabase(db(settings), catalog([orders, table('events')]));
  const probe = (t: string, columns: string[], expression = 'x', kind: 'where' | 'window' = t === 'events' ? 'window' : 'where'): FilterProbeResult => ({ key: filterKey('shop', 'public', t, kind), ok: true, expression, columns });

  it('plans a publication probe on 15+, an EXPLAIN for copy-only filters, and nothing for streamed WHERE before 15', () => {
    expect(filterProbeRequests(scope, 150010).map((r) => [r.table, r.check, r.filter.kind])).toEqual([
      ['orders', 'publication', 'where'],
      ['events', 'publication', 'window'],
    ]);
    expect(filterProbeRequests(scope, 120022).map((r) => [r.table, r.check])).toEqual([['events', 'select']]);
    const copyOnly = scopeDatabase(db({ ...settings, sync: false }), scope.catalog);
    expect(filterProbeRequests(copyOnly, 150010).map((r) => r.check)).toEqual(['select', 'select']);
  });

  it('fails a streamed filter on a non-identity column when update/delete are published; a window only warns', () => {
    const r = checkRowFilters(scope, 150010, [probe('orders', ['region']), probe('events', ['created_at'])]);
    expect(r.map((x) => [x.id, x.status, x.subject])).toEqual([
      ['filters.valid', 'ok', 'shop.public.orders'],
      ['filters.replica_identity', 'fail', 'shop.public.orders'],
      ['filters.valid', 'ok', 'shop.public.events'],
      ['filters.replica_identity', 'warn', 'shop.public.events'],
    ]);
    expect(r[1]?.message).toMatch(/reads region, outside the replica identity \(id\)/);
    expect(r[3]?.message).toMatch(/filters the copy only and the table streams unfiltered/);
    const insertOnly = scopeDatabase(db({ ...settings, publish: ['insert'] }), scope.catalog);
    expect(checkRowFilters(insertOnly, 150010, [probe('orders', ['region']), probe('events', ['created_at'])]).map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('does not judge the filter columns of a table that has no replica identity at all', () => {
    const s = scopeDatabase(db({ table_filters: [{ table: 'orders', where: 'region = 1' }] }), catalog([{ ...orders, indexes: [] }]));
    const r = checkRowFilters(s, 150010, [probe('orders', ['region'])]);
    expect(r.map((x) => [x.id, x.status])).toEqual([['filters.valid', 'ok'], ['filters.replica_identity', 'skip']]);
    expect(r[1]?.message).toMatch(/has no replica identity \(see tables\.replica_identity\)/);
  });

  it('fails streamed WHERE filters before 15 and degrades windows to copy-only', () => {
    const r = checkRowFilters(scope, 120022, [probe('events', [])]);
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['filters.version', 'fail'],
      ['filters.version', 'warn'],
      ['filters.valid', 'ok'],
    ]);
    expect(r[0]?.message).toMatch(/need a PostgreSQL 15\+ source \(the source runs 12\)/);
  });

  it('shows what PostgreSQL refused, with the way out', () => {
    const nowScope = scopeDatabase(db({ table_filters: [{ table: 'orders', where: "created_at > now() - interval '1 day'" }] }), catalog([orders]));
    const refused: FilterProbeResult = {
      key: filterKey('shop', 'public', 'orders', 'where'),
      ok: false,
      expression: "created_at > now() - interval '1 day'",
      error: { message: 'invalid publication WHERE expression', code: '0A000', detail: 'User-defined or built-in mutable functions are not allowed.' },
    };
    const r = checkRowFilters(nowScope, 150010, [refused]);
    expect(r).toHaveLength(1);
    expect(r[0]?.message).toBe('PostgreSQL refuses the filter on public.orders in a publication: invalid publication WHERE expression (User-defined or built-in mutable functions are not allowed.)');
    expect(r[0]?.fix?.[0]).toMatch(/use time_filters/);
  });

  it('skips a filter the role may not probe: the role checks report why', () => {
    const denied: FilterProbeResult = { key: filterKey('shop', 'public', 'orders', 'where'), ok: false, expression: 'region = 1', error: { message: 'must be owner of table orders', code: '42501' } };
    const r = checkRowFilters(scopeDatabase(db({ table_filters: [{ table: 'orders', where: 'region = 1' }] }), catalog([orders])), 150010, [denied]);
    expect(r.map((x) => [x.status, x.message])).toEqual([['skip', 'the filter on public.orders could not be probed: must be owner of table orders (see source.role.create and source.role.ownership)']]);
  });

  it('probes and judges a table\'s where and its time window each on its own', () => {
    const both = scopeDatabase(db({ table_filters: [{ table: 'orders', where: 'id > 10' }], time_filters: [{ table: 'orders', column: 'created_at', last: '30 days' }] }), catalog([orders]));
    const requests = filterProbeRequests(both, 150010);
    expect(requests.map((r) => r.filter.kind)).toEqual(['where', 'window']);
    expect(new Set(requests.map((r) => r.key)).size).toBe(2);
    const r = checkRowFilters(both, 150010, [probe('orders', ['id'], 'id > 10', 'where'), probe('orders', ['created_at'], 'created_at >= …', 'window')]);
    expect(r.map((x) => [x.id, x.status])).toEqual([
      ['filters.valid', 'ok'], ['filters.replica_identity', 'ok'],
      ['filters.valid', 'ok'], ['filters.replica_identity', 'warn'],
    ]);
  });

  it('checks each leaf partition against the filter columns', () => {
    const root = table('m', { kind: 'partitioned', columns: [column('id'), column('k', { num: 2 })], indexes: [{ name: 'm_pkey', primary: true, replicaIdentity: false, identityCandidate: true, columns: ['id', 'k'] }] });
    const leaf = table('m_1', { isPartition: true, parentOid: root.oid, replicaIdentity: 'index', indexes: [{ name: 'm_1_id', primary: false, replicaIdentity: true, identityCandidate: true, columns: ['id'] }] });
    const s = scopeDatabase(db({ table_filters: [{ table: 'm', where: 'k = 1' }] }), catalog([root, leaf]));
    const r = checkRowFilters(s, 150010, [probe('m', ['k'])]);
    expect(r[1]?.status).toBe('fail');
    expect(r[1]?.message).toMatch(/outside the replica identity of partition public\.m_1 \(id\)/);
  });
});

describe('encodings and locales', () => {
  it('judges encoding pairs', () => {
    expect(encodingVerdict('UTF8', 'UTF8')).toBe('same');
    expect(encodingVerdict('SQL_ASCII', 'UTF8')).toBe('unchecked-source');
    expect(encodingVerdict('LATIN1', 'UTF8')).toBe('converted');
    expect(encodingVerdict('UTF8', 'LATIN1')).toBe('lossy');
    expect(encodingVerdict('UTF8', 'SQL_ASCII')).toBe('unchecked-target');
  });

  it('fails a target that cannot hold the source text, warns about SQL_ASCII and LATIN1 sources', () => {
    const d = db({ target_database: 'shop_copy' });
    const src = serverFacts();
    const latin1 = serverFacts({ databases: [database('shop_copy', { encoding: 'LATIN1', collate: 'C', ctype: 'C' })] });
    const r = checkEncoding(src, latin1, d);
    expect(r.status).toBe('fail');
    expect(r.fix?.[1]).toBe("CREATE DATABASE shop_copy ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;");
    const ascii = serverFacts({ databases: [database('shop', { encoding: 'SQL_ASCII' })] });
    expect(checkEncoding(ascii, serverFacts({ databases: [database('shop_copy')] }), d).status).toBe('warn');
    const l1 = serverFacts({ databases: [database('shop', { encoding: 'LATIN1' })] });
    expect(checkEncoding(l1, serverFacts({ databases: [database('shop_copy')] }), d).status).toBe('warn');
    expect(checkEncoding(src, serverFacts({ databases: [] }), d).status).toBe('ok');
  });

  it('warns when locale or provider differ', () => {
    const d = db();
    const icu = serverFacts({ databases: [database('shop', { localeProvider: 'icu', providerLocale: 'en-US' })] });
    const r = checkLocale(serverFacts(), icu, d);
    expect(r.status).toBe('warn');
    expect(r.message).toMatch(/locale provider libc → icu/);
    expect(checkLocale(serverFacts(), serverFacts(), d).status).toBe('ok');
  });
});

describe('leftovers, extensions, reachability of the source from the target', () => {
  it('reports the old tool\'s slots with the WAL they retain, publications and subscriptions', () => {
    const src = serverFacts({ slots: [{ name: 'seren_migration_sub_shop', type: 'logical', plugin: 'pgoutput', database: 'shop', active: false, retainedBytes: 3 * 1024 * 1024 * 1024, walStatus: 'extended' }] });
    const tgt = serverFacts({ subscriptions: [{ name: 'seren_migration_sub_shop', database: 'shop', enabled: true, slotName: 'seren_migration_sub_shop' }] });
    const r = checkLeftovers(src, tgt, [catalog([], { publications: [{ name: 'seren_migration_pub', owner: 'app' }, { name: 'mine', owner: 'app' }] })]);
    expect(r.map((x) => x.status)).toEqual(['warn', 'warn', 'warn']);
    expect(r[0]?.message).toMatch(/retains 3\.0 GB of WAL, wal_status extended/);
    expect(r[0]?.fix).toEqual(["SELECT pg_drop_replication_slot('seren_migration_sub_shop');"]);
    expect(r[1]?.fix).toEqual(['DROP PUBLICATION seren_migration_pub;  -- in database shop']);
    expect(r[2]?.fix).toContain('ALTER SUBSCRIPTION seren_migration_sub_shop SET (slot_name = NONE);');
    expect(checkLeftovers(serverFacts(), serverFacts(), []).map((x) => x.status)).toEqual(['ok']);
    expect(prettyBytes(56)).toBe('56 bytes');
    expect(prettyBytes(1536)).toBe('1.5 kB');
  });

  it('fails an extension the target cannot install, warns about another version', () => {
    const cat = catalog([], { extensions: [{ name: 'postgis', version: '3.4.0', schema: 'public' }, { name: 'pg_trgm', version: '1.6', schema: 'public' }] });
    const tgt = serverFacts({ versionNum: 170002, availableExtensions: [{ name: 'pg_trgm', versions: ['1.5'], defaultVersion: '1.5' }] });
    const r = checkExtensions(cat, tgt);
    expect(r.map((x) => x.status)).toEqual(['fail', 'warn']);
    expect(r[0]?.fix?.[0]).toMatch(/postgresql-17-postgis/);
    expect(checkExtensions(catalog([]), serverFacts()).map((x) => x.status)).toEqual(['ok']);
  });

  it('says why the target-to-source probe was skipped, and explains a refusal', () => {
    expect(checkReachSource({ ran: false, reason: 'the target is unreachable' })).toEqual([
      { id: 'target.reaches_source', status: 'skip', message: 'the target is unreachable', subject: 'target' },
    ]);
    const r = checkReachSource({
      ran: true,
      probedIn: 'postgres',
      results: [{ ok: false, database: 'shop', error: { message: 'could not connect to the publisher: password is required' } }],
    });
    expect(r[0]?.fix?.[0]).toMatch(/non-superuser subscription owner must put a password/);
  });
});

describe('spec names', () => {
  it('lists close matches for unknown databases and table entries', () => {
    const r = checkDatabaseNames([{ name: 'shopp', suggestions: ['shop'], list: 'databases' }], []);
    expect(r[0]?.message).toBe('databases entry shopp matches no database on the source that accepts connections; did you mean shop?');
    const scope = scopeDatabase(db({ include_tables: ['public.ordrs'] }), catalog([table('orders')]));
    const t = checkTableNames(scope);
    expect(t.map((x) => [x.status, x.message])).toEqual([['fail', 'include_tables entry public.ordrs matches no table to copy in database shop; did you mean public.orders?']]);
  });

  it('checks the column and type of a time window', () => {
    const scope = scopeDatabase(db({ time_filters: [{ table: 'orders', column: 'creatd_at', last: '1 day' }, { table: 'items', column: 'id', last: '1 day' }] }), catalog([table('orders'), table('items')]));
    expect(checkTableNames(scope).map((x) => x.message)).toEqual([
      'time_filters names column creatd_at, which public.orders does not have; did you mean created_at?',
      'time_filters column public.items.id is integer; a time window needs a date or timestamp column',
    ]);
  });

  it('include and exclude of one level together', () => {
    expect(checkIncludeExclude(spec()).length).toBe(0);
  });
});
