// A published table without a replica identity makes its own UPDATE and DELETE fail on the source (the old tool
// published such tables: trap 4). Every streamed table and every leaf partition of a streamed partitioned table
// needs one, because REPLICA IDENTITY does not recurse into partitions. Unlogged tables cannot be published.
import type { RelationFacts } from '../../pg/catalog/validate/types.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import type { DatabaseScope, ScopedTable } from '../scope.js';
import { databaseSubject, quoteIdent, quoteQualified, tableSubject } from '../subjects.js';

/** The columns that identify a row to subscribers: 'all' for FULL, null when there is no identity. */
export function identityColumns(rel: RelationFacts): readonly string[] | 'all' | null {
  switch (rel.replicaIdentity) {
    case 'full':
      return 'all';
    case 'nothing':
      return null;
    case 'index':
      return rel.indexes.find((i) => i.replicaIdentity)?.columns ?? null;
    case 'default':
      return rel.indexes.find((i) => i.primary)?.columns ?? null;
  }
}

export function publishesChanges(publish: readonly string[]): boolean {
  return publish.includes('update') || publish.includes('delete');
}

function describeIdentity(rel: RelationFacts): string {
  if (rel.replicaIdentity === 'nothing') return 'REPLICA IDENTITY NOTHING';
  if (rel.replicaIdentity === 'index') return 'its replica identity index is gone';
  return 'no primary key and REPLICA IDENTITY DEFAULT';
}

/** The ways to give `rel` an identity, best first. */
export function identityFixes(rel: RelationFacts, database: string): string[] {
  const q = quoteQualified(rel.schema, rel.name);
  const fixes: string[] = [];
  for (const idx of rel.indexes.filter((i) => i.identityCandidate)) {
    fixes.push(`ALTER TABLE ${q} REPLICA IDENTITY USING INDEX ${quoteIdent(idx.name)};`);
  }
  fixes.push(`ALTER TABLE ${q} ADD PRIMARY KEY (<columns that identify a row>);`);
  const noEq = rel.columns.filter((c) => !c.hasEquality);
  if (noEq.length === 0) {
    fixes.push(`ALTER TABLE ${q} REPLICA IDENTITY FULL;  -- writes whole old rows to WAL on every UPDATE/DELETE`);
  } else {
    const list = noEq.map((c) => `${c.name} (${c.type})`).join(', ');
    fixes.push(`-- REPLICA IDENTITY FULL is not offered: ${list} has no equality operator, the subscriber could not apply changes`);
  }
  fixes.push(`-- or copy without streaming: set sync: false for database ${database}, or list the table under schema_only`);
  return fixes;
}

function missingFor(t: ScopedTable, database: string): CheckResult[] {
  const out: CheckResult[] = [];
  const rels = [t.rel, ...t.leaves];
  for (const rel of rels) {
    if (identityColumns(rel) !== null) continue;
    const isLeaf = rel !== t.rel;
    const what = isLeaf
      ? `partition ${rel.schema}.${rel.name} of ${t.rel.schema}.${t.rel.name} has no replica identity (${describeIdentity(rel)}; replica identity does not recurse into partitions)`
      : `${rel.schema}.${rel.name} has no replica identity (${describeIdentity(rel)})`;
    out.push(
      fail('tables.replica_identity', `${what}: once published, UPDATE and DELETE on it fail on the source`, {
        subject: isLeaf ? tableSubject(database, rel.schema, rel.name) : t.subject,
        fix: identityFixes(rel, database),
        details: { replicaIdentity: rel.replicaIdentity, ...(isLeaf ? { partitionOf: `${t.rel.schema}.${t.rel.name}` } : {}) },
      }),
    );
  }
  return out;
}

export function checkReplicaIdentity(scope: DatabaseScope): CheckResult[] {
  const id = 'tables.replica_identity';
  const key = scope.db.key;
  const subject = databaseSubject(key);
  const streamed = scope.tables.filter((t) => t.mode === 'stream');
  if (streamed.length === 0) return [skip(id, 'no table of this database is streamed', { subject })];
  if (!publishesChanges(scope.db.publish)) {
    return [ok(id, `UPDATE and DELETE are not published (publish: ${scope.db.publish.join(', ') || 'nothing'}), so no replica identity is needed`, { subject })];
  }
  const failures = streamed.flatMap((t) => missingFor(t, key));
  if (failures.length > 0) return failures;
  const leaves = streamed.reduce((n, t) => n + t.leaves.length, 0);
  const what = `all ${streamed.length} streamed table${streamed.length === 1 ? '' : 's'}` + (leaves > 0 ? ` and ${leaves} partition${leaves === 1 ? '' : 's'}` : '');
  return [ok(id, `${what} have a replica identity`, { subject })];
}

/** Unlogged tables write no WAL, so they cannot be published: copied once, never streamed. */
export function checkUnlogged(scope: DatabaseScope): CheckResult[] {
  if (!scope.db.sync) return [];
  return scope.tables
    .filter((t) => t.mode === 'copy' && t.rel.persistence === 'unlogged')
    .map((t) =>
      warn('tables.unlogged', `${t.rel.schema}.${t.rel.name} is unlogged and cannot be published: it is copied once, not streamed`, {
        subject: t.subject,
        fix: [`ALTER TABLE ${quoteQualified(t.rel.schema, t.rel.name)} SET LOGGED;  -- to stream it`],
      }),
    );
}
