// ACLs arrive as aclexplode() rows packed into JSON (sql-fragments.ts aclJson); this groups them into one entry
// per grantee and grantor, the shape GRANT statements and the diff work with. Pure.
import type { AclEntry } from '../../../model/schema.js';

/** [grantee ('' = PUBLIC), grantor, privilege keyword, grantable]. */
export type AclTuple = readonly [string, string, string, boolean];

/** null stays null (default privileges); [] stays [] (all revoked). Sorted by grantee, then grantor. */
export function parseAcl(tuples: readonly AclTuple[] | null): readonly AclEntry[] | null {
  if (tuples === null) return null;
  const byPair = new Map<string, { grantee: string; grantor: string; privileges: Set<string>; grantable: Set<string> }>();
  for (const [grantee, grantor, privilege, grantable] of tuples) {
    const pairKey = JSON.stringify([grantee, grantor]);
    let entry = byPair.get(pairKey);
    if (entry === undefined) {
      entry = { grantee, grantor, privileges: new Set(), grantable: new Set() };
      byPair.set(pairKey, entry);
    }
    entry.privileges.add(privilege);
    if (grantable) entry.grantable.add(privilege);
  }
  return [...byPair.values()]
    .map((e) => ({ grantee: e.grantee, grantor: e.grantor, privileges: [...e.privileges].sort(), grantable: [...e.grantable].sort() }))
    .sort((a, b) => compareText(a.grantee, b.grantee) || compareText(a.grantor, b.grantor));
}

/** Code-point order, independent of the locale, so models sort the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
