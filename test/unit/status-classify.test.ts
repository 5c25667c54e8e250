// The health rules of `pgrepl status` (src/status/classify-database.ts, build-report.ts), without a server.
import { describe, expect, it } from 'vitest';
import { buildStatusReport, describePendingDelete, healthExitCode, overallHealth } from '../../src/status/build-report.js';
import { classifyDatabase } from '../../src/status/classify-database.js';
import type { DatabaseObservation, StatusTarget, SubscriptionObservation } from '../../src/status/types.js';
import { parseLagLimit } from '../../src/spec/lag-limit.js';

const target: StatusTarget = {
  key: 'shop',
  targetDatabase: 'shop_new',
  sync: true,
  inSpec: true,
  wantEnabled: true,
  publication: { name: 'pgrepl_shop_1', database: 'shop' },
  slot: { name: 'pgrepl_shop_1', database: 'shop' },
  subscription: { name: 'pgrepl_shop_1', database: 'shop_new', enabled: true },
  cutover: null,
};

const subscription: SubscriptionObservation = {
  exists: true,
  enabled: true,
  slotName: 'pgrepl_shop_1',
  publications: ['pgrepl_shop_1'],
  workerRunning: true,
  lastMessageAt: '2026-11-26T10:00:00.000Z',
  tables: [{ table: 'public.a', state: 'r' }, { table: 'public.b', state: 'r' }],
  errors: { apply: 0, sync: 0, conflicts: {}, statsReset: null },
};

const healthy: DatabaseObservation = {
  publication: { exists: true, tables: ['public.a', 'public.b'] },
  slot: { exists: true, active: true, walStatus: 'reserved', safeWalSize: null, retainedBytes: 4096, lagBytes: 120 },
  stream: { state: 'streaming', replayLagSeconds: null, unconfirmedBytes: 0, detailsHidden: false },
  subscription,
  targetDatabaseMissing: false,
  sourceDatabaseMissing: false,
};

const noLimit = { maxLag: null };

function obs(patch: Partial<DatabaseObservation>): DatabaseObservation {
  return { ...healthy, ...patch };
}

