// The cutover's pure decisions: options (flags over the spec), what a rerun still has to do, lag comparison,
// sequence values, fence privilege checks, the consent, the state record and which databases it works on.
import { describe, expect, it } from 'vitest';
import { cutoverConsent } from '../../src/cli/commands/cutover.js';
import { fenceProblems, type FenceActor, type FenceRoleFacts } from '../../src/cutover/fence-check.js';
import { lagWithin, readinessVerdict } from '../../src/cutover/lag.js';
import { resolveCutoverOptions, type CutoverOptions } from '../../src/cutover/options.js';
import { EMPTY_RECORD, readCutoverRecord, withCutoverRecord, type CutoverRecord } from '../../src/cutover/record.js';
import { setvalArgs } from '../../src/cutover/sequence-value.js';
import { decideSteps, sequenceRaceWarning } from '../../src/cutover/steps.js';
import { cutoverTargets, droppedSummary, fenceUndoneSummary } from '../../src/cutover/targets.js';
import { fenceStatement, undoStatements } from '../../src/pg/cutover/fence-sql.js';
import { detachSql, disableSql, dropSubscriptionSql } from '../../src/pg/cutover/handoff-sql.js';
import type { CutoverSpec, Spec } from '../../src/spec/model.js';
import { parseLagLimit } from '../../src/spec/lag-limit.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { InputError } from '../../src/util/errors.js';

const SPEC_CUTOVER: CutoverSpec = { fence: 'none', fenceRoles: [], maxLag: null, maxLagLimit: null, sequenceMargin: 0, after: 'keep' };
const OPTIONS: CutoverOptions = { fence: 'none', fenceRoles: [], maxLag: null, sequenceMargin: 0, after: 'keep', timeoutMs: 600_000 };

