// Consent before apply (CONTRACTS.md, Consent) as a pure decision: every combination of saved plan, --auto-approve,
// --allow-destroy, destructive steps and terminal; and the question's wording (Terraform's, destructive steps named).
import { describe, expect, it } from 'vitest';
import { confirmationText, consentDecision, type ConsentFlags } from '../../src/cli/confirm.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Plan, PlanStep } from '../../src/plan/types.js';

function plan(destructive: readonly string[], safe: readonly string[] = ['target.role.app']): Plan {
  const step = (address: string, d: boolean): Omit<PlanStep, 'index'> => ({
    address, action: d ? 'replace' : 'create', reason: '', destructive: d, before: d ? {} : null, after: {}, operations: [], sqlPreview: [],
  });
  return buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
    basedOn: { spec: null, state: null, actual: 'sha256:0' }, now: new Date('2026-11-26T10:00:00Z'), diagnostics: [],
    steps: [...safe.map((a) => step(a, false)), ...destructive.map((a) => step(a, true))],
  });
}

const flags = (f: Partial<ConsentFlags> = {}): ConsentFlags => ({ autoApprove: false, allowDestroy: false, savedPlan: false, ...f });
const DESTRUCTIVE = ['target.rows.shop.public.orders', 'target.database.shop'];

describe('consentDecision', () => {
  it('asks in a terminal, naming no addresses when nothing is destructive', () => {
    expect(consentDecision(plan([]), flags(), true)).toEqual({ kind: 'ask', destructive: [] });
  });
  it('asks in a terminal and names the destructive steps', () => {
    expect(consentDecision(plan(DESTRUCTIVE), flags(), true)).toEqual({ kind: 'ask', destructive: DESTRUCTIVE });
  });
  it('does not name them again when --allow-destroy was given', () => {
    expect(consentDecision(plan(DESTRUCTIVE), flags({ allowDestroy: true }), true)).toEqual({ kind: 'ask', destructive: [] });
  });
  it('refuses outside a terminal without --auto-approve, naming the flag (and --allow-destroy when needed)', () => {
    const d = consentDecision(plan([]), flags(), false);
    expect(d.kind).toBe('refuse');
    if (d.kind === 'refuse') expect(d.message).toContain('--auto-approve');
    const dd = consentDecision(plan(DESTRUCTIVE), flags(), false);
    expect(dd.kind === 'refuse' && dd.hints.join('\n')).toContain('--allow-destroy');
  });
  it('proceeds with --auto-approve, in or outside a terminal, when nothing is destructive', () => {
    expect(consentDecision(plan([]), flags({ autoApprove: true }), false)).toEqual({ kind: 'proceed' });
    expect(consentDecision(plan([]), flags({ autoApprove: true }), true)).toEqual({ kind: 'proceed' });
  });
  it('never takes --auto-approve for consent to destroy', () => {
    for (const tty of [true, false]) {
      const d = consentDecision(plan(DESTRUCTIVE), flags({ autoApprove: true }), tty);
      expect(d.kind).toBe('refuse');
      if (d.kind === 'refuse') {
        expect(d.message).toContain('target.rows.shop.public.orders');
        expect(d.hints.join('\n')).toContain('--allow-destroy');
      }
    }
    expect(consentDecision(plan(DESTRUCTIVE), flags({ autoApprove: true, allowDestroy: true }), false)).toEqual({ kind: 'proceed' });
  });
  it('runs a saved plan without asking; its destructive steps need --allow-destroy even in a terminal', () => {
    expect(consentDecision(plan([]), flags({ savedPlan: true }), false)).toEqual({ kind: 'proceed' });
    expect(consentDecision(plan(DESTRUCTIVE), flags({ savedPlan: true }), true).kind).toBe('refuse');
    expect(consentDecision(plan(DESTRUCTIVE), flags({ savedPlan: true, allowDestroy: true }), false)).toEqual({ kind: 'proceed' });
  });
  it('lists at most five addresses in a refusal', () => {
    const many = Array.from({ length: 8 }, (_, i) => `target.rows.shop.public.t${i}`);
    const d = consentDecision(plan(many), flags({ autoApprove: true }), false);
    expect(d.kind === 'refuse' && d.message).toContain('t4 and 3 more');
  });
});

describe('confirmationText', () => {
  it("is Terraform's question, with destructive steps one per line", () => {
    expect(confirmationText(['target.database.shop'])).toBe([
      '', 'Do you want to perform these actions?', '  pgrepl will perform the actions described above.',
      '  These steps drop or rewrite data on the target:', '    - target.database.shop',
      "  Only 'yes' will be accepted to approve.", '', '  Enter a value: ',
    ].join('\n'));
    expect(confirmationText([])).not.toContain('drop or rewrite');
  });
});
