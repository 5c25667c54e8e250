// Grants and revokes that turn one ACL into another. Compared per grantee, privilege and grant option; the
// grantor is not compared because GRANT always records the role that runs it, so no statement could change it.
import type { AclEntry } from '../../model/schema.js';
import type { GrantChange } from '../../pg/ddl/alter/privileges.js';
import { MAINTAIN_FIRST_MAJOR } from './default-acl.js';

type Held = Map<string, Map<string, boolean>>;

function held(acl: readonly AclEntry[], dropMaintain: boolean): Held {
  const out: Held = new Map();
  for (const e of acl) {
    const privileges = out.get(e.grantee) ?? new Map<string, boolean>();
    for (const p of e.privileges) {
      if (dropMaintain && p === 'MAINTAIN') continue;
      privileges.set(p, (privileges.get(p) ?? false) || e.grantable.includes(p));
    }
    out.set(e.grantee, privileges);
  }
  return out;
}

/** An ACL as it reads after `ALTER … OWNER TO`, which hands the old owner's entries to the new owner. */
export function aclAfterOwnerChange(acl: readonly AclEntry[], from: string, to: string): readonly AclEntry[] {
  if (from === to) return acl;
  const swap = (r: string): string => (r === from ? to : r);
  return acl.map((e) => ({ ...e, grantee: swap(e.grantee), grantor: swap(e.grantor) }));
}

export interface AclDiffInput {
  readonly desired: readonly AclEntry[];
  readonly actual: readonly AclEntry[];
  /** MAINTAIN is left out when the source cannot have it or the target cannot take it (< 17). */
  readonly compareMaintain: boolean;
  readonly column?: string;
}

/** Per grantee, what to grant and revoke; empty when both ACLs give the same privileges. */
export function diffAcl(input: AclDiffInput): GrantChange[] {
  const dropMaintain = !input.compareMaintain;
  const want = held(input.desired, dropMaintain);
  const have = held(input.actual, dropMaintain);
  const grantees = [...new Set([...want.keys(), ...have.keys()])].sort();
  const out: GrantChange[] = [];
  for (const grantee of grantees) {
    const w = want.get(grantee) ?? new Map<string, boolean>();
    const h = have.get(grantee) ?? new Map<string, boolean>();
    const grant: string[] = [];
    const grantOption: string[] = [];
    const revoke: string[] = [];
    const revokeGrantOption: string[] = [];
    for (const [p, option] of [...w].sort()) {
      const had = h.get(p);
      if (had === undefined || (option && !had)) grant.push(p);
      if (option && had !== true) grantOption.push(p);
      if (!option && had === true) revokeGrantOption.push(p);
    }
    for (const p of [...h.keys()].sort()) if (!w.has(p)) revoke.push(p);
    if (grant.length + revoke.length + revokeGrantOption.length === 0) continue;
    out.push({ grantee, grant, grantOption, revoke, revokeGrantOption, ...(input.column === undefined ? {} : { column: input.column }) });
  }
  return out;
}

export function maintainComparable(desiredMajor: number, targetMajor: number): boolean {
  return Math.min(desiredMajor, targetMajor) >= MAINTAIN_FIRST_MAJOR;
}
