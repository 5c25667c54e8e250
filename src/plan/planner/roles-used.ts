// Roles a cut model names (owners, grantees, policy roles, default-privilege roles and grantees) and the roles those
// are members of: with roles: copy, exactly these are created on the target when missing, not every role the
// source database happens to mention.
import type { AclEntry, RoleInfo, SchemaModel } from '../../model/schema.js';

function aclRoles(acl: readonly AclEntry[] | null | undefined, out: Set<string>): void {
  for (const e of acl ?? []) if (e.grantee !== '') out.add(e.grantee);
}

/** `extra`: roles named outside the model (the owners and grantees of copied large objects, with their memberships). */
export function rolesUsed(model: SchemaModel, extra: readonly RoleInfo[] = []): RoleInfo[] {
  const names = new Set<string>(extra.map((r) => r.name));
  for (const o of model.objects) {
    if (o.owner !== null) names.add(o.owner);
    aclRoles(o.acl, names);
    if (o.kind === 'table') {
      for (const c of o.columns) aclRoles(c.acl, names);
      for (const p of o.policies) for (const r of p.roles) if (r !== 'public' && r !== 'PUBLIC') names.add(r);
    }
    if (o.kind === 'view' || o.kind === 'matview') for (const c of o.columns) aclRoles(c.acl, names);
  }
  for (const d of model.defaultPrivileges) {
    names.add(d.role);
    aclRoles(d.acl, names);
  }
  names.add(model.database.owner);
  aclRoles(model.database.acl, names);
  for (const s of model.database.settings) if (s.role !== null) names.add(s.role);
  const byName = new Map([...extra, ...model.roles].map((r) => [r.name, r]));
  const out = new Map<string, RoleInfo>();
  const visit = (name: string): void => {
    const r = byName.get(name);
    if (r === undefined || out.has(name)) return;
    out.set(name, r);
    for (const m of r.memberOf) visit(m.role);
  };
  for (const n of names) visit(n);
  return [...out.values()];
}
