// `Plan: N to add, N to change, N to destroy.` counts, from ACTION_INFO's per-action counts.
import { ACTION_INFO } from './action-info.js';
import type { PlanStep, PlanSummary } from './types.js';

export function summarise(steps: readonly Pick<PlanStep, 'action'>[]): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const step of steps) {
    const c = ACTION_INFO[step.action].counts;
    add += c.add;
    change += c.change;
    destroy += c.destroy;
  }
  return { add, change, destroy };
}
