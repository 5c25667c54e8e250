// First half of a `sync: true` database's plan (before its rows are planned): the replication object names, what
// exists of them and whether it is pgrepl's, which tables are published with which filter, and the mode:
//   fresh  - no usable subscription + slot pair (first sync, an interrupted copy, a slot lost or dropped): a new
//            slot is made and every table is copied inside its exported snapshot, so the copy meets the stream;
//   steady - the pair exists: tables are added, dropped or re-synchronised through the publication and
//            REFRESH PUBLICATION, nothing else is copied again.
// Pure.
import { replicationAddress, rowsAddress } from '../../model/address.js';
import type { ObjectKey, TableObject } from '../../model/schema.js';
import type { DatabaseActual, PublicationFacts, ServerActual, SlotFacts, SubscriptionFacts } from '../../introspect/types.js';
import { quoteIdent, quoteQualified } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import type { StateDocument, StateResource } from '../../state/state-document.js';
import { findResource, resourceFinder } from '../../state/state-edits.js';
import { replicationObjectName } from '../../state/object-names.js';
import type { Diagnostic } from '../../util/errors.js';
import type { RowsSync } from './rows-steps.js';
import { rowFilter, type RowFilter } from './row-filter.js';
import { rowsRecord } from './state-records.js';
import { identityColumns, streamFilter } from './stream-filter.js';
import { managedComment } from './types.js';

export interface ReplicationNames {
  readonly publication: string;
  readonly slot: string;
  readonly subscription: string;
}

export interface PublishedTable {
  readonly key: ObjectKey;
  /** The rows table it belongs to: itself, or the partitioned root of a leaf published alone (PostgreSQL 12). */
  readonly root: ObjectKey;
  readonly schema: string;
  readonly name: string;
  /** The publication's row filter for this table. */
  readonly filter: string | null;
}

