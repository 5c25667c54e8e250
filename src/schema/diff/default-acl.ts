// The privileges an object has before any GRANT or REVOKE (acldefault() in src/backend/utils/adt/acl.c), so a
// null ACL (never granted) compares equal to an explicit one that says the same, on any major.
import type { AclEntry, ObjectKind } from '../../model/schema.js';

/** PostgreSQL 17 added MAINTAIN to what a table's owner holds. */
export const MAINTAIN_FIRST_MAJOR = 17;

const OWNER_DEFAULT: Partial<Record<ObjectKind, readonly string[]>> = {
  table: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'],
  view: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'],
  matview: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'],
  sequence: ['SELECT', 'UPDATE', 'USAGE'],
  function: ['EXECUTE'],
  type: ['USAGE'],
  schema: ['CREATE', 'USAGE'],
};
const PUBLIC_DEFAULT: Partial<Record<ObjectKind, readonly string[]>> = { function: ['EXECUTE'], type: ['USAGE'] };

/** Whether the kind has privileges at all (collations, casts, operators, … have none). */
export function hasPrivileges(kind: ObjectKind): boolean {
  return OWNER_DEFAULT[kind] !== undefined;
}

/** The default ACL of an object of this kind and owner on this major, in the model's sorted form. */
export function defaultAcl(kind: ObjectKind, owner: string, major: number): readonly AclEntry[] {
  const relation = kind === 'table' || kind === 'view' || kind === 'matview';
  const ownerPrivileges = [...(OWNER_DEFAULT[kind] ?? []), ...(relation && major >= MAINTAIN_FIRST_MAJOR ? ['MAINTAIN'] : [])].sort();
  const entries: AclEntry[] = [];
  if (ownerPrivileges.length > 0) entries.push({ grantee: owner, grantor: owner, privileges: ownerPrivileges, grantable: [] });
  const publicPrivileges = PUBLIC_DEFAULT[kind] ?? [];
  if (publicPrivileges.length > 0) entries.push({ grantee: '', grantor: owner, privileges: [...publicPrivileges], grantable: [] });
  return sortAcl(entries);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries by grantee then grantor, privilege lists sorted. */
export function sortAcl(acl: readonly AclEntry[]): readonly AclEntry[] {
  return acl
    .map((e) => ({ grantee: e.grantee, grantor: e.grantor, privileges: [...e.privileges].sort(), grantable: [...e.grantable].sort() }))
    .sort((a, b) => compareText(a.grantee, b.grantee) || compareText(a.grantor, b.grantor));
}

/** Same entries, privileges and grant options (the model is sorted by sortAcl first). */
export function aclEqual(a: readonly AclEntry[], b: readonly AclEntry[]): boolean {
  return JSON.stringify(sortAcl(a)) === JSON.stringify(sortAcl(b));
}
