// Planning `target.largeobjects.<db>` (large_objects: true): the step alone (planLargeObjectsStep), then through the
// whole planner (a stale record forgotten, plan --destroy unlinking only what pgrepl made), the plan file's check of
// the 'large-objects' operation and its lines in the rendered plan. Consent is the point: only oids the state says
// pgrepl made are unlinked without a destructive step.
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/apply/schedule.js';
import { largeObjectsCopied, largeObjectsCopying, recordStep } from '../../src/apply/state-records.js';
import type { ActualState, DatabaseActual, LargeObjectFacts, Throughput } from '../../src/introspect/types.js';
import { largeObjectsAddress } from '../../src/model/address.js';
import type { OidRange } from '../../src/model/oid-ranges.js';
import type { RoleInfo } from '../../src/model/schema.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parsePlanJson, planToJson, PlanFormatError } from '../../src/plan/plan-json.js';
import { planLargeObjectsStep, type LargeObjectsPlanInput } from '../../src/plan/planner/large-objects-step.js';
import { largeObjectsRecord } from '../../src/plan/planner/state-records.js';
import type { LargeObjectsRecord } from '../../src/plan/planner/types.js';
import type { LargeObjectsOperation, Plan, PlanStep } from '../../src/plan/types.js';
import { renderPlanText } from '../../src/render/render-plan.js';
import type { DatabaseSpec } from '../../src/spec/model.js';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';
import { emptyState, findResource } from '../../src/state/state-edits.js';
import { ADDR, convergedActual, freshActual, plan, sourceModel, specText, stateAfter } from './planner-fixtures.js';

const ADDRESS = largeObjectsAddress('shop');

function dbSpec(block = 'shop: { sync: false, large_objects: true }'): DatabaseSpec {
  const db = specText(block).databases[0];
  if (db === undefined) throw new Error('no database in the spec');
  return db;
}

function facts(ranges: readonly OidRange[], extra: Partial<LargeObjectFacts> = {}): LargeObjectFacts {
  const count = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  return { count, ranges, bytes: 3_000_000, roles: [], unreadable: { count: 0, sample: [] }, ...extra };
}

function record(status: 'copied' | 'copying', oids: readonly OidRange[], targetDatabase = 'shop'): LargeObjectsRecord {
  return status === 'copied'
    ? { target_database: targetDatabase, status, oids, snapshot: '00000003-00000002-1', count: 3, bytes: 3000, seconds: 0.2, copied_at: '2026-11-26T09:00:01.000Z' }
    : { target_database: targetDatabase, status, oids, snapshot: null, count: null, bytes: null, seconds: null, copied_at: null };
}

const RATE: Throughput = { bytesPerSecond: 1_000_000, basis: 'measured by the last apply' };
const SOURCE = facts([[16401, 16403]]);

function input(extra: Partial<LargeObjectsPlanInput> = {}): LargeObjectsPlanInput {
  return { db: dbSpec(), facts: SOURCE, target: [], record: null, recopy: false, throughput: RATE, sourceRole: 'repl', ...extra };
}

const opOf = (step: Omit<PlanStep, 'index'> | null | undefined): LargeObjectsOperation | undefined =>
  step?.operations.find((o): o is LargeObjectsOperation => o.type === 'large-objects');