describe('classifyDatabase', () => {
  it('an idle stream with NULL replay_lag is healthy and caught up, never lagging', () => {
    const r = classifyDatabase(target, healthy, { maxLag: parseLagLimit('1B') });
    expect(r.health).toBe('healthy');
    expect(r.reasons).toEqual([]);
    expect(r.lag).toEqual({ bytes: 120, seconds: 0, caught_up: true });
    expect(r.subscription?.tables).toMatchObject({ ready: 2, syncing: 0, unsubscribed: [] });
  });

  it('a streaming walsender with a measured replay lag is not caught up; over a time limit it is lagging', () => {
    const busy = obs({ stream: { state: 'streaming', replayLagSeconds: 42, unconfirmedBytes: 9000, detailsHidden: false } });
    expect(classifyDatabase(target, busy, noLimit).health).toBe('healthy');
    const r = classifyDatabase(target, busy, { maxLag: parseLagLimit('30s') });
    expect(r.health).toBe('lagging');
    expect(r.reasons[0]).toMatch(/time lag 42 s exceeds --max-lag 30s/);
    expect(classifyDatabase(target, busy, { maxLag: parseLagLimit('1min') }).health).toBe('healthy');
  });

  it('byte lag compares with a size limit', () => {
    const behind = obs({ stream: null, slot: { ...healthy.slot!, lagBytes: 64 * 1024 ** 2 + 1 } });
    expect(classifyDatabase(target, behind, { maxLag: parseLagLimit('64MB') }).health).toBe('lagging');
    expect(classifyDatabase(target, behind, { maxLag: parseLagLimit('65MB') }).health).not.toBe('lagging');
  });

  it('without a stream the time lag is unknown: lagging under a time limit unless the slot is at the current LSN', () => {
    const noStream = obs({ stream: null });
    const r = classifyDatabase(target, noStream, { maxLag: parseLagLimit('30s') });
    expect(r.lag).toEqual({ bytes: 120, seconds: null, caught_up: false });
    expect(r.health).toBe('lagging');
    expect(r.reasons[0]).toMatch(/time lag unknown/);
    const atEnd = obs({ stream: null, slot: { ...healthy.slot!, lagBytes: 0 } });
    expect(classifyDatabase(target, atEnd, { maxLag: parseLagLimit('30s') }).health).toBe('healthy');
  });

  it('a disabled subscription is broken when the spec wants it enabled, paused when the spec pauses it', () => {
    const disabled = obs({ subscription: { ...subscription, enabled: false, workerRunning: false }, stream: null });
    const broken = classifyDatabase(target, disabled, noLimit);
    expect(broken.health).toBe('broken');
    expect(broken.reasons.join('\n')).toMatch(/is disabled, but the spec wants it enabled/);
    const paused = classifyDatabase({ ...target, wantEnabled: false }, disabled, noLimit);
    expect(paused.health).toBe('paused');
    expect(healthExitCode(paused.health)).toBe(0);
  });

  it('a paused subscription past --max-lag is lagging', () => {
    const disabled = obs({ subscription: { ...subscription, enabled: false, workerRunning: false }, stream: null });
    expect(classifyDatabase({ ...target, wantEnabled: false }, disabled, { maxLag: parseLagLimit('1B') }).health).toBe('lagging');
  });

  it('an enabled subscription without an apply worker is broken', () => {
    const r = classifyDatabase(target, obs({ subscription: { ...subscription, workerRunning: false } }), noLimit);
    expect(r.health).toBe('broken');
    expect(r.reasons.join('\n')).toMatch(/no apply worker is running/);
  });

  it('a missing or lost slot is broken; unreserved is a warning', () => {
    const missing = classifyDatabase(target, obs({ slot: { exists: false, active: false, walStatus: null, safeWalSize: null, retainedBytes: null, lagBytes: null } }), noLimit);
    expect(missing.health).toBe('broken');
    expect(missing.reasons.join('\n')).toMatch(/slot pgrepl_shop_1 does not exist on the source/);
    expect(missing.lag).toBeNull();
    const lost = classifyDatabase(target, obs({ slot: { ...healthy.slot!, walStatus: 'lost' } }), noLimit);
    expect(lost.health).toBe('broken');
    expect(lost.reasons.join('\n')).toMatch(/wal_status lost/);
    const unreserved = classifyDatabase(target, obs({ slot: { ...healthy.slot!, walStatus: 'unreserved' } }), noLimit);
    expect(unreserved.health).toBe('healthy');
    expect(unreserved.warnings.join('\n')).toMatch(/unreserved/);
  });

  it('a missing subscription, publication or target database is broken', () => {
    const noSub = classifyDatabase(target, obs({ subscription: { ...subscription, exists: false } }), noLimit);
    expect(noSub.reasons.join('\n')).toMatch(/subscription pgrepl_shop_1 does not exist on the target/);
    const noPub = classifyDatabase(target, obs({ publication: { exists: false, tables: [] } }), noLimit);
    expect(noPub.health).toBe('broken');
    expect(noPub.reasons.join('\n')).toMatch(/publication pgrepl_shop_1 does not exist/);
    const noDb = classifyDatabase(target, obs({ subscription: null, targetDatabaseMissing: true }), noLimit);
    expect(noDb.reasons.join('\n')).toMatch(/target database "shop_new" does not exist/);
  });

  it('tables still copying are syncing, not broken; a published table in no state is broken', () => {
    const copying = obs({ subscription: { ...subscription, tables: [{ table: 'public.a', state: 'd' }, { table: 'public.b', state: 'r' }] } });
    const r = classifyDatabase(target, copying, noLimit);
    expect(r.health).toBe('syncing');
    expect(r.subscription?.tables).toMatchObject({ ready: 1, syncing: 1, not_ready: [{ table: 'public.a', state: 'copying' }] });
    expect(r.subscription?.tables.by_state).toEqual({ init: 0, copying: 1, copied: 0, synced: 0, ready: 1 });
    expect(healthExitCode(r.health)).toBe(0);
    const unsubscribed = obs({ publication: { exists: true, tables: ['public.a', 'public.b', 'public.c'] } });
    const u = classifyDatabase(target, unsubscribed, noLimit);
    expect(u.health).toBe('broken');
    expect(u.reasons.join('\n')).toMatch(/1 published table is in no subscription state \(public\.c\)/);
  });

  it('error counts of one read are a warning; counts rising between two reads are broken', () => {
    const failing = obs({ subscription: { ...subscription, errors: { apply: 3, sync: 0, conflicts: { insert_exists: 3, update_missing: 0 }, statsReset: null } } });
    const once = classifyDatabase(target, failing, noLimit);
    expect(once.health).toBe('healthy');
    expect(once.warnings).toContain('3 apply errors since the statistics were last reset');
    expect(once.warnings.join('\n')).toMatch(/conflicts .*: insert_exists 3$/m);
    expect(classifyDatabase(target, failing, { maxLag: null, previousErrors: { apply: 3, sync: 0 } }).health).toBe('healthy');
    const rising = classifyDatabase(target, failing, { maxLag: null, previousErrors: { apply: 1, sync: 0 } });
    expect(rising.health).toBe('broken');
    expect(rising.reasons.join('\n')).toMatch(/apply errors are rising: 1 -> 3/);
  });

  it('hidden walsender details leave the time lag unknown, with the grant that shows it', () => {
    const hidden = obs({ stream: { state: null, replayLagSeconds: null, unconfirmedBytes: null, detailsHidden: true } });
    const r = classifyDatabase(target, hidden, noLimit);
    expect(r.health).toBe('healthy');
    expect(r.lag).toEqual({ bytes: 120, seconds: null, caught_up: false });
    expect(r.warnings.join('\n')).toMatch(/pg_read_all_stats/);
  });

  it('nothing recorded: not started with sync, snapshot only without', () => {
    const bare = { ...target, publication: null, slot: null, subscription: null };
    expect(classifyDatabase(bare, null, noLimit)).toMatchObject({ health: 'not-started', reasons: ['not started (run pgrepl apply)'], subscription: null, slot: null, lag: null });
    expect(classifyDatabase({ ...bare, sync: false }, null, noLimit).health).toBe('snapshot-only');
  });

  it('a slot recorded without a subscription (an apply that stopped half-way) is broken', () => {
    const r = classifyDatabase({ ...target, subscription: null }, obs({ subscription: null, stream: null }), noLimit);
    expect(r.health).toBe('broken');
    expect(r.reasons.join('\n')).toMatch(/no subscription is recorded/);
  });
});

