// GRANT/REVOKE statements that turn an object's default privileges into the ACL it has on the source, computed
// like pg_dump's buildACLCommands: revoke what the default gives and the ACL lacks, grant what the ACL adds.
// ACL null means "default": nothing to run. An owner holding ALL of the source major holds ALL of the target's
// (MAINTAIN included on 17+); an owner holding less loses the newer privileges too.
import type { AclEntry } from '../../model/schema.js';
import { quoteIdent } from '../sql/quote.js';
import { type AclKind, ownerDefault, privilegeExists, publicDefault, sortPrivileges } from './privileges.js';

export interface AclContext {
  readonly sourceMajor: number;
  readonly targetMajor: number;
  /**
   * The grantee as it exists on the target, or null to leave its entry out (roles: skip and the role is
   * missing). Called with '' for PUBLIC.
   */
  readonly mapRole: (role: string) => string | null;
  readonly warn: (message: string) => void;
  /**
   * Grants made on the source by a role other than the owner (holding GRANT OPTION) are made by that role on
   * the target too (`SET ROLE grantor; GRANT …; RESET ROLE`), so the ACL's grantor matches. Default false:
   * everything is granted as the owner.
   */
  readonly keepGrantors?: boolean;
}

export interface AclTarget {
  readonly kind: AclKind;
  /** What follows ON: `TABLE public.t`, `SCHEMA app`, `FUNCTION public.f(integer)`. */
  readonly on: string;
  /** The owner on the source (ACL entries of the source owner are the owner's on the target too). */
  readonly owner: string;
  /** The owner on the target (differs with roles: skip). */
  readonly targetOwner: string;
  /** For column privileges: the column name. */
  readonly column?: string;
  /** The object's address (the caller's warn() adds it to messages). */
  readonly label: string;
  /** Start from no privileges at all (column grants, per-schema default privileges). */
  readonly noDefaults?: boolean;
}

interface Held { readonly plain: Set<string>; readonly grantable: Set<string> }

function grantee(role: string): string {
  return role === '' ? 'PUBLIC' : quoteIdent(role);
}

function privilegeList(target: AclTarget, privileges: Iterable<string>): string {
  const sorted = sortPrivileges(target.kind, privileges);
  return target.column === undefined
    ? sorted.join(', ')
    : sorted.map((p) => `${p}(${quoteIdent(target.column as string)})`).join(', ');
}

/** GRANT/REVOKE statements (without semicolons) that give the target object this ACL. */
export function aclStatements(target: AclTarget, acl: readonly AclEntry[] | null, ctx: AclContext): string[] {
  if (acl === null) return [];
  const defaults = new Map<string, Set<string>>();
  if (target.kind !== 'column' && target.noDefaults !== true) {
    defaults.set(target.targetOwner, new Set(ownerDefault(target.kind, ctx.targetMajor)));
    const pub = publicDefault(target.kind);
    if (pub.length > 0) defaults.set('', new Set(pub));
  }
  const actual = new Map<string, Held>();
  const byOthers: AclEntry[] = [];
  for (const entry of acl) {
    if (ctx.keepGrantors === true && entry.grantor !== target.owner && entry.grantor !== '') {
      byOthers.push(entry);
      continue;
    }
    const mapped = entry.grantee === target.owner ? target.targetOwner : ctx.mapRole(entry.grantee);
    if (mapped === null) {
      ctx.warn(`privileges of role ${entry.grantee} left out (role not on the target)`);
      continue;
    }
    const held = actual.get(mapped) ?? { plain: new Set<string>(), grantable: new Set<string>() };
    for (const p of entry.privileges) {
      if (!privilegeExists(p, ctx.targetMajor)) {
        // The owner's share of the default ALL is not a grant anyone made: nothing to warn about.
        if (mapped === target.targetOwner && ownerDefault(target.kind, ctx.sourceMajor).includes(p)) continue;
        ctx.warn(`${p} granted to ${grantee(entry.grantee)} left out (PostgreSQL ${ctx.targetMajor} has no ${p} privilege)`);
        continue;
      }
      if (entry.grantable.includes(p)) held.grantable.add(p);
      else held.plain.add(p);
    }
    actual.set(mapped, held);
  }
  // An owner holding everything the source major has holds ALL: on a newer target that includes the newer
  // privileges (MAINTAIN on 17); an owner holding less gets the newer ones revoked too.
  const ownerHeld = actual.get(target.targetOwner);
  if (ownerHeld !== undefined && target.kind !== 'column' && target.noDefaults !== true) {
    const sourceAll = ownerDefault(target.kind, ctx.sourceMajor);
    if (sourceAll.every((p) => ownerHeld.plain.has(p) || ownerHeld.grantable.has(p))) {
      for (const p of ownerDefault(target.kind, ctx.targetMajor)) if (!sourceAll.includes(p)) ownerHeld.plain.add(p);
    }
  }
  for (const held of actual.values()) for (const p of held.grantable) held.plain.delete(p);
  const on = `ON ${target.on}`;
  const out: string[] = [];
  for (const [role, privileges] of [...defaults].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const held = actual.get(role);
    const missing = [...privileges].filter((p) => !held?.plain.has(p) && !held?.grantable.has(p));
    if (missing.length > 0) out.push(`REVOKE ${privilegeList(target, missing)} ${on} FROM ${grantee(role)}`);
  }
  for (const [role, held] of [...actual].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const base = defaults.get(role) ?? new Set<string>();
    const plain = [...held.plain].filter((p) => !base.has(p));
    if (plain.length > 0) out.push(`GRANT ${privilegeList(target, plain)} ${on} TO ${grantee(role)}`);
    if (held.grantable.size > 0) out.push(`GRANT ${privilegeList(target, held.grantable)} ${on} TO ${grantee(role)} WITH GRANT OPTION`);
  }
  for (const entry of byOthers) out.push(...grantsByOther(target, entry, ctx));
  return out;
}

/** A grant whose grantor is not the owner: made as that role, which must hold the privilege WITH GRANT OPTION by then. */
function grantsByOther(target: AclTarget, entry: AclEntry, ctx: AclContext): string[] {
  const grantor = ctx.mapRole(entry.grantor);
  const to = ctx.mapRole(entry.grantee);
  if (grantor === null || to === null) {
    ctx.warn(`privileges granted by ${entry.grantor} to ${grantee(entry.grantee)} left out (role not on the target)`);
    return [];
  }
  const privileges = entry.privileges.filter((p) => privilegeExists(p, ctx.targetMajor));
  const plain = privileges.filter((p) => !entry.grantable.includes(p));
  const grantable = privileges.filter((p) => entry.grantable.includes(p));
  const grants = [
    ...(plain.length > 0 ? [`GRANT ${privilegeList(target, plain)} ON ${target.on} TO ${grantee(to)}`] : []),
    ...(grantable.length > 0 ? [`GRANT ${privilegeList(target, grantable)} ON ${target.on} TO ${grantee(to)} WITH GRANT OPTION`] : []),
  ];
  return grants.map((g) => `SET ROLE ${quoteIdent(grantor)};\n${g};\nRESET ROLE`);
}