describe('planLargeObjectsStep', () => {
  it('plans nothing and wants nothing when large_objects is off, whatever the source holds', () => {
    expect(planLargeObjectsStep(input({ db: dbSpec('shop: { sync: false }') }))).toEqual({ step: null, diagnostics: [], desired: false });
    expect(planLargeObjectsStep(input({ db: dbSpec('shop: { sync: false, large_objects: false }'), record: record('copied', [[16401, 16403]]) })))
      .toEqual({ step: null, diagnostics: [], desired: false });
  });

  it('plans nothing when the source database is missing (no facts)', () => {
    expect(planLargeObjectsStep(input({ facts: undefined }))).toEqual({ step: null, diagnostics: [], desired: false });
  });

  it('plans nothing for a source without large objects and no record', () => {
    expect(planLargeObjectsStep(input({ facts: facts([]) }))).toEqual({ step: null, diagnostics: [], desired: false });
  });

  it('copies on first sight: a non-destructive create with nothing to unlink and the estimate from the copy rate', () => {
    const r = planLargeObjectsStep(input({ facts: facts([[16401, 16403]], { bytes: 1_234_567 }) }));
    expect(r.desired).toBe(true);
    expect(r.diagnostics).toEqual([]);
    expect(r.step).toEqual({
      address: 'target.largeobjects.shop', action: 'create', destructive: false, reason: '3 large object(s) of database shop not copied yet',
      before: null, after: { target_database: 'shop' }, sqlPreview: [],
      operations: [{ type: 'large-objects', unlink: [], copy: true, roles: 'copy', estimate: { rows: 3, bytes: 1_234_567, seconds: 1.2 } }],
    });
  });

  it('leaves the time unknown without a copy rate, and carries roles: skip', () => {
    const r = planLargeObjectsStep(input({ db: dbSpec('shop: { sync: false, large_objects: true, roles: skip }'), throughput: null }));
    expect(opOf(r.step)).toMatchObject({ roles: 'skip', estimate: { rows: 3, bytes: 3_000_000, seconds: null } });
    expect(opOf(planLargeObjectsStep(input({ throughput: { bytesPerSecond: 0, basis: 'x' } })).step)?.estimate.seconds).toBeNull();
  });

  it('plans nothing once copied and every recorded oid is still on the target, and still wants the record', () => {
    const rec = record('copied', [[16401, 16403]]);
    expect(planLargeObjectsStep(input({ record: rec, target: [[16401, 16403]] }))).toEqual({ step: null, diagnostics: [], desired: true });
    // Other target objects that are not the source's do not matter.
    expect(planLargeObjectsStep(input({ record: rec, target: [[100, 200], [16401, 16403], [20000, 20000]] })).step).toBeNull();
  });

  it('resumes an interrupted copy: unlinks the recorded oids still on the target (its own), without consent', () => {
    const r = planLargeObjectsStep(input({ record: record('copying', [[16401, 16403]]), target: [[16401, 16402], [16600, 16600]] }));
    expect(r.step).toMatchObject({ action: 'create', destructive: false, before: { target_database: 'shop' }, after: { target_database: 'shop' } });
    expect(r.step?.reason).toBe('the copy of the large objects of shop was interrupted: those pgrepl made are unlinked and all 3 copied again');
    expect(opOf(r.step)?.unlink).toEqual([[16401, 16402]]);
    expect(opOf(r.step)?.copy).toBe(true);
  });

  it('--no-resume (recopy) replaces, destructively when some of its objects are on the target', () => {
    const rec = record('copied', [[16401, 16403]]);
    const r = planLargeObjectsStep(input({ record: rec, target: [[16401, 16403]], recopy: true }));
    expect(r.step).toMatchObject({ action: 'replace', destructive: true });
    expect(r.step?.reason).toBe('--no-resume: the large objects copied earlier are unlinked and copied again from the start');
    expect(opOf(r.step)?.unlink).toEqual([[16401, 16403]]);
    const gone = planLargeObjectsStep(input({ record: rec, target: [], recopy: true }));
    expect(gone.step).toMatchObject({ action: 'replace', destructive: false });
    expect(opOf(gone.step)?.unlink).toEqual([]);
  });

  it('--replace of the large objects unlinks those pgrepl copied and copies them again (destructive when on the target)', () => {
    const rec = record('copied', [[16401, 16403]]);
    const r = planLargeObjectsStep(input({ record: rec, target: [[16401, 16403]], replace: true }));
    expect(r.step).toMatchObject({ action: 'replace', destructive: true, reason: '--replace: the large objects copied earlier are unlinked and copied again' });
    expect(opOf(r.step)?.unlink).toEqual([[16401, 16403]]);
    expect(planLargeObjectsStep(input({ record: rec, target: [[16401, 16403]] })).step).toBeNull();
  });

  it('copies again when some recorded objects are gone from the target, unlinking the rest', () => {
    const r = planLargeObjectsStep(input({ record: record('copied', [[16401, 16403]]), target: [[16401, 16401], [16403, 16403]] }));
    expect(r.step).toMatchObject({ action: 'replace', destructive: false });
    expect(r.step?.reason).toBe('1 of the 3 large objects pgrepl copied are gone from the target: all are copied again');
    expect(opOf(r.step)?.unlink).toEqual([[16401, 16401], [16403, 16403]]);
  });

  it('copies into a renamed target database without unlinking anything there as its own', () => {
    const db = dbSpec('shop: { sync: false, large_objects: true, target_database: shop_v2 }');
    const rec = record('copied', [[16401, 16403]], 'shop');
    const r = planLargeObjectsStep(input({ db, record: rec, target: [] }));
    expect(r.step).toMatchObject({
      action: 'create', destructive: false, reason: 'the target database changed: shop -> shop_v2',
      before: { target_database: 'shop' }, after: { target_database: 'shop_v2' },
    });
    expect(opOf(r.step)?.unlink).toEqual([]);
    // The same oids in the new database were not made there by pgrepl: they are in the way (consent).
    const clash = planLargeObjectsStep(input({ db, record: rec, target: [[16401, 16401]] }));
    expect(clash.step).toMatchObject({ action: 'replace', destructive: true });
    expect(clash.step?.reason).toContain('the target database shop_v2 holds 1 large object(s) pgrepl did not copy with the oids of source ones (16401)');
  });

  it('needs consent for target objects pgrepl did not make that have source oids', () => {
    const r = planLargeObjectsStep(input({ target: [[16402, 16402], [16500, 16500]] }));
    expect(r.step).toMatchObject({ action: 'replace', destructive: true });
    expect(opOf(r.step)?.unlink).toEqual([[16402, 16402]]);
    expect(r.step?.reason).toBe(
      '3 large object(s) of database shop not copied yet; the target database shop holds 1 large object(s) pgrepl did not copy with the oids of source ones (16402): they are unlinked and replaced by the source\'s',
    );
  });

  it('unlinks its own leftovers and the objects in the way together, and names at most five oids', () => {
    const src = facts([[16401, 16420]]);
    const r = planLargeObjectsStep(input({ facts: src, record: record('copying', [[16401, 16402]]), target: [[16401, 16410]] }));
    expect(r.step).toMatchObject({ action: 'replace', destructive: true });
    expect(opOf(r.step)?.unlink).toEqual([[16401, 16410]]);
    expect(r.step?.reason).toContain('holds 8 large object(s) pgrepl did not copy with the oids of source ones (16403, 16404, 16405, 16406, 16407, …)');
  });

  it('copies into a target database that does not exist yet with nothing to unlink', () => {
    const r = planLargeObjectsStep(input({ target: null }));
    expect(r.step).toMatchObject({ action: 'create', destructive: false });
    expect(opOf(r.step)?.unlink).toEqual([]);
    const again = planLargeObjectsStep(input({ target: null, record: record('copied', [[16401, 16403]]) }));
    expect(again.step).toMatchObject({ action: 'replace', destructive: false, reason: 'target database shop is made again, so the large objects are copied again' });
    expect(opOf(again.step)?.unlink).toEqual([]);
  });

  it('refuses large objects the source role may not read, with a GRANT per sample oid naming the role', () => {
    const src = facts([[16401, 16410]], { unreadable: { count: 7, sample: [16402, 16405] } });
    const r = planLargeObjectsStep(input({ facts: src, sourceRole: 'Repl User' }));
    expect(r.diagnostics).toEqual([{
      severity: 'error',
      message: 'database shop: the source role Repl User may not read 7 of the 10 large objects (e.g. oid 16402, 16405), so they cannot be copied',
      hints: [
        'GRANT SELECT ON LARGE OBJECT 16402 TO "Repl User";',
        'GRANT SELECT ON LARGE OBJECT 16405 TO "Repl User";',
        '(one GRANT per large object; or connect to the source as their owner or a superuser)',
      ],
    }]);
    // Also when nothing else is to be done.
    const done = planLargeObjectsStep(input({ facts: src, record: record('copied', [[16401, 16410]]), target: [[16401, 16410]] }));
    expect(done.step).toBeNull();
    expect(done.diagnostics.map((d) => d.severity)).toEqual(['error']);
  });
});

