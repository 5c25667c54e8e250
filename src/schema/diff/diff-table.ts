// One table: columns, its parts, and the table-level settings. Partitioning keys cannot change in place.
import type { ObjectKey, TableObject } from '../../model/schema.js';
import {
  attachPartition, detachPartition, setAccessMethod, setForceRowSecurity, setInherit, setPersistence, setRelationOptions,
  setReplicaIdentity, setRowSecurity,
} from '../../pg/ddl/alter/table.js';
import type { ChangeBuilder } from './change-builder.js';
import { diffColumns } from './diff-columns.js';
import type { DiffContext } from './diff-context.js';
import { diffConstraints, diffIndexes, diffPolicies, diffRules, diffTriggers } from './diff-relation-parts.js';

/** PostgreSQL 15 is the first with ALTER TABLE … SET ACCESS METHOD. */
export const SET_ACCESS_METHOD_FIRST_MAJOR = 15;

/** The SQL name in a key: `table:sales."Order Lines"` -> `sales."Order Lines"` (keys are written with quoteIdent). */
export function keySqlName(key: ObjectKey): string {
  return key.slice(key.indexOf(':') + 1);
}

export function diffTable(d: TableObject, a: TableObject, desiredIndexNames: ReadonlySet<string>, ctx: DiffContext, out: ChangeBuilder): void {
  if (d.partitionKey !== a.partitionKey) {
    out.replace(`partition key ${a.partitionKey ?? 'none'} -> ${d.partitionKey ?? 'none'}`);
    return;
  }
  if (d.persistence !== a.persistence) out.add(`${d.persistence === 'u' ? 'UNLOGGED' : 'LOGGED'} (rewrites the table)`, [setPersistence(d, d.persistence)]);
  if (d.accessMethod !== a.accessMethod) {
    if (ctx.targetMajor >= SET_ACCESS_METHOD_FIRST_MAJOR) out.add(`access method ${a.accessMethod ?? 'heap'} -> ${d.accessMethod ?? 'heap'}`, [setAccessMethod(d, d.accessMethod)]);
    else out.replace(`access method ${a.accessMethod ?? 'heap'} -> ${d.accessMethod ?? 'heap'}`);
  }
  if (JSON.stringify(d.partitionOf) !== JSON.stringify(a.partitionOf)) {
    const detach = a.partitionOf === null ? [] : [detachPartition(keySqlName(a.partitionOf.parent), a)];
    const attach = d.partitionOf === null ? [] : [attachPartition(keySqlName(d.partitionOf.parent), d, d.partitionOf.bound)];
    out.add(`partition of ${a.partitionOf === null ? 'none' : `${a.partitionOf.parent} ${a.partitionOf.bound}`} -> ${d.partitionOf === null ? 'none' : `${d.partitionOf.parent} ${d.partitionOf.bound}`}`, attach, detach);
  }
  for (const parent of a.inherits) {
    if (!d.inherits.includes(parent)) out.add(`no longer inherits ${parent}`, [], [setInherit(a, keySqlName(parent), false)]);
  }
  for (const parent of d.inherits) {
    if (!a.inherits.includes(parent)) out.add(`inherits ${parent}`, [setInherit(d, keySqlName(parent), true)]);
  }
  diffColumns(d, a, ctx, out);
  const leavesParent = a.inherits.some((p) => !d.inherits.includes(p))
    || (a.partitionOf !== null && JSON.stringify(d.partitionOf) !== JSON.stringify(a.partitionOf));
  diffConstraints(d, a, out, leavesParent);
  diffIndexes(d, a, desiredIndexNames, out);
  diffTriggers(d, a, out);
  diffPolicies(d, a, out);
  diffRules(d, a, out);
  if (d.rowSecurity.enabled !== a.rowSecurity.enabled) out.add(`row level security ${d.rowSecurity.enabled ? 'enabled' : 'disabled'}`, [setRowSecurity(d, d.rowSecurity.enabled)]);
  if (d.rowSecurity.forced !== a.rowSecurity.forced) out.add(`row level security ${d.rowSecurity.forced ? 'forced' : 'not forced'}`, [setForceRowSecurity(d, d.rowSecurity.forced)]);
  if (d.replicaIdentity !== a.replicaIdentity || d.replicaIdentityIndex !== a.replicaIdentityIndex) {
    out.add(`replica identity ${a.replicaIdentity} -> ${d.replicaIdentity}`, [setReplicaIdentity(d, d.replicaIdentity, d.replicaIdentityIndex)]);
  }
  const options = setRelationOptions(d, d.options, a.options);
  if (options.length > 0) out.add(`storage options ${a.options.join(',') || 'none'} -> ${d.options.join(',') || 'none'}`, options);
}
