// The human and JSON renderings of a status report, from one fixed report with every health (src/render/status).
import { describe, expect, it } from 'vitest';
import { renderStatusJson } from '../../src/render/status/render-status-json.js';
import { renderStatusText } from '../../src/render/status/render-status-text.js';
import { buildStatusReport } from '../../src/status/build-report.js';
import type { DatabaseObservation, StatusTarget, SubscriptionObservation } from '../../src/status/types.js';
import { parseLagLimit } from '../../src/spec/lag-limit.js';

const base: StatusTarget = {
  key: 'shop', targetDatabase: 'shop', sync: true, inSpec: true, wantEnabled: true,
  publication: { name: 'pgrepl_shop_1a2b3c4d', database: 'shop' },
  slot: { name: 'pgrepl_shop_1a2b3c4d', database: 'shop' },
  subscription: { name: 'pgrepl_shop_1a2b3c4d', database: 'shop', enabled: true },
  cutover: null,
};
const sub: SubscriptionObservation = {
  exists: true, enabled: true, slotName: 'pgrepl_shop_1a2b3c4d', publications: ['pgrepl_shop_1a2b3c4d'], workerRunning: true,
  lastMessageAt: '2026-11-26T09:59:57.000Z',
  tables: [{ table: 'public.orders', state: 'r' }, { table: 'public."Order Lines"', state: 'r' }],
  errors: { apply: 0, sync: 0, conflicts: {}, statsReset: null },
};
const good: DatabaseObservation = {
  publication: { exists: true, tables: ['public."Order Lines"', 'public.orders'] },
  slot: { exists: true, active: true, walStatus: 'reserved', safeWalSize: null, retainedBytes: 1_300_000, lagBytes: 512 },
  stream: { state: 'streaming', replayLagSeconds: null, unconfirmedBytes: 0, detailsHidden: false },
  subscription: sub, targetDatabaseMissing: false, sourceDatabaseMissing: false,
};
const named = (key: string, patch: Partial<StatusTarget> = {}): StatusTarget => ({
  ...base, key, targetDatabase: key,
  publication: { name: `pgrepl_${key}_1`, database: key }, slot: { name: `pgrepl_${key}_1`, database: key },
  subscription: { name: `pgrepl_${key}_1`, database: key, enabled: true }, ...patch,
});

function sampleReport() {
  return buildStatusReport({
    checkedAt: new Date('2026-11-26T10:00:00.000Z'),
    maxLag: parseLagLimit('30s'),
    databases: [
      { target: { ...base, targetDatabase: 'shop_v2' }, observed: good },
      { target: named('orders'), observed: { ...good, subscription: { ...sub, slotName: 'pgrepl_orders_1', enabled: false, workerRunning: false, lastMessageAt: null }, stream: null,
        slot: { ...good.slot!, active: false, retainedBytes: 3 * 1024 ** 3, lagBytes: 3 * 1024 ** 3, walStatus: 'extended' } } },
      { target: named('billing'), observed: { ...good, stream: { state: 'streaming', replayLagSeconds: 75.5, unconfirmedBytes: 10_000, detailsHidden: false },
        publication: { exists: true, tables: ['public.invoices', 'public.items'] },
        subscription: { ...sub, slotName: 'pgrepl_billing_1', tables: [{ table: 'public.invoices', state: 'd' }, { table: 'public.items', state: 'r' }], errors: { apply: 2, sync: 0, conflicts: {}, statsReset: '2026-11-20T08:00:00.000Z' } } } },
      { target: named('new_app', { publication: null, slot: null, subscription: null }), observed: null },
      { target: named('archive', { sync: false, publication: null, slot: null, subscription: null }), observed: null },
    ],
    pendingDeletes: [{ ref: { address: 'source.slot.legacy', kind: 'slot', name: 'pgrepl_legacy_9', database: 'legacy' }, observed: { exists: true, active: false, walStatus: 'reserved', retainedBytes: 52_428_800 } }],
  });
}

const EXPECTED_TEXT = `Replication status at 2026-11-26 10:00:00 UTC (max lag 30s)

shop -> shop_v2  ✓ healthy
  publication   pgrepl_shop_1a2b3c4d
  subscription  pgrepl_shop_1a2b3c4d  enabled, worker running, last message 3 s ago
  tables        2 of 2 ready
  slot          pgrepl_shop_1a2b3c4d  active, wal_status reserved, retains 1.2 MB
  lag           caught up (512 B behind)

orders  ✗ broken
  publication   pgrepl_orders_1
  subscription  pgrepl_orders_1  disabled, no worker, no message yet
  tables        2 of 2 ready
  slot          pgrepl_orders_1  inactive, wal_status extended, retains 3 GB
  lag           time lag unknown, 3 GB behind
  ✗ subscription pgrepl_orders_1 is disabled, but the spec wants it enabled (disabled by an error with disable_on_error, or by hand)
  ✗ time lag unknown (no streaming walsender for the subscription; 3 GB behind), so it cannot be shown to be within --max-lag 30s
  ! replication slot pgrepl_orders_1 is inactive and keeps 3 GB of WAL on the source

billing  ! lagging
  publication   pgrepl_billing_1
  subscription  pgrepl_billing_1  enabled, worker running, last message 3 s ago, errors: 2 apply, 0 sync
  tables        1 of 2 ready, 1 copying
  slot          pgrepl_billing_1  active, wal_status reserved, retains 1.2 MB
  lag           1 min 16 s, 512 B behind
  ! time lag 1 min 16 s exceeds --max-lag 30s
  ! 2 apply errors since 2026-11-20T08:00:00.000Z

new_app  - not started
  - not started (run pgrepl apply)

archive  - snapshot only
  - snapshot only: no replication (sync: false)

Pending deletes
  ! slot pgrepl_legacy_9 could not be dropped yet and keeps 50 MB of WAL on the source, wal_status reserved; run pgrepl apply or pgrepl destroy to drop it

Overall: broken (exit 2)
`;

describe('status rendering', () => {
  it('prints one block per database, reasons and warnings under it, and the overall health', () => {
    const text = renderStatusText(sampleReport(), { color: false });
    if (process.env['SHOW_STATUS'] === '1') process.stdout.write(text);
    expect(text).toBe(EXPECTED_TEXT);
  });

  it('colours only when asked', () => {
    expect(renderStatusText(sampleReport(), { color: true })).toContain('\u001b[');
    expect(renderStatusText(sampleReport(), { color: false })).not.toContain('\u001b[');
  });

  it('--json prints the report object; --watch prints one line per read', () => {
    const report = sampleReport();
    expect(JSON.parse(renderStatusJson(report))).toEqual(report);
    const compact = renderStatusJson(report, { compact: true });
    expect(compact.trimEnd().split('\n')).toHaveLength(1);
    expect(report.databases.map((d) => d.health)).toEqual(['healthy', 'broken', 'lagging', 'not-started', 'snapshot-only']);
  });
});