export interface SyncPrepared {
  readonly names: ReplicationNames;
  readonly publication: PublicationFacts | null;
  readonly slot: SlotFacts | null;
  readonly subscription: SubscriptionFacts | null;
  readonly records: { readonly publication: StateResource | undefined; readonly slot: StateResource | undefined; readonly subscription: StateResource | undefined };
  /** Published tables (roots; leaves on a PostgreSQL 12 source), sorted by quoted name. */
  readonly published: readonly PublishedTable[];
  readonly viaRoot: boolean;
  readonly rows: RowsSync;
  /** Why the database is synchronised afresh (fresh mode), for the slot and subscription reasons. */
  readonly freshReason: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

export interface SyncPrepareInput {
  readonly db: DatabaseSpec;
  readonly desiredTables: readonly TableObject[];
  /** Root tables whose rows are copied (ObjectKeys of desiredTables). */
  readonly rowsTables: readonly ObjectKey[];
  readonly actual: DatabaseActual;
  readonly source: ServerActual;
  readonly target: ServerActual;
  readonly state: StateDocument | null;
  readonly lineage: string;
  readonly targetIdentity: string;
  readonly sourceNow: string;
  readonly refreshWindows: boolean;
  /** PlanOptions.recopy: synchronise afresh even when subscription and slot are sound. */
  readonly recopy?: boolean;
  /** PlanOptions.replace: this database's `target.rows` addresses asked for (streamed: the database starts afresh). */
  readonly replace?: readonly string[];
}

export function replicationNames(db: DatabaseSpec, lineage: string, targetIdentity: string): ReplicationNames {
  const derived = replicationObjectName(db.key, lineage, targetIdentity);
  return { publication: db.names.publication ?? derived, slot: db.names.slot ?? derived, subscription: db.names.subscription ?? derived };
}

function ownership(kind: string, name: string, comment: string | null, lineage: string): Diagnostic | null {
  if (comment === managedComment(lineage)) return null;
  const other = comment?.match(/^managed by pgrepl (\S+)$/)?.[1];
  return {
    severity: 'error',
    message: other !== undefined
      ? `${kind} ${name} belongs to another pgrepl state (lineage ${other}); pgrepl never touches it`
      : `${kind} ${name} exists and was not made by pgrepl; pgrepl never alters or drops it`,
    hints: [`set names.${kind} in the spec to another name${other === undefined ? `, or drop the ${kind} yourself if it is a leftover` : ''}`],
  };
}

export function prepareSync(input: SyncPrepareInput): SyncPrepared {
  const { db, actual, source, state } = input;
  const diagnostics: Diagnostic[] = [];
  const names = replicationNames(db, input.lineage, input.targetIdentity);
  const publication = actual.source?.publications.find((p) => p.name === names.publication) ?? null;
  const slot = source.slots.find((s) => s.name === names.slot) ?? null;
  const subscription = actual.target?.subscriptions.find((s) => s.name === names.subscription) ?? null;
  const find = (kind: 'publication' | 'slot' | 'subscription'): StateResource | undefined =>
    state === null ? undefined : findResource(state, replicationAddress(kind, db.key));
  const records = { publication: find('publication'), slot: find('slot'), subscription: find('subscription') };

  if (source.walLevel !== 'logical') {
    diagnostics.push({
      severity: 'error', message: `database ${db.key} has sync: true, but the source runs with wal_level = ${source.walLevel}`,
      hints: ['ALTER SYSTEM SET wal_level = logical; then restart the source (on RDS: rds.logical_replication = 1)', 'or set sync: false for a one-off copy'],
    });
  }
  if (publication !== null) {
    const d = ownership('publication', publication.name, publication.comment, input.lineage);
    if (d !== null) diagnostics.push(d);
  }
  if (subscription !== null) {
    const d = ownership('subscription', subscription.name, subscription.comment, input.lineage);
    if (d !== null) diagnostics.push(d);
  }
  const derivedSlot = db.names.slot === undefined;
  if (slot !== null && records.slot === undefined && !derivedSlot) {
    diagnostics.push({
      severity: 'error', message: `slot ${slot.name} exists on the source and this state does not record it; pgrepl never drops a slot it did not make`,
      hints: ['set names.slot in the spec to another name, or drop the slot yourself if it is a leftover'],
    });
  }
  if (slot !== null && slot.database !== db.key) {
    diagnostics.push({ severity: 'error', message: `slot ${slot.name} decodes database ${slot.database ?? '(none)'}, not ${db.key}`, hints: ['set names.slot in the spec to another name'] });
  }
  for (const old of source.slots.filter((s) => s.name.startsWith('seren_migration') && s.database === db.key)) {
    diagnostics.push({
      severity: 'warning',
      message: `slot ${old.name} (left by the old replication tool) retains ${old.retainedBytes === null ? 'an unknown amount of' : `${Math.round(old.retainedBytes / 1048576)} MiB of`} WAL on the source${old.active ? '' : ' and is inactive'}; pgrepl leaves it`,
      hints: [`SELECT pg_drop_replication_slot('${old.name}');  -- on the source, once nothing uses it`],
    });
  }

  for (const old of actual.source?.publications.filter((x) => x.name.startsWith('seren_migration_pub')) ?? []) {
    diagnostics.push({
      severity: 'warning', message: `publication ${old.name} in database ${db.key} was left by the old replication tool; pgrepl leaves it`,
      hints: [`DROP PUBLICATION ${quoteIdent(old.name)};  -- on the source, once no subscription uses it`],
    });
  }
  for (const old of actual.target?.subscriptions.filter((x) => x.name.startsWith('seren_migration_sub')) ?? []) {
    const q = quoteIdent(old.name);
    diagnostics.push({
      severity: 'warning', message: `subscription ${old.name} in target database ${db.targetDatabase} was left by the old replication tool (${old.enabled ? 'enabled' : 'disabled'}${old.slotName === null ? '' : `, slot ${old.slotName}`}); pgrepl leaves it`,
      hints: [`ALTER SUBSCRIPTION ${q} DISABLE; ALTER SUBSCRIPTION ${q} SET (slot_name = NONE); DROP SUBSCRIPTION ${q};  -- on the target, then drop its slot on the source`],
    });
  }

  // Published tables and their filters.
  const byKey = new Map(input.desiredTables.map((t) => [t.key, t]));
  const publishesChanges = db.publish.includes('update') || db.publish.includes('delete');
  const streamFilters = new Map<ObjectKey, string | null>();
  const published: PublishedTable[] = [];
  let partitioned = false;
  const found = resourceFinder(state);
  for (const key of input.rowsTables) {
    const table = byKey.get(key);
    if (table === undefined) continue;
    const q = quoteQualified(table.schema as string, table.name);
    if (table.persistence === 'u') {
      diagnostics.push({ severity: 'warning', message: `${q} is unlogged: its rows are copied once and never streamed (PostgreSQL cannot publish unlogged tables)` });
      continue;
    }
    let filter: RowFilter;
    try {
      const recorded = state === null ? null : rowsRecord(found(rowsAddress(db.key, table.schema as string, table.name)));
      filter = rowFilter(db, table, recorded?.window ?? null, input.sourceNow, input.refreshWindows);
    } catch {
      continue; // rows-steps reports the bad window
    }
    const isPartitioned = table.partitionKey !== null;
    const s = streamFilter(table, filter, source.major, publishesChanges);
    if (!s.ok) {
      diagnostics.push({ severity: 'error', message: `database ${db.key}: ${s.message}`, hints: s.hints });
      continue;
    }
    if (s.note !== null) diagnostics.push({ severity: 'warning', message: `database ${db.key}: ${s.note}` });
    streamFilters.set(key, s.filter);
    if (isPartitioned && source.major < 13) {
      // PostgreSQL 12 cannot publish a partitioned table: its leaves are published one by one (no filter on 12
      // anyway), and a leaf added later on the source joins the publication with the next plan.
      const leaves = leavesOf(table, input.desiredTables);
      published.push(...leaves.map((l) => ({ key: l.key, root: key, schema: l.schema as string, name: l.name, filter: null })));
      continue;
    }
    partitioned ||= isPartitioned;
    published.push({ key, root: key, schema: table.schema as string, name: table.name, filter: s.filter });
  }
  published.sort((a, b) => (quoteQualified(a.schema, a.name) < quoteQualified(b.schema, b.name) ? -1 : 1));
  diagnostics.push(...identityProblems(db, published, input.desiredTables, publishesChanges));
  diagnostics.push(...truncateProblems(db, published, input.desiredTables, actual, streamFilters));

  // The mode.
  const lost = slot?.walStatus === 'lost';
  let freshReason: string | null = null;
  let destructive = false;
  if (subscription === null && slot === null) {
    // Rows copied earlier (a one-off copy, a slot dropped by cutover or by hand) may have changed on the target since:
    // copying them again replaces them, which needs consent. A first sync has no such rows (rows-steps plans those
    // as plain creates).
    freshReason = records.subscription === undefined ? 'continuous sync starts: the rows are copied inside the new slot\'s snapshot' : `subscription ${names.subscription} and slot ${names.slot} are gone: database ${db.key} is synchronised again`;
    destructive = true;
  } else if (subscription === null) freshReason = `slot ${names.slot} has no subscription (an interrupted copy): it is dropped and the database copied again under a new slot`;
  else if (slot === null || lost) {
    freshReason = `slot ${names.slot} is ${lost ? 'lost (wal_status = lost: the WAL it needed was removed)' : 'missing on the source'}: changes were lost, so database ${db.key} is synchronised again from a new slot`;
    destructive = true;
  } else if (subscription.slotName !== names.slot) {
    freshReason = `subscription ${names.subscription} is not attached to slot ${names.slot}: database ${db.key} is synchronised again`;
    destructive = true;
  } else if (input.recopy === true) {
    freshReason = `--no-resume: database ${db.key} is synchronised again from the start, from a new slot`;
    destructive = true;
  } else if (input.replace !== undefined && input.replace.length > 0) {
    freshReason = `--replace ${input.replace.join(', ')}: a streamed table cannot be copied apart from its stream, so database ${db.key} is synchronised again from the start, from a new slot`;
    destructive = true;
  }
  const fresh = freshReason !== null;
  return {
    names, publication, slot, subscription, records, published, viaRoot: partitioned && source.major >= 13,
    rows: { mode: fresh ? 'fresh' : 'steady', native: fresh && db.copy === 'native', slot: names.slot, force: fresh ? { reason: freshReason as string, destructive } : null, streamFilters },
    freshReason, diagnostics,
  };
}


/**
 * A published table (or a leaf of a published partitioned table: REPLICA IDENTITY does not recurse) without a
 * replica identity makes its own UPDATE and DELETE fail on the source once it is published (the old tool's trap 4).
 */
function identityProblems(db: DatabaseSpec, published: readonly PublishedTable[], tables: readonly TableObject[], publishesChanges: boolean): Diagnostic[] {
  if (!publishesChanges) return [];
  const byKey = new Map(tables.map((t) => [t.key, t]));
  const rootOf = (t: TableObject): ObjectKey => {
    let k = t.key;
    for (let x = byKey.get(k); x?.partitionOf; x = byKey.get(k)) k = x.partitionOf.parent;
    return k;
  };
  const keys = new Set(published.flatMap((p) => [p.key, p.root]));
  const out: Diagnostic[] = [];
  for (const t of tables) {
    if (!keys.has(rootOf(t)) || (t.partitionKey !== null && t.key !== rootOf(t))) continue;
    if (t.partitionKey !== null) continue; // a partitioned root has no rows of its own; its leaves are checked
    if (identityColumns(t) !== null) continue;
    const q = quoteQualified(t.schema as string, t.name);
    out.push({
      severity: 'error',
      message: `database ${db.key}: ${q} has no replica identity (${t.replicaIdentity === 'n' ? 'REPLICA IDENTITY NOTHING' : 'no primary key'}): once published, every UPDATE and DELETE of it would fail on the source`,
      hints: [`ALTER TABLE ${q} ADD PRIMARY KEY (<columns>);  -- on the source`, `ALTER TABLE ${q} REPLICA IDENTITY FULL;  -- on the source, when every column type has an equality operator`, 'or publish: [insert, truncate] for this database, or exclude the table'],
    });
  }
  return out;
}

/**
 * TRUNCATE is published by default and row filters do not apply to it: on a filtered table it empties every target
 * row, also rows a filter no longer matches; and it fails on the target when a table outside the subscription
 * references a streamed one (the apply worker then retries forever).
 */
function truncateProblems(
  db: DatabaseSpec, published: readonly PublishedTable[], tables: readonly TableObject[], actual: DatabaseActual, streamFilters: ReadonlyMap<ObjectKey, string | null>,
): Diagnostic[] {
  if (!db.publish.includes('truncate')) return [];
  const out: Diagnostic[] = [];
  const keys = new Set(published.flatMap((p) => [p.key, p.root]));
  const filtered = published.filter((p) => streamFilters.get(p.key) !== null || db.tableFilters.some((f) => f.schema === p.schema && f.table === p.name) || db.timeFilters.some((f) => f.schema === p.schema && f.table === p.name));
  if (filtered.length > 0) {
    out.push({
      severity: 'warning',
      message: `database ${db.key}: a TRUNCATE on the source empties the whole target table of ${filtered.map((p) => quoteQualified(p.schema, p.name)).join(', ')}, filters notwithstanding (rows the filter or window kept on the target go too); leave truncate out of publish to keep them`,
    });
  }
  const models = [{ objects: tables }, ...(actual.target === null ? [] : [actual.target.model])];
  const seen = new Set<string>();
  for (const model of models) {
    for (const t of model.objects) {
      if (t.kind !== 'table' || keys.has(t.key)) continue;
      for (const c of t.constraints) {
        if (c.type !== 'f' || c.references === null || !keys.has(c.references) || seen.has(`${t.key}/${c.name}`)) continue;
        seen.add(`${t.key}/${c.name}`);
        const child = quoteQualified(t.schema as string, t.name);
        out.push({
          severity: 'error',
          message: `database ${db.key}: ${child} is not streamed and references the streamed ${c.references.slice(c.references.indexOf(':') + 1)} (foreign key ${c.name}): a TRUNCATE replicated from the source would fail on the target and stop the stream`,
          hints: ['leave truncate out of publish for this database', `stream ${child} too, or drop that foreign key on the target`],
        });
      }
    }
  }
  return out;
}

/** The leaf partitions under a partitioned table (sub-partitions descended). */
function leavesOf(root: TableObject, tables: readonly TableObject[]): TableObject[] {
  const children = tables.filter((t) => t.partitionOf?.parent === root.key);
  return children.flatMap((c) => (c.partitionKey === null ? [c] : leavesOf(c, tables)));
}
