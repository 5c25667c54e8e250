// makePlan: the pure planner over a SpecContext and a LiveView. A module of its own because the planner brings the
// schema diff and the DDL builders (~90 modules, ~0.1 s to load): plan and apply start importing it while they read
// the servers (the process waits on them anyway) instead of before, and commands that only read (verify) never load
// it.
import { randomUUID } from 'node:crypto';
import { identity } from '../pg/conninfo/display.js';
import { redactedConninfo } from '../pg/conninfo/redact.js';
import { toSubscriptionConninfo } from '../pg/conninfo/subscription.js';
import { planChanges } from '../plan/planner/plan-changes.js';
import type { PlanOptions } from '../plan/planner/types.js';
import type { Plan } from '../plan/types.js';
import { PgreplError } from '../util/errors.js';
import type { LiveView, SpecContext } from './plan-session.js';

/** `PGREPL_NOW` (ISO 8601) when set, so tests fix the plan's clock; else the wall clock. */
export function planClock(env: NodeJS.ProcessEnv): Date {
  const text = env['PGREPL_NOW'];
  if (text === undefined || text === '') return new Date();
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new PgreplError(`PGREPL_NOW=${JSON.stringify(text)} is not an ISO 8601 time`);
  return at;
}

export function makePlan(ctx: SpecContext, live: LiveView, options: PlanOptions, env: NodeJS.ProcessEnv): Plan {
  return planChanges({
    spec: ctx.spec, actual: live.actual, state: live.state, basedOn: live.basis, now: planClock(env), options,
    // No state yet: the plan picks the lineage the first apply starts the state with (its object names derive from it).
    lineage: live.state?.lineage ?? randomUUID(), targetIdentity: identity(ctx.target),
    subscriptionConninfo: {
      preview: redactedConninfo(toSubscriptionConninfo(ctx.source, { includePassword: true })),
      hasPassword: ctx.source.password !== undefined && ctx.source.password !== '',
    },
  });
}
