// `state.backend`: the state can be created and written where the spec keeps it (a local path, or a PostgreSQL
// database reached directly, not through a transaction pooler, by a role that may create the state tables).
import type { StateProbe } from '../state-probe.js';
import { fail, ok, warn, type CheckResult } from '../result.js';

export function checkStateBackend(probe: StateProbe | undefined): CheckResult[] {
  if (probe === undefined) return [];
  const subject = 'state';
  if (probe.problem !== null) return [fail('state.backend', probe.problem.message, { subject, fix: [...probe.problem.hints] })];
  const held = probe.state === null ? 'no state yet: the first apply creates it' : `serial ${probe.state.serial} of lineage ${probe.state.lineage}`;
  if (probe.lockedBy !== null) {
    return [warn('state.backend', `${probe.description}: ${held}; locked now by ${probe.lockedBy}`, { subject, fix: ['wait for that run, or `pgrepl force-unlock <id>` if it is gone'] })];
  }
  return [ok('state.backend', `${probe.description}: ${held}`, { subject })];
}