// ---- through the whole planner ----

const LO_SPEC = 'shop: { sync: false, large_objects: true }';

function withLargeObjects(actual: ActualState, source: LargeObjectFacts | undefined, target: readonly OidRange[] | undefined): ActualState {
  const databases = actual.databases.map((d): DatabaseActual => ({
    ...d,
    source: d.source === null ? null : { ...d.source, largeObjects: source?.count ?? 0, ...(source === undefined ? {} : { largeObjectFacts: source }) },
    target: d.target === null || target === undefined ? d.target : { ...d.target, largeObjects: target },
  }));
  return { ...actual, databases };
}

function withRecord(state: StateDocument, rec: LargeObjectsRecord): StateDocument {
  const r: StateResource = { address: ADDRESS, kind: 'largeobjects', attributes: rec as unknown as StateResource['attributes'], updated_at: '2026-11-26T09:00:01.000Z' };
  return { ...state, resources: [...state.resources, r].sort((a, b) => (a.address < b.address ? -1 : 1)) };
}

const step = (p: Plan, address = ADDRESS): PlanStep | undefined => p.steps.find((s) => s.address === address);

describe('the planner with large objects', () => {
  it('plans the copy with the tables on a fresh target, creating the roles the objects name', () => {
    const carol: RoleInfo = {
      name: 'carol', superuser: false, createdb: false, createrole: false, inherit: true, login: true, replication: false, bypassrls: false,
      connectionLimit: -1, validUntil: null, memberOf: [], settings: [],
    };
    const p = plan(specText(LO_SPEC), withLargeObjects(freshActual(), facts([[16401, 16403]], { roles: [carol] }), undefined), null);
    expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(step(p)).toMatchObject({ action: 'create', destructive: false });
    expect(opOf(step(p))).toMatchObject({ unlink: [], copy: true, roles: 'copy', estimate: { rows: 3, bytes: 3_000_000 } });
    expect(p.steps.map((s) => s.address)).toContain('target.role.carol');
  });

  it('forgets a recorded copy when large_objects is turned off, without touching the objects', () => {
    const actual = withLargeObjects(convergedActual(), facts([[16401, 16403]]), [[16401, 16403]]);
    const state = withRecord(stateAfter(plan(specText(), freshActual(), null), actual), record('copied', [[16401, 16403]]));
    const off = plan(specText(), actual, state);
    expect(step(off)).toMatchObject({ action: 'delete', destructive: false, operations: [], after: null });
    expect(step(off)?.reason).toContain('large_objects is off');
    // With large_objects on the same state plans nothing for them: the record is wanted.
    const on = plan(specText(LO_SPEC), actual, state);
    expect(step(on)).toBeUndefined();
  });

  it('plan --destroy unlinks the recorded oids still on the target of a database pgrepl did not create', () => {
    const actual = withLargeObjects(convergedActual(sourceModel(), false), facts([[16401, 16403]]), [[16401, 16402], [16500, 16500]]);
    const state = withRecord(stateAfter(plan(specText(), actual, null), actual), record('copied', [[16401, 16403]]));
    const p = plan(specText(LO_SPEC), actual, state, { destroy: true });
    expect(step(p)).toMatchObject({ action: 'delete', destructive: true, after: null, reason: 'the 2 large object(s) pgrepl copied are unlinked' });
    expect(step(p)?.operations).toEqual([{ type: 'large-objects', copy: false, unlink: [[16401, 16402]], roles: 'skip', estimate: { rows: 2, bytes: 0, seconds: null } }]);
    expect(p.databases).toContainEqual({ key: 'shop', target: 'shop' });
    // The database itself stays.
    expect(step(p, ADDR.db)).toMatchObject({ action: 'delete', destructive: false, operations: [] });
  });

  it('plan --destroy unlinks nothing when the recorded objects are already gone', () => {
    const actual = withLargeObjects(convergedActual(sourceModel(), false), facts([[16401, 16403]]), [[16500, 16500]]);
    const state = withRecord(stateAfter(plan(specText(), actual, null), actual), record('copied', [[16401, 16403]]));
    const p = plan(specText(LO_SPEC), actual, state, { destroy: true });
    expect(step(p)).toMatchObject({ action: 'delete', destructive: false, operations: [], reason: 'the large objects pgrepl copied are already gone' });
  });

  it('plan --destroy after the spec renamed the target database: the copy in the old one is forgotten, never unlinked elsewhere', () => {
    const actual = withLargeObjects(convergedActual(sourceModel(), false), facts([[16401, 16403]]), [[16401, 16403]]);
    const state = withRecord(stateAfter(plan(specText(), actual, null), actual), { ...record('copied', [[16401, 16403]]), target_database: 'shop_old' });
    const withOld = { ...actual, target: { ...actual.target, databases: [...actual.target.databases, { ...(actual.target.databases[0] as ActualState['target']['databases'][number]), name: 'shop_old' }] } };
    const p = plan(specText(LO_SPEC), withOld, state, { destroy: true });
    expect(step(p)).toMatchObject({ action: 'delete', destructive: false, operations: [] });
    expect(step(p)?.reason).toBe('the spec names another target database now: pgrepl forgets the large objects it copied into shop_old and leaves them there');
  });

  it('plan --destroy has no large object operation in a database pgrepl created (it is dropped)', () => {
    const first = plan(specText(), freshActual(), null);
    const actual = withLargeObjects(convergedActual(), facts([[16401, 16403]]), [[16401, 16403]]);
    const state = withRecord(stateAfter(first, actual), record('copied', [[16401, 16403]]));
    const p = plan(specText(LO_SPEC), actual, state, { destroy: true });
    expect(step(p, ADDR.db)).toMatchObject({ action: 'delete', destructive: true, sqlPreview: ['DROP DATABASE shop'] });
    expect(step(p)).toMatchObject({ action: 'delete', destructive: false, operations: [], reason: 'database shop is dropped with everything in it' });
  });
});

