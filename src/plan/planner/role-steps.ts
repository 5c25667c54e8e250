// `target.role.<name>` steps: roles the copied schema needs (owners, grantees, policy roles) that the target lacks
// (roles: copy). One step per role, each CREATE ROLE with its memberships and settings; a role comes after the roles
// it is a member of, so every step can run on its own (PostgreSQL forbids membership cycles).
import type { RoleInfo } from '../../model/schema.js';
import { roleAddress } from '../../model/address.js';
import { buildRoleDdl } from '../../pg/ddl/build-role-ddl.js';
import type { DdlStatement } from '../../pg/ddl/types.js';
import type { ServerActual } from '../../introspect/types.js';
import type { Diagnostic } from '../../util/errors.js';
import type { PlanStep } from '../types.js';
import type { RoleAttributes } from './types.js';
// build-role-ddl keys its statements `role:<quoteIdent(name)>`.
import { quoteIdent as quoteRoleKey } from '../../pg/sql/quote.js';

export interface RoleSteps {
  readonly steps: Omit<PlanStep, 'index'>[];
  readonly warnings: Diagnostic[];
  /** Role names the steps create. */
  readonly created: readonly string[];
}

function byMembership(roles: readonly RoleInfo[]): RoleInfo[] {
  const byName = new Map(roles.map((r) => [r.name, r]));
  const out: RoleInfo[] = [];
  const done = new Set<string>();
  const visit = (r: RoleInfo): void => {
    if (done.has(r.name)) return;
    done.add(r.name);
    for (const m of r.memberOf) {
      const parent = byName.get(m.role);
      if (parent !== undefined) visit(parent);
    }
    out.push(r);
  };
  for (const r of [...roles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) visit(r);
  return out;
}

/** `roles`: every role the copied models reference (deduplicated by name, first wins). */
export function planRoleSteps(roles: readonly RoleInfo[], target: ServerActual): RoleSteps {
  const unique = [...new Map(roles.map((r) => [r.name, r])).values()];
  const ddl = buildRoleDdl(unique, target.roles, {
    canGrantSuperuser: target.superuser,
    canGrantReplication: target.superuser,
    canGrantBypassRls: target.superuser,
    canGrantCreatedb: target.superuser || target.createdb,
    targetMajor: target.major,
  });
  const statementsOf = new Map<string, DdlStatement[]>();
  for (const s of ddl.statements) statementsOf.set(s.object, [...(statementsOf.get(s.object) ?? []), s]);
  const missing = byMembership(unique.filter((r) => statementsOf.has(`role:${quoteRoleKey(r.name)}`)));
  const steps = missing.map((r): Omit<PlanStep, 'index'> => {
    const statements = statementsOf.get(`role:${quoteRoleKey(r.name)}`) ?? [];
    const after: RoleAttributes = { name: r.name, created: true };
    return {
      address: roleAddress(r.name),
      action: 'create',
      reason: `role ${r.name} is not on the target and the copied schema names it (roles: copy)`,
      destructive: false,
      before: null,
      after,
      operations: [{ type: 'sql', side: 'target', stage: 'cluster', order: 0, statements }],
      sqlPreview: statements.map((s) => s.sql),
    };
  });
  const passwordless: Diagnostic[] = ddl.passwordless.map((p) => ({
    severity: 'warning',
    message: `role ${p.role} will be created without a password (passwords are never copied); to let it log in: ${p.sql}`,
  }));
  return { steps, warnings: [...ddl.warnings, ...passwordless], created: missing.map((r) => r.name) };
}

