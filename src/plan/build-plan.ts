// Assembles a Plan from the steps the planner found: numbers them in order and counts them, so no caller can save
// a plan whose summary or indexes disagree with its steps (parsePlanJson refuses such a file).
import type { Diagnostic } from '../util/errors.js';
import { summarise } from './summarise.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanBasis, type PlanDatabase, type PlanStep } from './types.js';

export interface BuildPlanInput {
  readonly basedOn: PlanBasis;
  readonly databases?: readonly PlanDatabase[];
  readonly steps: readonly Omit<PlanStep, 'index'>[];
  readonly diagnostics: readonly Diagnostic[];
  /** Injected clock (tests fix it). */
  readonly now: Date;
  /** The lineage the plan's replication object names derive from (Plan.lineage). */
  readonly lineage: string;
}

export function buildPlan(input: BuildPlanInput): Plan {
  // Steps from planFromSchemaChanges carry their own numbering; the plan's order is the only one that counts.
  const steps = input.steps.map((s, i): PlanStep => ({ ...s, index: i + 1 }));
  return {
    format_version: PLAN_FORMAT_VERSION,
    basedOn: input.basedOn,
    databases: input.databases ?? [],
    steps,
    summary: summarise(steps),
    diagnostics: input.diagnostics,
    createdAt: input.now.toISOString(),
    lineage: input.lineage,
  };
}
