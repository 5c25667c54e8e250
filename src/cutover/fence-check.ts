// Before the fence changes anything: can the source role pgrepl connects as ALTER the fence roles and end their
// sessions? Each refusal names the role, the right it lacks and the statement that grants it; all are reported at
// once and nothing is changed. Pure (src/pg/cutover/fence-sql.ts reads the facts).
import type { FenceActorRow, FenceRoleRow } from '../pg/cutover/fence-sql.js';
import { quoteIdent } from '../pg/sql/quote.js';

/** The role pgrepl connects to the source as (name, superuser, createrole, pg_signal_backend member, server version). */
export type FenceActor = FenceActorRow;

/**
 * A fence role as the source reports it: exists, superuser, canLogin, its role-level default_transaction_read_only
 * (null when unset), whether the actor holds ADMIN OPTION on it (16+ requires it of a CREATEROLE non-superuser)
 * and whether the actor is a member of it (then it may end the role's sessions without pg_signal_backend).
 */
export type FenceRoleFacts = FenceRoleRow;

const PG16 = 160000;

export function fenceProblems(actor: FenceActor, roles: readonly FenceRoleFacts[]): string[] {
  const problems: string[] = [];
  const me = quoteIdent(actor.name);
  for (const fact of roles) {
    const r = { ...fact, name: quoteIdent(fact.name) };
    if (!r.exists) {
      problems.push(`fence role ${r.name} does not exist on the source (cutover.fence_roles names the roles whose writes to stop)`);
      continue;
    }
    if (fact.name === actor.name) {
      problems.push(`fence role ${r.name} is the role pgrepl connects to the source as: fencing it would end pgrepl's own sessions; connect as another role`);
      continue;
    }
    if (actor.superuser) continue;
    if (r.superuser) {
      problems.push(`fence role ${r.name} is a superuser: only a superuser may alter it or end its sessions (connect to the source as a superuser, or fence the application roles instead)`);
      continue;
    }
    if (!actor.createrole) {
      problems.push(`role ${me} may not ALTER ROLE ${r.name}: it lacks CREATEROLE; as a superuser run: ALTER ROLE ${me} CREATEROLE`);
    } else if (actor.serverVersionNum >= PG16 && !r.adminOption) {
      problems.push(`role ${me} may not ALTER ROLE ${r.name}: on PostgreSQL 16+ CREATEROLE needs ADMIN OPTION on the role; run: GRANT ${r.name} TO ${me} WITH ADMIN OPTION`);
    }
    if (!actor.signalBackend && !r.member) {
      problems.push(`role ${me} may not end the sessions of ${r.name} (pg_terminate_backend): it is neither a member of ${r.name} nor of pg_signal_backend; run: GRANT pg_signal_backend TO ${me}`);
    }
  }
  return problems;
}
