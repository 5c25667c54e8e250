// actualFingerprint: what moves on a live server without changing the plan (sizes, now(), sampled throughput, the
// number of large objects) leaves it alone; a column, a role, a database, a table's rows, the target lookup or the
// state serial change it. Replication objects: a slot's activity, retained WAL and LSN, a subscription's worker,
// error counts and per-table sync state leave it alone; a publication, slot or subscription appearing or going,
// its tables, filters, options or enabled flag change it.
import { describe, expect, it } from 'vitest';
import type { ActualState, PublicationFacts, ServerActual, SlotFacts, SubscriptionFacts } from '../../src/introspect/types.js';
import { actualFingerprint } from '../../src/plan/actual-fingerprint.js';
import { emptyState } from '../../src/state/state-edits.js';
import { column, model, table } from './ddl-model-builders.js';

function server(extra: Partial<ServerActual> = {}): ServerActual {
  return {
    display: 'postgres://app@127.0.0.1:5432/postgres', versionNum: 150_018, major: 15, user: 'app', superuser: false, createdb: true,
    createrole: false, roles: ['app', 'pg_read_all_data'], memberOf: ['app'],
    databases: [{ name: 'shop', owner: 'app', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null }],
    libcLocales: ['C', 'C.UTF-8'], now: '2026-11-26 09:00:00.123456+00', slots: [], walLevel: 'logical', ...extra,
  };
}

const SLOT: SlotFacts = {
  name: 'pgrepl_shop_1a2b3c4d', database: 'shop', plugin: 'pgoutput', active: true, walStatus: 'reserved', retainedBytes: 4096, confirmedFlushLsn: '0/16B3748',
};

const PUBLICATION: PublicationFacts = {
  name: 'pgrepl_shop_1a2b3c4d', owner: 'app', comment: 'managed by pgrepl 7d0e4c1a', allTables: false, viaRoot: true,
  publish: ['insert', 'update', 'delete', 'truncate'],
  tables: [{ schema: 'public', name: 'orders', rowFilter: '(id > 10)', columns: null }], schemas: [],
};

const SUBSCRIPTION: SubscriptionFacts = {
  name: 'pgrepl_shop_1a2b3c4d', owner: 'app', ownerSuperuser: false, comment: 'managed by pgrepl 7d0e4c1a', enabled: true,
  slotName: 'pgrepl_shop_1a2b3c4d', publications: ['pgrepl_shop_1a2b3c4d'],
  options: { binary: false, streaming: 'parallel', disable_on_error: false, two_phase: false, origin: 'any', synchronous_commit: 'off' },
  tables: [{ schema: 'public', name: 'orders', state: 'd' }], workerPid: 4242, errorCounts: { apply: 0, sync: 0 },
};

interface Options {
  columns?: string[]; hasRows?: boolean; bytes?: number; now?: string; largeObjects?: number; functions?: string[]; roles?: string[];
  slots?: SlotFacts[]; publications?: PublicationFacts[]; subscriptions?: SubscriptionFacts[];
}

function actual(opts: Options = {}): ActualState {
  const t = table('public', 'orders', { columns: (opts.columns ?? ['id']).map((c) => column(c, 'integer')) });
  return {
    source: server({ now: opts.now ?? '2026-11-26 09:00:00.123456+00', ...(opts.roles ? { roles: opts.roles } : {}), slots: opts.slots ?? [SLOT] }),
    target: server({ major: 17, versionNum: 170_006, now: opts.now ?? '2026-11-26 09:00:00.5+00' }),
    databases: [{
      key: 'shop', targetDatabase: 'shop',
      source: {
        model: model([t]), sizes: { 'table:public.orders': { bytes: opts.bytes ?? 8192, rowEstimate: 10 } }, largeObjects: opts.largeObjects ?? 0,
        publications: opts.publications ?? [PUBLICATION],
      },
      target: {
        model: model([t]),
        lookup: { functions: new Set(opts.functions ?? ['now', 'lower']), types: new Set(['integer']), collations: new Set(['C']) },
        tables: { 'table:public.orders': { oid: 16_384, hasRows: opts.hasRows ?? false } },
        subscriptions: opts.subscriptions ?? [SUBSCRIPTION],
      },
    }],
    sampledThroughput: { bytesPerSecond: 10_000_000, basis: 'sampled from the source (2.1 MB in 0.2 s)' },
    diagnostics: [],
  };
}

