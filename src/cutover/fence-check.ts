// Before the fence changes anything: can the source role pgrepl connects as ALTER the fence roles and end their
// sessions? Each refusal names the role, the right it lacks and the statement that grants it; all are reported at
// once and nothing is changed. Pure (src/pg/cutover/fence-sql.ts reads the facts).
import { quoteIdent } from '../pg/sql/quote.js';

export interface FenceActor {
  /** The role pgrepl connects to the source as. */
  readonly name: string;
  readonly superuser: boolean;
  readonly createrole: boolean;
  /** Member of pg_signal_backend: may end other roles' sessions. */
  readonly signalBackend: boolean;
  readonly serverVersionNum: number;
}

export interface FenceRoleFacts {
  readonly name: string;
  readonly exists: boolean;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  /** The role-level default_transaction_read_only (from pg_roles.rolconfig), null when not set. */
  readonly readOnly: string | null;
  /** The actor holds ADMIN OPTION on this role (PostgreSQL 16+ requires it of a CREATEROLE non-superuser). */
  readonly adminOption: boolean;
  /** The actor is a member of this role (then it may end the role's sessions without pg_signal_backend). */
  readonly member: boolean;
}

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