describe('resolveCutoverOptions', () => {
  it('takes the spec, with flags over it', () => {
    expect(resolveCutoverOptions(SPEC_CUTOVER, {})).toEqual(OPTIONS);
    const spec: CutoverSpec = { ...SPEC_CUTOVER, fence: 'nologin', fenceRoles: ['app'], maxLag: '64MB', maxLagLimit: parseLagLimit('64MB'), after: 'drop', sequenceMargin: 5 };
    expect(resolveCutoverOptions(spec, {})).toMatchObject({ fence: 'nologin', fenceRoles: ['app'], maxLag: { kind: 'bytes', bytes: 64 * 1024 ** 2 }, after: 'drop', sequenceMargin: 5 });
    expect(resolveCutoverOptions(spec, { maxLag: '30s', after: 'disable', sequenceMargin: 0, timeout: '2m', fence: false })).toMatchObject({
      fence: 'none', maxLag: { kind: 'time', milliseconds: 30_000 }, after: 'disable', sequenceMargin: 0, timeoutMs: 120_000,
    });
  });

  it('--fence fences read-only when the spec names roles but no mode, and keeps the spec\'s mode otherwise', () => {
    expect(resolveCutoverOptions({ ...SPEC_CUTOVER, fenceRoles: ['app'] }, { fence: true }).fence).toBe('read-only');
    expect(resolveCutoverOptions({ ...SPEC_CUTOVER, fence: 'nologin', fenceRoles: ['app'] }, { fence: true }).fence).toBe('nologin');
  });

  it('reports every bad flag at once', () => {
    let error: unknown;
    try {
      resolveCutoverOptions(SPEC_CUTOVER, { maxLag: 'soon', timeout: '64MB', sequenceMargin: -1, after: 'explode', fence: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map((d) => d.message)).toEqual([
      '--max-lag "soon" is neither a duration (30s, 5m) nor a size (64MB)',
      '--timeout "64MB" is not a duration (30s, 10m, 1h)',
      '--sequence-margin must be a whole number from 0, not -1',
      '--after must be keep, disable or drop, not "explode"',
      '--fence needs cutover.fence_roles in the spec: the source roles whose writes to stop',
    ]);
  });
});

describe('decideSteps', () => {
  const at = '2026-01-01T00:00:00.000Z';
  it('does everything the first time', () => {
    expect(decideSteps(EMPTY_RECORD, OPTIONS)).toEqual({ finished: false, catchUp: true, fence: false, sequences: true, after: 'keep' });
    expect(decideSteps(EMPTY_RECORD, { ...OPTIONS, fence: 'nologin' }).fence).toBe(true);
  });

  it('keeps a recorded fence while catching up, also when this run asks for none', () => {
    const record: CutoverRecord = { ...EMPTY_RECORD, fence: { mode: 'read-only', roles: [], at } };
    expect(decideSteps(record, OPTIONS)).toMatchObject({ catchUp: true, fence: true });
  });

  it('continues after the catch-up with the sequences, then the after step', () => {
    const caught: CutoverRecord = { ...EMPTY_RECORD, lsn: '0/1', caught_up_at: at };
    expect(decideSteps(caught, OPTIONS)).toEqual({ finished: false, catchUp: false, fence: false, sequences: true, after: 'keep' });
    expect(decideSteps({ ...caught, sequences_set_at: at }, { ...OPTIONS, after: 'drop' })).toEqual({ finished: false, catchUp: false, fence: false, sequences: false, after: 'drop' });
  });

  it('is finished once the after step is done, unless asked to go further', () => {
    const done: CutoverRecord = { ...EMPTY_RECORD, caught_up_at: at, sequences_set_at: at, after_done: 'disable' };
    expect(decideSteps(done, { ...OPTIONS, after: 'keep' }).finished).toBe(true);
    expect(decideSteps(done, { ...OPTIONS, after: 'disable' }).finished).toBe(true);
    expect(decideSteps(done, { ...OPTIONS, after: 'drop' })).toEqual({ finished: false, catchUp: false, fence: false, sequences: false, after: 'drop' });
  });

  it('warns about sequences only without fence and margin', () => {
    expect(sequenceRaceWarning(false, 0)).toMatch(/no fence and no sequence margin/);
    expect(sequenceRaceWarning(true, 0)).toBeNull();
    expect(sequenceRaceWarning(false, 1)).toBeNull();
  });
});

describe('lag', () => {
  const sample = { notReady: [], tableCount: 2, byteLag: 1000, replayLagMs: null, streaming: true };
  it('compares a size with the byte lag', () => {
    expect(lagWithin(parseLagLimit('1kB'), { ...sample, byteLag: 1023 })).toEqual({ ok: true, text: 'byte lag 1023 B < 1kB' });
    expect(lagWithin(parseLagLimit('1kB'), { ...sample, byteLag: 1024 }).ok).toBe(false);
    expect(lagWithin(parseLagLimit('1kB'), { ...sample, byteLag: null }).ok).toBe(false);
  });

  it('compares a duration with replay_lag, where NULL on a live stream is caught up', () => {
    expect(lagWithin(parseLagLimit('30s'), sample)).toEqual({ ok: true, text: 'caught up (no replay lag)' });
    expect(lagWithin(parseLagLimit('30s'), { ...sample, replayLagMs: 29_999 }).ok).toBe(true);
    expect(lagWithin(parseLagLimit('30s'), { ...sample, replayLagMs: 45_000 })).toEqual({ ok: false, text: 'replay lag 45.0 s >= 30s' });
    expect(lagWithin(parseLagLimit('30s'), { ...sample, streaming: false }).ok).toBe(false);
  });

  it('no limit waits for the tables only', () => {
    expect(lagWithin(null, { ...sample, byteLag: 1e12 }).ok).toBe(true);
    const verdict = readinessVerdict(null, { ...sample, notReady: [{ table: 'public.a', state: 'd' }, { table: 'public.b', state: 'i' }] });
    expect(verdict).toEqual({ ready: false, waitingFor: ['2 of 2 tables not ready (public.a copying, public.b init)'] });
    expect(readinessVerdict(parseLagLimit('1kB'), sample)).toEqual({ ready: true, waitingFor: [] });
  });
});

describe('setvalArgs', () => {
  const shape = { increment: '1', min: '1', max: '9223372036854775807' };
  it('copies the source value, plus the margin in the sequence\'s direction', () => {
    expect(setvalArgs({ lastValue: '42', isCalled: true }, shape, 0)).toEqual({ value: '42', isCalled: true, clamped: false });
    expect(setvalArgs({ lastValue: '1', isCalled: false }, shape, 100)).toEqual({ value: '101', isCalled: false, clamped: false });
    expect(setvalArgs({ lastValue: '-5', isCalled: true }, { increment: '-1', min: '-100', max: '-1' }, 10)).toEqual({ value: '-15', isCalled: true, clamped: false });
  });

  it('stays exact past 2^53 and within the target\'s bounds', () => {
    expect(setvalArgs({ lastValue: '9007199254740993', isCalled: true }, shape, 1).value).toBe('9007199254740994');
    expect(setvalArgs({ lastValue: '9223372036854775800', isCalled: true }, shape, 100)).toEqual({ value: '9223372036854775807', isCalled: true, clamped: true });
    expect(setvalArgs({ lastValue: '-95', isCalled: true }, { increment: '-1', min: '-100', max: '-1' }, 10)).toEqual({ value: '-100', isCalled: true, clamped: true });
  });
});

describe('fenceProblems', () => {
  const actor: FenceActor = { name: 'pgrepl', superuser: false, createrole: true, signalBackend: true, serverVersionNum: 150000 };
  const role: FenceRoleFacts = { name: 'app', exists: true, superuser: false, canLogin: true, readOnly: null, adminOption: false, member: false };
  it('accepts CREATEROLE + pg_signal_backend before 16, and a superuser always', () => {
    expect(fenceProblems(actor, [role])).toEqual([]);
    expect(fenceProblems({ ...actor, superuser: true, createrole: false, signalBackend: false }, [{ ...role, superuser: true }])).toEqual([]);
  });

  it('names the role, the missing right and the statement', () => {
    expect(fenceProblems({ ...actor, createrole: false, signalBackend: false }, [role, { ...role, name: 'Web App', exists: false }])).toEqual([
      'role pgrepl may not ALTER ROLE app: it lacks CREATEROLE; as a superuser run: ALTER ROLE pgrepl CREATEROLE',
      'role pgrepl may not end the sessions of app (pg_terminate_backend): it is neither a member of app nor of pg_signal_backend; run: GRANT pg_signal_backend TO pgrepl',
      'fence role "Web App" does not exist on the source (cutover.fence_roles names the roles whose writes to stop)',
    ]);
    expect(fenceProblems({ ...actor, serverVersionNum: 170000 }, [{ ...role, name: 'Web App' }])).toEqual([
      'role pgrepl may not ALTER ROLE "Web App": on PostgreSQL 16+ CREATEROLE needs ADMIN OPTION on the role; run: GRANT "Web App" TO pgrepl WITH ADMIN OPTION',
    ]);
    expect(fenceProblems(actor, [{ ...role, superuser: true }])[0]).toMatch(/app is a superuser/);
    expect(fenceProblems(actor, [{ ...role, name: 'pgrepl' }])[0]).toMatch(/role pgrepl connects to the source as/);
  });
});

describe('fence and handoff statements', () => {
  it('fences and puts back what was there', () => {
    expect(fenceStatement('nologin', 'app')).toBe('ALTER ROLE app NOLOGIN');
    expect(fenceStatement('read-only', 'Web App')).toBe('ALTER ROLE "Web App" SET default_transaction_read_only = on');
    expect(undoStatements('nologin', 'app', { login: true, read_only: null })).toEqual(['ALTER ROLE app LOGIN']);
    expect(undoStatements('nologin', 'app', { login: false, read_only: null })).toEqual([]);
    expect(undoStatements('read-only', 'app', { login: true, read_only: null })).toEqual(['ALTER ROLE app RESET default_transaction_read_only']);
    expect(undoStatements('read-only', 'app', { login: true, read_only: 'off' })).toEqual(["ALTER ROLE app SET default_transaction_read_only = 'off'"]);
  });

  it('drops a subscription without contacting the source', () => {
    expect([disableSql('s'), detachSql('s'), dropSubscriptionSql('s')]).toEqual([
      'ALTER SUBSCRIPTION s DISABLE',
      'ALTER SUBSCRIPTION s SET (slot_name = NONE)',
      'DROP SUBSCRIPTION IF EXISTS s',
    ]);
  });
});

describe('cutoverConsent', () => {
  it('goes ahead with --auto-approve, asks at a terminal, refuses otherwise', () => {
    expect(cutoverConsent(true, false)).toEqual({ kind: 'proceed' });
    expect(cutoverConsent(false, true)).toEqual({ kind: 'ask' });
    expect(cutoverConsent(false, false)).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/--auto-approve/) as unknown });
  });
});