// ---- plan file and rendering ----

const NOW = new Date('2026-11-26T10:00:00.000Z');
const BASIS = { spec: { path: 'pgrepl.yaml', hash: 'sha256:5f1c' }, state: { lineage: '7d0e4c1a-2b9f-4e55-9a3c-0c6f1e2d8b77', serial: 4 }, actual: 'sha256:0a1b2c' } as const;

function loPlan(ops: { copy: LargeObjectsOperation; destroy: LargeObjectsOperation }): Plan {
  return buildPlan({
    lineage: '7d0c1f7e-0000-4000-8000-000000000000', basedOn: BASIS, now: NOW, diagnostics: [],
    steps: [
      { address: ADDRESS, action: 'replace', destructive: true, reason: 'r', before: { target_database: 'shop' }, after: { target_database: 'shop' }, sqlPreview: [], operations: [ops.copy] },
      { address: largeObjectsAddress('crm'), action: 'delete', destructive: true, reason: 'd', before: { target_database: 'crm' }, after: null, sqlPreview: [], operations: [ops.destroy] },
    ],
  });
}

const COPY: LargeObjectsOperation = {
  type: 'large-objects', unlink: [[16401, 16402], [16410, 16410]], copy: true, roles: 'copy', estimate: { rows: 1_234, bytes: 3 * 1024 * 1024, seconds: 75 },
};
const DESTROY: LargeObjectsOperation = {
  type: 'large-objects', unlink: [[1, 1], [3, 3], [5, 5], [7, 9], [11, 11], [13, 13]], copy: false, roles: 'skip', estimate: { rows: 8, bytes: 0, seconds: null },
};

