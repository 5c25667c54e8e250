// Privileges pgrepl cannot change are not planned. GRANT and REVOKE by a role that neither owns the object nor holds
// the privileges WITH GRANT OPTION do not fail: PostgreSQL warns "no privileges were granted" (01007) or "could not
// be revoked" (01006) and goes on. So an apply "updated" a database or schema public it does not own, changed
// nothing, and every later plan showed the same change again (seen: a target database made by postgres, pgrepl
// connecting as a CREATEDB role). Objects that exist on the target with an owner the target role cannot act as keep
// their target privileges in the desired model (after the roles: skip mapping, which diffSchemas applies first), and
// the caller says which (the planner warns). Pure.
import type { AclEntry, SchemaModel, SchemaObjectAny } from '../../model/schema.js';

export interface KeptAcls {
  readonly model: SchemaModel;
  /** What kept its target privileges, e.g. `database shop (owner postgres)`, `schema public (owner pg_database_owner)`. */
  readonly kept: readonly string[];
}

/** The role that runs the DDL on the target. */
export interface AdministeringRole {
  readonly user: string;
  readonly superuser: boolean;
  /** Roles it is a member of (transitively). */
  readonly memberOf: readonly string[];
}

const sameAcl = (a: readonly AclEntry[] | null | undefined, b: readonly AclEntry[] | null | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `desired` with the ACLs the target role cannot change replaced by the target's (`actual`, the target cut to scope). */
export function keepUnadministrableAcls(desired: SchemaModel, actual: SchemaModel, target: AdministeringRole): KeptAcls {
  if (target.superuser) return { model: desired, kept: [] };
  // pg_database_owner (14+, owner of schema public) stands for whoever owns the database.
  const canAdminister = (owner: string | null): boolean =>
    owner === null || owner === target.user || target.memberOf.includes(owner) || (owner === 'pg_database_owner' && canAdminister(actual.database.owner));
  const actualByKey = new Map(actual.objects.map((o) => [o.key, o]));
  const kept: string[] = [];
  const objects = desired.objects.map((o): SchemaObjectAny => {
    const there = actualByKey.get(o.key);
    if (there === undefined || there.kind !== o.kind || canAdminister(there.owner)) return o;
    let changed = !sameAcl(o.acl, there.acl);
    let next = { ...o, acl: there.acl } as SchemaObjectAny;
    if ((o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') && (there.kind === 'table' || there.kind === 'view' || there.kind === 'matview')) {
      const thereColumns = new Map<string, readonly AclEntry[] | null>(there.columns.map((c) => [c.name, c.acl]));
      const columns = o.columns.map((c) => {
        if (!thereColumns.has(c.name) || sameAcl(c.acl, thereColumns.get(c.name))) return c;
        changed = true;
        return { ...c, acl: thereColumns.get(c.name) ?? null };
      });
      next = { ...next, columns } as SchemaObjectAny;
    }
    if (changed) kept.push(`${o.kind} ${o.schema === null ? o.name : `${o.schema}.${o.name}`} (owner ${there.owner ?? '?'})`);
    return changed ? next : o;
  });
  let database = desired.database;
  if (!canAdminister(actual.database.owner) && !sameAcl(desired.database.acl, actual.database.acl)) {
    kept.unshift(`database ${actual.database.name} (owner ${actual.database.owner})`);
    // The diff reads the desired ACL relative to the desired owner (diff-database.ts): the target's, as it stays.
    database = { ...database, acl: actual.database.acl, owner: actual.database.owner };
  }
  if (kept.length === 0) return { model: desired, kept };
  return { model: { ...desired, database, objects }, kept };
}
