// Owner, comment and privileges: what every kind of object has.
import type { SchemaObjectAny } from '../../model/schema.js';
import { alterOwner, commentOn } from '../../pg/ddl/alter/common.js';
import { grantStatements } from '../../pg/ddl/alter/privileges.js';
import type { ChangeBuilder } from './change-builder.js';
import { defaultAcl, hasPrivileges } from './default-acl.js';
import { aclAfterOwnerChange, diffAcl, maintainComparable } from './diff-acl.js';
import type { DiffContext } from './diff-context.js';

function granteeText(grantee: string): string {
  return grantee === '' ? 'PUBLIC' : grantee;
}

/** Objects whose owner cannot be changed with ALTER … OWNER TO (a cast has none; an extension's is its creator's). */
const NO_OWNER_ALTER = new Set(['cast', 'extension']);

export function diffCommon(desired: SchemaObjectAny, actual: SchemaObjectAny, ctx: DiffContext, out: ChangeBuilder): void {
  // A null owner on either side is "not known" (e.g. schema public's server default, folded by the normaliser).
  const ownerChanges = desired.owner !== null && actual.owner !== null && desired.owner !== actual.owner;
  if (ownerChanges && !NO_OWNER_ALTER.has(desired.kind)) {
    out.add(`owner ${actual.owner ?? ''} -> ${desired.owner ?? ''}`, [alterOwner(desired, desired.owner ?? '')]);
  }
  if (desired.comment !== actual.comment) out.add('comment changed', [commentOn(desired, desired.comment)]);
  if (!hasPrivileges(desired.kind)) return;
  if (desired.acl === null && actual.acl === null) return;
  const owner = desired.owner ?? actual.owner;
  if (owner === null) return;
  const desiredAcl = desired.acl ?? defaultAcl(desired.kind, owner, ctx.desiredMajor);
  const actualAcl = actual.acl === null
    ? defaultAcl(actual.kind, owner, ctx.actualMajor)
    : aclAfterOwnerChange(actual.acl, actual.owner ?? owner, owner);
  const changes = diffAcl({ desired: desiredAcl, actual: actualAcl, compareMaintain: maintainComparable(ctx.desiredMajor, ctx.targetMajor) });
  for (const change of changes) {
    out.add(`privileges of ${granteeText(change.grantee)} changed`, grantStatements(desired, change));
  }
}
