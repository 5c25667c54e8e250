// roles: copy keeps the source's owners, but only a superuser or a member of a role may make it an owner
// (ALTER … OWNER TO needs SET ROLE on it): on a managed target pgrepl's role is neither. Instead of failing
// mid-apply on the first ALTER … OWNER TO, objects whose source owner the target role cannot act as are planned
// owned by the target role, with one warning that says how to keep the source's owners. The same rule the
// database itself follows (database-plan.ts createDatabase). Pure.
import type { SchemaModel } from '../../model/schema.js';
import { quoteIdent } from '../../pg/sql/quote.js';

export interface OwnerMapping {
  readonly model: SchemaModel;
  /** The warning, or null when every owner is reachable. */
  readonly warning: string | null;
}

export function withReachableOwners(model: SchemaModel, target: { readonly user: string; readonly superuser: boolean; readonly memberOf: readonly string[] }): OwnerMapping {
  if (target.superuser) return { model, warning: null };
  const reachable = (owner: string): boolean => owner === target.user || owner.startsWith('pg_') || target.memberOf.includes(owner);
  const foreign = [...new Set(model.objects.map((o) => o.owner).filter((o): o is string => o !== null && !reachable(o)))].sort();
  if (foreign.length === 0) return { model, warning: null };
  const unreachable = new Set(foreign);
  return {
    model: { ...model, objects: model.objects.map((o) => (o.owner !== null && unreachable.has(o.owner) ? { ...o, owner: target.user } : o)) },
    warning: `objects owned by ${foreign.join(', ')} on the source will be owned by ${target.user} on the target: ${target.user} is not a superuser and may not act as ${foreign.length === 1 ? 'that role' : 'those roles'} (to keep the source's owners: ${foreign.map((r) => `GRANT ${quoteIdent(r)} TO ${quoteIdent(target.user)};`).join(' ')})`,
  };
}