describe('after pgrepl cutover', () => {
  it('a subscription cutover disabled is paused, not broken, even when the spec still says enabled', () => {
    const disabled = obs({ subscription: { ...subscription, enabled: false, workerRunning: false }, stream: null });
    const r = classifyDatabase({ ...target, cutover: { state: 'disabled', at: '2026-11-26T11:00:00.000Z', fence: 'nologin' } }, disabled, noLimit);
    expect(r.health).toBe('paused');
    expect(r.reasons[0]).toMatch(/^cut over at 2026-11-26T11:00:00.000Z: pgrepl cutover disabled subscription pgrepl_shop_1/);
    expect(r.warnings.join('\n')).toMatch(/fenced \(nologin\).*--undo-fence/);
  });

  it('a database whose subscription and slot cutover dropped has ended replication: paused, nothing read', () => {
    const r = classifyDatabase({ ...target, slot: null, subscription: null, cutover: { state: 'dropped', at: '2026-11-26T11:00:00.000Z', fence: null } }, null, noLimit);
    expect(r).toMatchObject({ health: 'paused', subscription: null, slot: null, lag: null });
    expect(r.reasons[0]).toMatch(/dropped the subscription and the slot, so replication has ended/);
  });
});

describe('the report', () => {
  it('takes the worst health and exits 2 only for broken or lagging', () => {
    expect(overallHealth(['healthy', 'syncing', 'paused'])).toBe('paused');
    expect(overallHealth(['snapshot-only', 'healthy'])).toBe('healthy');
    expect(overallHealth(['healthy', 'lagging', 'broken'])).toBe('broken');
    expect(overallHealth([])).toBe('healthy');
    for (const h of ['healthy', 'paused', 'syncing', 'not-started', 'snapshot-only'] as const) expect(healthExitCode(h)).toBe(0);
    expect(healthExitCode('broken')).toBe(2);
    expect(healthExitCode('lagging')).toBe(2);
  });

  it('passes the previous read\'s error counts per database', () => {
    const failing = obs({ subscription: { ...subscription, errors: { apply: 5, sync: 0, conflicts: {}, statsReset: null } } });
    const first = buildStatusReport({ checkedAt: new Date('2026-11-26T10:00:00Z'), maxLag: null, databases: [{ target, observed: failing }], pendingDeletes: [] });
    expect(first).toMatchObject({ format_version: '1', health: 'healthy', exit_code: 0, max_lag: null, checked_at: '2026-11-26T10:00:00.000Z' });
    const worse = obs({ subscription: { ...subscription, errors: { apply: 6, sync: 0, conflicts: {}, statsReset: null } } });
    const second = buildStatusReport({ checkedAt: new Date(), maxLag: null, databases: [{ target, observed: worse }], pendingDeletes: [], previous: first });
    expect(second).toMatchObject({ health: 'broken', exit_code: 2 });
  });

  it('describes pending deletes by what is left', () => {
    const ref = { address: 'source.slot.old', kind: 'slot', name: 'pgrepl_old_1', database: 'old' };
    expect(describePendingDelete(ref, { exists: true, active: false, walStatus: 'extended', retainedBytes: 3 * 1024 ** 3 }).message).toBe(
      'slot pgrepl_old_1 could not be dropped yet and keeps 3 GB of WAL on the source, wal_status extended; run pgrepl apply or pgrepl destroy to drop it',
    );
    expect(describePendingDelete(ref, { exists: false, active: null, walStatus: null, retainedBytes: null }).message).toMatch(/already gone/);
    expect(describePendingDelete(ref, null)).toMatchObject({ exists: null });
  });
});