describe('the large-objects operation in the plan file', () => {
  it('round-trips through planToJson / parsePlanJson', () => {
    const p = loPlan({ copy: COPY, destroy: DESTROY });
    const text = planToJson(p);
    const back = parsePlanJson(text);
    expect(back.steps.map((s) => s.operations)).toEqual([[COPY], [DESTROY]]);
    expect(planToJson(back)).toBe(text);
  });

  const mutated = (f: (op: Record<string, unknown>) => void): string => {
    const p = JSON.parse(planToJson(loPlan({ copy: COPY, destroy: DESTROY }))) as { steps: { operations: Record<string, unknown>[] }[] };
    const op = p.steps[1]?.operations[0];
    if (op === undefined) throw new Error('no operation');
    f(op);
    return JSON.stringify(p);
  };

  it.each([
    ['a range with first > last', [[9, 7]]],
    ['an oid above 4294967295', [[1, 4_294_967_296]]],
    ['a bare oid', [16401]],
    ['not a list', '16401-16403'],
    ['missing', undefined],
  ])('refuses an unlink that is %s, naming the path', (_, unlink) => {
    const text = mutated((op) => { op.unlink = unlink; });
    expect(() => parsePlanJson(text)).toThrow(PlanFormatError);
    expect(() => parsePlanJson(text)).toThrow('steps[1].operations[0].unlink must be a list of [first, last] oid ranges');
  });

  it('refuses a bad copy flag, roles or estimate', () => {
    expect(() => parsePlanJson(mutated((op) => { op.copy = 'yes'; }))).toThrow(/steps\[1\]\.operations\[0\]\.copy/);
    expect(() => parsePlanJson(mutated((op) => { op.roles = 'all'; }))).toThrow(/steps\[1\]\.operations\[0\]\.roles/);
    expect(() => parsePlanJson(mutated((op) => { (op.estimate as Record<string, unknown>).rows = -1; }))).toThrow(/steps\[1\]\.operations\[0\]\.estimate\.rows/);
  });
});