const state = { ...emptyState({ pgreplVersion: '0.1.0', lineage: '7d0e4c1a-2b9f-4e55-9a3c-0c6f1e2d8b77' }), serial: 3 };

describe('actualFingerprint', () => {
  const base = actualFingerprint(actual(), state);

  it('is a sha256 and stable for the same input', () => {
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(actualFingerprint(actual(), state)).toBe(base);
  });

  it('ignores sizes, row estimates, now(), sampled throughput and the number of large objects', () => {
    expect(actualFingerprint(actual({ bytes: 999_999_999 }), state)).toBe(base);
    expect(actualFingerprint(actual({ now: '2026-11-27 10:00:00+00' }), state)).toBe(base);
    expect(actualFingerprint({ ...actual(), sampledThroughput: null }, state)).toBe(base);
    expect(actualFingerprint(actual({ largeObjects: 3 }), state)).toBe(actualFingerprint(actual({ largeObjects: 7 }), state));
  });

  it('changes with a column, a role, a database, a table with rows, the lookup, large objects appearing and the serial', () => {
    const changed = [
      actualFingerprint(actual({ columns: ['id', 'note'] }), state),
      actualFingerprint(actual({ roles: ['app', 'other', 'pg_read_all_data'] }), state),
      actualFingerprint({ ...actual(), target: server({ major: 17, versionNum: 170_006, databases: [] }) }, state),
      actualFingerprint(actual({ hasRows: true }), state),
      actualFingerprint(actual({ functions: ['now'] }), state),
      actualFingerprint(actual({ largeObjects: 1 }), state),
      actualFingerprint(actual(), { ...state, serial: 4 }),
      actualFingerprint(actual(), null),
    ];
    for (const f of changed) expect(f).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it('ignores what moves while replication runs: slot activity, retained WAL, LSNs, the worker, error counts, table sync state', () => {
    const moved = [
      actual({ slots: [{ ...SLOT, active: false, retainedBytes: 999_999_999, confirmedFlushLsn: '1/0' }] }),
      actual({ slots: [{ ...SLOT, walStatus: 'extended', retainedBytes: null, confirmedFlushLsn: null }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, workerPid: null, errorCounts: { apply: 3, sync: 1 } }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, workerPid: 5151, errorCounts: null }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, tables: [{ schema: 'public', name: 'orders', state: 'r' }] }] }),
    ];
    for (const a of moved) expect(actualFingerprint(a, state)).toBe(base);
  });

  it('changes when a replication object appears, goes, or its tables, filters, options or enabled flag change', () => {
    const changed = [
      actual({ slots: [] }),
      actual({ slots: [SLOT, { ...SLOT, name: 'seren_migration_slot' }] }),
      actual({ slots: [{ ...SLOT, walStatus: 'lost' }] }),
      actual({ slots: [{ ...SLOT, database: 'other' }] }),
      actual({ publications: [] }),
      actual({ publications: [{ ...PUBLICATION, tables: [] }] }),
      actual({ publications: [{ ...PUBLICATION, tables: [{ schema: 'public', name: 'orders', rowFilter: '(id > 20)', columns: null }] }] }),
      actual({ publications: [{ ...PUBLICATION, tables: [{ schema: 'public', name: 'orders', rowFilter: '(id > 10)', columns: ['id'] }] }] }),
      actual({ publications: [{ ...PUBLICATION, publish: ['insert', 'update', 'delete'] }] }),
      actual({ publications: [{ ...PUBLICATION, viaRoot: false }] }),
      actual({ publications: [{ ...PUBLICATION, comment: null }] }),
      actual({ subscriptions: [] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, enabled: false }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, slotName: null }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, options: { ...SUBSCRIPTION.options, binary: true } }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, publications: ['other'] }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, tables: [] }] }),
      actual({ subscriptions: [{ ...SUBSCRIPTION, tables: [{ schema: 'public', name: 'orders', state: 'r' }, { schema: 'public', name: 'lines', state: 'i' }] }] }),
    ].map((a) => actualFingerprint(a, state));
    for (const f of changed) expect(f).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it('does not depend on the order a Set was filled in', () => {
    expect(actualFingerprint(actual({ functions: ['lower', 'now'] }), state)).toBe(base);
  });
});
