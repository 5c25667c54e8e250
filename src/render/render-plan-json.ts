// `plan --json` and `plan --out`: the same text, the same object the human renderer shows.
import { planToJson } from '../plan/plan-json.js';
import type { Plan } from '../plan/types.js';

export function renderPlanJson(plan: Plan): string {
  return planToJson(plan);
}