describe('renderPlanText with large objects', () => {
  const text = renderPlanText(loPlan({ copy: COPY, destroy: DESTROY }), { color: false });
  const lines = text.split('\n').map((l) => l.trim());

  it('shows the count, size and time of a copy, how owners go, and what is unlinked first', () => {
    expect(lines).toContain('large objects: 1,234, 3 MB, ~1 min 15 s');
    expect(lines).toContain('same oids as on the source, owners and grants as on the source');
    expect(lines).toContain('unlinked first: 3 large object(s), oids 16401-16402, 16410');
  });

  it('shows only the unlinked line for destroy, with at most five ranges', () => {
    expect(lines).toContain('unlinked: 8 large object(s), oids 1, 3, 5, 7-9, 11, …');
    expect(lines.filter((l) => l.startsWith('large objects:'))).toHaveLength(1);
  });

  it('says so for roles: skip and an unknown rate', () => {
    const skip = renderPlanText(loPlan({ copy: { ...COPY, roles: 'skip', unlink: [], estimate: { rows: 2, bytes: 500, seconds: null } }, destroy: DESTROY }), { color: false });
    const l = skip.split('\n').map((x) => x.trim());
    expect(l).toContain('large objects: 2, 500 B, time unknown (no copy rate measured yet)');
    expect(l).toContain('same oids as on the source, owned by the target role, no grants (roles: skip)');
    expect(l.some((x) => x.startsWith('unlinked first'))).toBe(false);
  });
});

// ---- what apply records and schedules ----

