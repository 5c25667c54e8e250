// With `roles: skip` the create builder gives every object to the target role and leaves out privileges,
// policies, default privileges and settings of roles the target lacks (src/pg/ddl/build-create-ddl.ts). The
// desired model is read the same way before diffing, so a target written that way diffs empty, and the diff
// never asks for an owner or a grantee the target does not have.
import type { AclEntry, DefaultPrivilege, SchemaModel, SchemaObjectAny } from '../../model/schema.js';

export interface RoleMapping {
  /** The role that runs the DDL on the target: it owns everything (none given: owners stay as they are). */
  readonly targetRole?: string;
  /** Roles on the target; PUBLIC and predefined `pg_*` roles always exist. */
  readonly existingRoles: readonly string[];
}

export function mapRolesForTarget(model: SchemaModel, mapping: RoleMapping): SchemaModel {
  const existing = new Set([...mapping.existingRoles, ...(mapping.targetRole === undefined ? [] : [mapping.targetRole])]);
  // Predefined roles exist everywhere: schema public's pg_database_owner (15+, and ≤14's default folded into it
  // by the normaliser, which runs first) stays.
  const ownerOf = (owner: string): string => (owner.startsWith('pg_') ? owner : mapping.targetRole ?? owner);
  const mapRole = (r: string): string | null => (r === '' || r.startsWith('pg_') || existing.has(r) ? r : null);
  const mapAcl = (acl: readonly AclEntry[] | null, owner: string | null): readonly AclEntry[] | null => {
    if (acl === null) return null;
    const out: AclEntry[] = [];
    for (const e of acl) {
      const grantee = owner !== null && e.grantee === owner ? ownerOf(owner) : mapRole(e.grantee);
      if (grantee === null) continue;
      const grantor = owner !== null && e.grantor === owner ? ownerOf(owner) : mapRole(e.grantor) ?? e.grantor;
      out.push({ ...e, grantee, grantor });
    }
    return out;
  };
  const object = (o: SchemaObjectAny): SchemaObjectAny => {
    const base = { ...o, owner: o.owner === null ? null : ownerOf(o.owner), acl: mapAcl(o.acl, o.owner) } as SchemaObjectAny;
    if (base.kind !== 'table') return base;
    return {
      ...base,
      columns: base.columns.map((c) => ({ ...c, acl: mapAcl(c.acl, o.owner) })),
      // A policy left with no role would apply to PUBLIC: the create builder leaves it out, so does this.
      policies: base.policies
        .map((p) => ({ ...p, roles: p.roles.filter((r) => r === 'public' || mapRole(r) !== null) }))
        .filter((p) => p.roles.length > 0),
    };
  };
  const defaultPrivileges = model.defaultPrivileges
    .filter((d) => mapRole(d.role) !== null)
    .map((d): DefaultPrivilege => ({ ...d, acl: mapAcl(d.acl, d.role) ?? [] }));
  return {
    ...model,
    objects: model.objects.map(object),
    defaultPrivileges,
    database: {
      ...model.database,
      owner: ownerOf(model.database.owner),
      acl: mapAcl(model.database.acl, model.database.owner),
      settings: model.database.settings.filter((s) => s.role === null || mapRole(s.role) !== null),
    },
  };
}
