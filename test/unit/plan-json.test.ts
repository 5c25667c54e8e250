import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parsePlanJson, planToJson, PlanFormatError } from '../../src/plan/plan-json.js';
import { summarise } from '../../src/plan/summarise.js';
import { emptyPlan, everyActionPlan } from './plan-fixtures.js';

const mutate = (f: (p: Record<string, unknown> & { steps: Record<string, unknown>[] }) => void): string => {
  const p = JSON.parse(planToJson(everyActionPlan())) as Record<string, unknown> & { steps: Record<string, unknown>[] };
  f(p);
  return JSON.stringify(p);
};

describe('plan JSON', () => {
  it('round-trips, with format_version, numbered steps and a summary that counts a replace as add + destroy', () => {
    const plan = everyActionPlan();
    const text = planToJson(plan);
    const back = parsePlanJson(text);
    expect(back.format_version).toBe('1');
    expect(back.steps.map((s) => s.index)).toEqual(plan.steps.map((_, i) => i + 1));
    expect(back.summary).toEqual({ add: 7, change: 1, destroy: 3 });
    expect(planToJson(back)).toBe(text);
    expect(parsePlanJson(planToJson(emptyPlan())).summary).toEqual({ add: 0, change: 0, destroy: 0 });
  });

  it('writes the keys of the plan and of each step in one fixed order whatever order the object was built in', () => {
    const plan = everyActionPlan();
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const shuffled = reversed({ ...plan, steps: plan.steps.map(reversed) });
    expect(Object.keys(shuffled)[0]).not.toBe('format_version');
    expect(planToJson(shuffled)).toBe(planToJson(plan));
  });

  it('summarise counts per ACTION_INFO', () => {
    expect(summarise([{ action: 'create' }, { action: 'update' }, { action: 'replace' }, { action: 'delete' }])).toEqual({ add: 2, change: 1, destroy: 2 });
  });

  it('never writes a password, whoever built the plan', () => {
    const plan = everyActionPlan();
    expect(JSON.stringify(plan)).toContain('hunter2');
    const text = planToJson(plan);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=<redacted>');
    const withSqlSecret = buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
      basedOn: plan.basedOn, now: new Date(0), diagnostics: [],
      steps: [{ ...plan.steps[0]!, operations: [{ type: 'sql', side: 'target', stage: 'pre-data', order: 0, statements: [{ sql: "ALTER SUBSCRIPTION s CONNECTION 'password=hunter2'", transactional: true, phase: 'pre-data', object: 'x' }] }] }],
    });
    expect(planToJson(withSqlSecret)).not.toContain('hunter2');
  });

  it.each([
    ['{', /not JSON/],
    ['[]', /the plan must be an object/],
    ['{}', /format_version is missing/],
    [mutate((p) => { p.format_version = '2'; }), /format_version "2" is not known to this pgrepl \(it reads "1"\)/],
    [mutate((p) => { p.steps[2]!.action = 'rename'; }), /steps\[2\]\.action must be one of "create", "update", "replace", "delete", not "rename"/],
    [mutate((p) => { p.steps[1]!.index = 7; }), /steps\[1\]\.index must be 2, found 7/],
    [mutate((p) => { (p.steps[5]!.operations as Record<string, unknown>[])[0]!.type = 'teleport'; }), /steps\[5\]\.operations\[0\]\.type must be one of/],
    [mutate((p) => { ((p.steps[5]!.operations as Record<string, unknown>[])[0]!.estimate as Record<string, unknown>).rows = -1; }), /steps\[5\]\.operations\[0\]\.estimate\.rows must be a non-negative number/],
    [mutate((p) => { p.summary = { add: 0, change: 0, destroy: 0 }; }), /summary .* does not match its steps/],
    [mutate((p) => { delete p.steps[0]!.before; }), /steps\[0\] must have before and after/],
    [mutate((p) => { (p.basedOn as Record<string, unknown>).actual = 3; }), /basedOn\.actual must be a string/],
    [mutate((p) => { (p.diagnostics as Record<string, unknown>[])[0]!.severity = 'info'; }), /diagnostics\[0\]\.severity must be one of "error", "warning"/],
  ])('refuses a malformed plan (%#)', (text, message) => {
    expect(() => parsePlanJson(text)).toThrow(PlanFormatError);
    expect(() => parsePlanJson(text)).toThrow(message);
  });
});