describe('apply: the large objects record and schedule', () => {
  const AT = '2026-11-26T12:00:00.000Z';
  const loStep = (index: number, address: string, op: LargeObjectsOperation, action: PlanStep['action'] = 'create'): PlanStep => ({
    index, address, action, reason: '', destructive: false, before: null, after: action === 'delete' ? null : { target_database: 'shop2' }, operations: [op], sqlPreview: [],
  });
  const base = (): StateDocument => emptyState({ pgreplVersion: 'test', lineage: '2f6c1c8e-8d51-4a53-9a43-0a4f1e6b2c11' });

  it('records copying with every oid, then copied with the runtime, in a shape the planner reads back', () => {
    const s = loStep(3, ADDRESS, COPY);
    let state = largeObjectsCopying(base(), s, [[16401, 16403], [16410, 16410]], AT);
    const copying = findResource(state, ADDRESS);
    expect(copying?.kind).toBe('largeobjects');
    expect(copying?.attributes).toEqual({
      target_database: 'shop2', status: 'copying', oids: [[16401, 16403], [16410, 16410]], snapshot: null, count: null, bytes: null, seconds: null, copied_at: null,
    });
    expect(largeObjectsRecord(copying)).toEqual(copying?.attributes);

    state = largeObjectsCopied(state, s, { oids: [[16401, 16403], [16410, 16410]], snapshot: '00000003-0000001B-1', count: 4, bytes: 4096, seconds: 1.23456 }, AT);
    const copied = findResource(state, ADDRESS);
    expect(copied?.attributes).toEqual({
      target_database: 'shop2', status: 'copied', oids: [[16401, 16403], [16410, 16410]], snapshot: '00000003-0000001B-1', count: 4, bytes: 4096, seconds: 1.235, copied_at: AT,
    });
    expect(largeObjectsRecord(copied)).toMatchObject({ status: 'copied', target_database: 'shop2', oids: [[16401, 16403], [16410, 16410]] });
    // Finishing the step records nothing over it; its delete forgets it.
    expect(recordStep(state, s, AT)).toEqual(state);
    expect(findResource(recordStep(state, loStep(4, ADDRESS, DESTROY, 'delete'), AT), ADDRESS)).toBeUndefined();
  });

  it('the planner ignores a record whose oids or status are malformed', () => {
    const r = (attributes: object): StateResource => ({ address: ADDRESS, kind: 'largeobjects', attributes: attributes as StateResource['attributes'], updated_at: AT });
    const good = { target_database: 'shop', status: 'copied', oids: [[1, 2]] };
    expect(largeObjectsRecord(r(good))).not.toBeNull();
    expect(largeObjectsRecord(r({ ...good, oids: [[2, 1]] }))).toBeNull();
    expect(largeObjectsRecord(r({ ...good, status: 'done' }))).toBeNull();
    expect(largeObjectsRecord(r({ ...good, target_database: 7 }))).toBeNull();
    expect(largeObjectsRecord({ ...r(good), kind: 'rows' })).toBeNull();
    expect(largeObjectsRecord(undefined)).toBeNull();
  });

  it('schedules the operation in its database\'s data phase, once per database', () => {
    const mk = (steps: Omit<PlanStep, 'index'>[]): Plan => buildPlan({
      lineage: '7d0c1f7e-0000-4000-8000-000000000000', basedOn: { spec: null, state: null, actual: 'x' }, diagnostics: [], now: new Date(0),
      databases: [{ key: 'crm', target: 'crm' }, { key: 'shop', target: 'shop2' }], steps,
    });
    const { index: _, ...s } = loStep(0, ADDRESS, COPY);
    const p = mk([s]);
    const schedule = buildSchedule(p);
    const shop = schedule.databases[1];
    expect(shop?.largeObjects?.op).toEqual(COPY);
    expect(shop?.largeObjects?.step.index).toBe(1);
    expect(shop?.dataSteps).toEqual([]);
    expect(schedule.databases[0]?.largeObjects).toBeNull();
    expect(schedule.finishAt.get(1)).toEqual({ at: 'database', database: 1, phase: 'data' });
    expect(() => buildSchedule(mk([s, { ...s, address: ADDRESS }]))).toThrow('plan step 2 (target.largeobjects.shop) copies large objects a second time for one database');
  });
});
