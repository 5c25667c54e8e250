// Which databases status looks at and what it expects of each (src/status/status-targets.ts), and the pure parsers
// of its catalog rows (src/pg/catalog/status/status-queries.ts).
import { describe, expect, it } from 'vitest';
import { parseSlot, parseStats, parseStream, parseWorkers } from '../../src/pg/catalog/status/status-queries.js';
import { loadSpecText } from '../../src/spec/load.js';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';
import { statusTargets } from '../../src/status/status-targets.js';

const SPEC = `version: 1
source: { url: "host=src" }
target: { url: "host=tgt" }
databases:
  shop: { sync: true, target_database: shop_v2 }
  "my-app": { sync: true, subscription: { enabled: false } }
  archive: { sync: false }
`;

function res(address: string, kind: string, attributes: Record<string, string | boolean>, status?: 'pending-delete'): StateResource {
  return { address, kind, attributes, ...(status === undefined ? {} : { status }), updated_at: '2026-11-26T10:00:00.000Z' };
}

function state(resources: StateResource[]): StateDocument {
  return { version: 1, lineage: 'l', serial: 3, pgrepl_version: '0.1.0', spec: null, resources, history: [] };
}

describe('statusTargets', () => {
  const spec = loadSpecText(SPEC, 'pgrepl.yaml', { env: {} });

  it('takes names from the state, enabled from the spec, and lists databases the spec dropped', () => {
    const t = statusTargets(spec, state([
      res('source.publication.shop', 'publication', { name: 'pub_shop', database: 'shop' }),
      res('source.slot.shop', 'slot', { name: 'slot_shop', database: 'shop' }),
      res('target.subscription.shop', 'subscription', { name: 'sub_shop', database: 'shop_v2', enabled: true }),
      res('target.subscription["my-app"]', 'subscription', { name: 'sub_app', database: 'my-app', enabled: false }),
      res('source.slot.gone', 'slot', { name: 'slot_gone', database: 'gone' }),
      res('target.subscription.gone', 'subscription', { name: 'sub_gone', database: 'gone_t', enabled: true }),
      res('source.slot.old', 'slot', { name: 'slot_old', database: 'old' }, 'pending-delete'),
      res('target.database.shop', 'database', { name: 'shop_v2' }),
    ]), null);
    expect(t.databases.map((d) => [d.key, d.targetDatabase, d.sync, d.inSpec, d.wantEnabled])).toEqual([
      ['shop', 'shop_v2', true, true, true],
      ['my-app', 'my-app', true, true, false],
      ['archive', 'archive', false, true, true],
      ['gone', 'gone_t', true, false, true],
    ]);
    expect(t.databases[0]).toMatchObject({
      publication: { name: 'pub_shop', database: 'shop' },
      slot: { name: 'slot_shop', database: 'shop' },
      subscription: { name: 'sub_shop', database: 'shop_v2', enabled: true },
    });
    expect(t.databases[1]).toMatchObject({ publication: null, slot: null, subscription: { name: 'sub_app' } });
    expect(t.pendingDeletes).toEqual([{ address: 'source.slot.old', kind: 'slot', name: 'slot_old', database: 'old' }]);
  });

  it('reads what cutover did: after disable from the subscription, after drop from the history', () => {
    const doc: StateDocument = {
      ...state([
        res('target.subscription.shop', 'subscription', { name: 'sub_shop', database: 'shop_v2', enabled: true }),
        res('source.publication["my-app"]', 'publication', { name: 'pub_app', database: 'my-app' }),
      ]),
      history: [{ serial: 3, at: '2026-11-26T11:00:00.000Z', command: 'cutover', summary: 'cutover "my-app": subscription and slot dropped' }],
    };
    const withRecord: StateDocument = {
      ...doc,
      resources: doc.resources.map((r) => r.kind === 'subscription'
        ? { ...r, attributes: { ...r.attributes, cutover: { fence: null, lsn: '0/1', caught_up_at: '2026-11-26T10:59:00.000Z', sequences_set_at: '2026-11-26T10:59:30.000Z', after_done: 'disable' } } }
        : r),
    };
    const t = statusTargets(spec, withRecord, null);
    expect(t.databases[0]?.cutover).toEqual({ state: 'disabled', at: '2026-11-26T10:59:30.000Z', fence: null });
    expect(t.databases[1]?.cutover).toEqual({ state: 'dropped', at: '2026-11-26T11:00:00.000Z', fence: null });
    expect(t.databases[2]?.cutover).toBeNull();
  });

  it('chooses databases by include_databases when the spec has a rule', () => {
    const ruled = loadSpecText(`version: 1
source: { url: "host=src" }
target: { url: "host=tgt" }
include_databases: ["app_*"]
defaults: { sync: true }
`, 'pgrepl.yaml', { env: {} });
    const t = statusTargets(ruled, state([]), ['app_one', 'other', 'app_two']);
    expect(t.databases.map((d) => [d.key, d.sync])).toEqual([['app_one', true], ['app_two', true]]);
  });
});

describe('status catalog parsers', () => {
  it('reads slot byte figures from numeric text', () => {
    expect(parseSlot({ slot_name: 's', active: true, wal_status: 'reserved', safe_wal_size: null, retained_bytes: '123456', lag_bytes: '0' })).toEqual({
      exists: true, active: true, walStatus: 'reserved', safeWalSize: null, retainedBytes: 123456, lagBytes: 0,
    });
    expect(parseSlot(undefined).exists).toBe(false);
  });

  it('marks walsender rows whose details are hidden', () => {
    expect(parseStream({ application_name: 'sub', pid: 1, state: null, replay_lag_seconds: null, unconfirmed_bytes: null })?.detailsHidden).toBe(true);
    expect(parseStream({ application_name: 'sub', pid: 1, state: 'streaming', replay_lag_seconds: 0.25, unconfirmed_bytes: '16' })).toEqual({
      state: 'streaming', replayLagSeconds: 0.25, unconfirmedBytes: 16, detailsHidden: false,
    });
    expect(parseStream(undefined)).toBeNull();
  });

  it('takes the apply worker, not a table sync or parallel apply worker', () => {
    const at = new Date('2026-11-26T10:00:00Z');
    expect(parseWorkers([{ pid: 5, apply: false, parallel: false, last_msg_receipt_time: at }])).toEqual({ running: false, lastMessageAt: null });
    expect(parseWorkers([{ pid: 6, apply: true, parallel: true, last_msg_receipt_time: at }]).running).toBe(false);
    expect(parseWorkers([{ pid: 7, apply: true, parallel: false, last_msg_receipt_time: at }])).toEqual({ running: true, lastMessageAt: '2026-11-26T10:00:00.000Z' });
    expect(parseWorkers([{ pid: null, apply: true, parallel: false, last_msg_receipt_time: null }]).running).toBe(false);
  });

  it('reads the error counters and whichever confl_* columns the server has', () => {
    expect(parseStats({ stats: { subid: 1, subname: 's', apply_error_count: 2, sync_error_count: 1, stats_reset: null } })).toEqual({ apply: 2, sync: 1, conflicts: {}, statsReset: null });
    const pg18 = parseStats({ stats: { apply_error_count: 0, sync_error_count: 0, confl_insert_exists: 3, confl_update_missing: 1, stats_reset: '2026-11-20T08:00:00+00:00' } });
    expect(pg18).toEqual({ apply: 0, sync: 0, conflicts: { insert_exists: 3, update_missing: 1 }, statsReset: '2026-11-20T08:00:00.000Z' });
  });
});