describe('the state record', () => {
  it('round-trips and leaves the other attributes alone', () => {
    const record: CutoverRecord = {
      fence: { mode: 'nologin', roles: [{ name: 'app', previous: { login: true, read_only: 'off' } }], at: '2026-01-01T00:00:00.000Z' },
      lsn: '0/16B3748', caught_up_at: 'x', sequences_set_at: null, after_done: null,
    };
    const attributes = withCutoverRecord({ name: 's', enabled: true }, record);
    expect(attributes['name']).toBe('s');
    expect(readCutoverRecord(attributes)).toEqual(record);
    expect(readCutoverRecord({ name: 's' })).toEqual(EMPTY_RECORD);
  });
});

describe('cutoverTargets', () => {
  const spec = {
    databases: [{ key: 'shop', sync: true }, { key: 'logs', sync: false }],
    selection: null,
  } as unknown as Spec;
  const at = '2026-01-01T00:00:00.000Z';
  const base: StateDocument = { version: 1, lineage: 'l', serial: 3, pgrepl_version: 't', spec: null, resources: [], history: [] };
  const withRecords: StateDocument = {
    ...base,
    resources: [
      { address: 'source.slot.shop', kind: 'slot', attributes: { name: 'pgrepl_shop_1', database: 'shop' }, updated_at: at },
      { address: 'target.subscription.shop', kind: 'subscription', attributes: { name: 'pgrepl_shop_1', database: 'shop2' }, updated_at: at },
    ],
  };

  it('finds the slot and subscription of each sync database', () => {
    const { targets, dropped } = cutoverTargets(spec, withRecords);
    expect(dropped).toEqual([]);
    expect(targets.map((t) => [t.key, t.slot, t.subscription])).toEqual([['shop', { name: 'pgrepl_shop_1', database: 'shop' }, { name: 'pgrepl_shop_1', database: 'shop2' }]]);
  });

  it('refuses a sync database without records', () => {
    expect(() => cutoverTargets(spec, null)).toThrow(/replication is not set up for this database: shop \(no source.slot.shop and no target.subscription.shop in the state\)/);
    expect(() => cutoverTargets(spec, { ...base, resources: withRecords.resources.slice(0, 1) })).toThrow(/no target.subscription.shop/);
  });

  it('knows a database whose subscription a cutover dropped, and the fence it left', () => {
    const fence = { mode: 'nologin' as const, roles: [{ name: 'app', previous: { login: true, read_only: null } }], at };
    const dropped: StateDocument = { ...base, history: [{ serial: 2, at, command: 'cutover', summary: droppedSummary('shop', fence) }] };
    expect(cutoverTargets(spec, dropped).dropped).toEqual([{ key: 'shop', at, fence }]);
    const undone: StateDocument = { ...dropped, history: [...dropped.history, { serial: 3, at, command: 'cutover', summary: fenceUndoneSummary('shop') }] };
    expect(cutoverTargets(spec, undone).dropped).toEqual([{ key: 'shop', at, fence: null }]);
  });
});
