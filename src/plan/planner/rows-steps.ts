// `target.rows.<key>.<schema>.<name>` steps of one database: which tables' rows (and which sequences' values) to
// copy, compared with the state record (CONTRACTS.md, Plans: filter, status, target table identity; plan never counts
// rows), with the consent rule for rows pgrepl did not copy, the foreign-key rules for filters, and the closure of a
// re-copy (a table emptied for a re-copy empties every copied table that references it, in ONE TRUNCATE; a table
// outside the spec that references it makes the plan refuse, since pgrepl never truncates with CASCADE).
import { rowsAddress } from '../../model/address.js';
import type { Column, ObjectKey, SchemaModel, TableObject } from '../../model/schema.js';
import type { TableSize, TargetTableFacts, Throughput } from '../../introspect/types.js';
import { pruneRowsSql, truncateTablesSql } from '../../pg/apply/rows-sql.js';
import { quoteQualified } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import type { StateDocument } from '../../state/state-document.js';
import { resourceFinder } from '../../state/state-edits.js';
import type { Diagnostic } from '../../util/errors.js';
import type { Action, DataCopyOperation, Operation, PlanStep, SequenceValuesOperation } from '../types.js';
import { leafTables } from './catalog-tables.js';
import { foreignKeys, type ForeignKey } from './foreign-keys.js';
import { splitQualifiedName } from './qualified-name.js';
import { rowFilter, type RowFilter } from './row-filter.js';
import { rowsRecord } from './state-records.js';
import type { RowsAttributes, RowsRecord } from './types.js';

export interface RowsPlanInput {
  readonly db: DatabaseSpec;
  /** The source model cut to the scope (partitions of selected tables included). */
  readonly desired: SchemaModel;
  /** Root tables whose rows are copied, and tables copied as structure only. */
  readonly rowsTables: readonly ObjectKey[];
  readonly schemaOnly: readonly ObjectKey[];
  readonly sizes: Readonly<Record<string, TableSize>>;
  /** null when the target database does not exist yet. */
  readonly target: { readonly tables: Readonly<Record<string, TargetTableFacts>>; readonly model: SchemaModel } | null;
  /** Schema change actions this plan has for tables (create and replace leave an empty table). */
  readonly tableActions: ReadonlyMap<ObjectKey, Action>;
  readonly state: StateDocument | null;
  /** The target database was created by pgrepl (recorded) or is created by this plan: its tables are pgrepl's. */
  readonly databaseOwned: boolean;
  readonly sourceNow: string;
  readonly refreshWindows: boolean;
  /** PlanOptions.recopy: every copied table is copied again. */
  readonly recopy: boolean;
  /** PlanOptions.replace (canonical addresses): these tables' rows are copied again. */
  readonly replace: ReadonlySet<string>;
  readonly throughput: Throughput | null;
  /** Continuous sync of this database (sync-steps.ts decides the mode); null for a one-off copy. */
  readonly sync: RowsSync | null;
}

/**
 * `fresh`: a new slot is made and EVERY table of the database is copied inside its exported snapshot (rows copied
 * at any other moment cannot meet its stream); `force` says why rows already copied are copied again.
 * `steady`: the subscription and its slot stay; a table (re)copied now is copied by PostgreSQL's table sync
 * (REFRESH PUBLICATION WITH (copy_data = true)) into the emptied table, so rows steps carry only the TRUNCATE.
 */
export interface RowsSync {
  readonly mode: 'fresh' | 'steady';
  /** copy: native: a fresh sync where PostgreSQL's table sync copies the streamed tables (copy_data = true). */
  readonly native: boolean;
  readonly slot: string;
  readonly force: { readonly reason: string; readonly destructive: boolean } | null;
  /** The filter each streamed table is published with (absent: not streamed). */
  readonly streamFilters: ReadonlyMap<ObjectKey, string | null>;
}

export interface RowsPlan {
  readonly steps: Omit<PlanStep, 'index'>[];
  /** Every rows address the spec wants in this database (planned or already up to date): the others in the state are stale. */
  readonly desired: ReadonlySet<string>;
  readonly diagnostics: Diagnostic[];
  /** Root tables whose rows this plan (re)copies. */
  readonly copied: readonly ObjectKey[];
}

interface Planned {
  readonly table: TableObject;
  readonly leaves: readonly TableObject[];
  readonly filter: RowFilter;
  readonly record: RowsRecord | null;
  action: Action;
  destructive: boolean;
  reasons: string[];
  truncate: boolean;
}

const display = (t: TableObject): string => quoteQualified(t.schema as string, t.name);

/** Columns both COPY ends name: every column except generated ones, in the source's order. */
function copyColumns(t: TableObject): string[] {
  return t.columns.filter((c: Column) => c.generated === null).map((c) => c.name);
}

function identitySequences(t: TableObject): { schema: string; name: string }[] {
  return t.columns.flatMap((c) => (c.identity === null ? [] : [splitQualifiedName(c.identity.sequence)].filter((s): s is { schema: string; name: string } => s !== null)));
}

function estimateOf(size: TableSize | undefined, throughput: Throughput | null): DataCopyOperation['estimate'] {
  const bytes = Math.max(0, size?.bytes ?? 0);
  const rows = Math.max(0, Math.round(size?.rowEstimate ?? 0));
  return { rows, bytes, seconds: throughput === null || throughput.bytesPerSecond <= 0 ? null : Math.round((bytes / throughput.bytesPerSecond) * 10) / 10 };
}

/** Root key of a table (itself unless a partition). */
function rootOf(key: ObjectKey, byKey: ReadonlyMap<ObjectKey, TableObject>): ObjectKey {
  let k = key;
  for (let t = byKey.get(k); t?.partitionOf; t = byKey.get(k)) k = t.partitionOf.parent;
  return k;
}

export function planRowsSteps(input: RowsPlanInput): RowsPlan {
  const { db, desired } = input;
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map(desired.objects.filter((o): o is TableObject => o.kind === 'table').map((t) => [t.key, t]));
  const schemaOnlySet = new Set(input.schemaOnly);
  const planned = new Map<ObjectKey, Planned>();
  const unchanged = new Map<ObjectKey, { table: TableObject; filter: RowFilter; record: RowsRecord }>();
  const narrowed: Omit<PlanStep, 'index'>[] = [];
  const recorded = resourceFinder(input.state);

  for (const key of input.rowsTables) {
    const table = byKey.get(key);
    if (table === undefined) continue;
    const address = rowsAddress(db.key, table.schema as string, table.name);
    const record = rowsRecord(recorded(address));
    let filter: RowFilter;
    try {
      filter = rowFilter(db, table, record?.window ?? null, input.sourceNow, input.refreshWindows);
    } catch (e: unknown) {
      diagnostics.push({ severity: 'error', message: `${display(table)}: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    const leaves = leafTables(table, desired);
    const recreated = [table, ...leaves].some((t) => {
      const a = input.tableActions.get(t.key);
      return a === 'create' || a === 'replace';
    });
    const facts = input.target?.tables[key];
    const exists = facts !== undefined && !recreated;
    const hasRows = exists && facts.hasRows;
    const owned = record !== null || input.databaseOwned;
    const same = record !== null && record.filter === filter.filter && record.where === filter.where && record.target_database === db.targetDatabase;
    // The engine records the oid of the step's first copied table: the table itself, or a partitioned table's first leaf.
    const copiedOid = input.target?.tables[leaves[0]?.key ?? key]?.oid;
    const sync = input.sync;
    // Rows copied without this slot's snapshot (a one-off copy, another slot) cannot meet its stream.
    const offStream = sync !== null && (record?.slot ?? null) !== sync.slot;
    const replaced = input.replace.has(address);
    if ((input.recopy || replaced) && sync === null && record !== null && record.status === 'copied' && exists) {
      const reason = input.recopy ? '--no-resume: the rows copied earlier are discarded and copied again from the start' : `--replace: the rows copied earlier are discarded and copied again${filter.filter === null ? '' : ` (where ${filter.filter})`}`;
      planned.set(key, { table, leaves, filter, record, action: 'replace', destructive: hasRows, reasons: [reason], truncate: hasRows });
      continue;
    }
    if (record !== null && record.status === 'copied' && same && exists && copiedOid === record.target_oid && !offStream && sync?.mode !== 'fresh') {
      unchanged.set(key, { table, filter, record });
      continue;
    }
    if (record !== null && record.status === 'copied' && exists && copiedOid === record.target_oid && !offStream && sync?.mode !== 'fresh' && narrows(record, filter)) {
      narrowed.push(narrowStep(input, table, leaves, record, filter));
      continue;
    }
    if (record !== null && record.status === 'copied' && same && exists && copiedOid === record.target_oid && sync !== null) {
      const reason = sync.force?.reason ?? `the rows were copied ${record.slot == null ? 'once, without a slot' : `for slot ${record.slot}`}, so they cannot meet the stream of slot ${sync.slot}: they are copied again inside its snapshot`;
      planned.set(key, { table, leaves, filter, record, action: 'replace', destructive: hasRows && (sync.force?.destructive ?? true), reasons: [reason], truncate: hasRows });
      continue;
    }
    const p: Planned = { table, leaves, filter, record, action: 'create', destructive: false, reasons: [], truncate: hasRows };
    if (record === null) {
      if (hasRows && !owned) {
        p.action = 'replace';
        p.destructive = true;
        p.reasons.push(`the target table ${display(table)} has rows pgrepl did not copy: they are emptied and replaced by the source's`);
      } else {
        p.reasons.push(`rows of ${display(table)} not copied yet${filter.filter === null ? '' : ` (where ${filter.filter})`}`);
      }
    } else if (record.status === 'copying') {
      p.reasons.push(`the copy of database ${db.key} was interrupted: its tables are copied again from the start`);
    } else if (record.target_database !== db.targetDatabase) {
      p.reasons.push(`the target database changed: ${record.target_database} -> ${db.targetDatabase}`);
      if (hasRows) { p.action = 'replace'; p.destructive = true; }
    } else if (!same) {
      p.action = 'replace';
      p.destructive = true;
      p.reasons.push(`filter changed: ${record.filter ?? '(every row)'} -> ${filter.filter ?? '(every row)'}`);
    } else {
      p.reasons.push(recreated
        ? `the table ${display(table)} is made again by this plan, so its rows are copied again`
        : `the target table ${display(table)} was dropped or made again since the copy`);
      if (hasRows) {
        p.action = 'replace';
        p.destructive = true;
        p.reasons.push('the table now holds rows pgrepl did not copy');
      }
    }
    planned.set(key, p);
  }

  const fks = foreignKeys(desired).map((fk) => ({ ...fk, child: rootOf(fk.child, byKey), parent: rootOf(fk.parent, byKey) }));
  closeTruncation(input, fks, byKey, schemaOnlySet, planned, unchanged, diagnostics);
  const groups = truncateGroups(fks, planned);
  batchSmallTables(planned, groups, input.sizes);

  const steps: Omit<PlanStep, 'index'>[] = [];
  for (const key of [...planned.keys()].sort()) {
    const p = planned.get(key) as Planned;
    const tableCreated = p.record?.table_created ?? (input.databaseOwned || input.tableActions.get(key) === 'create');
    const sync = input.sync;
    const streamed = sync?.streamFilters.has(key) === true;
    const after: RowsAttributes = {
      kind: 'table', target_database: db.targetDatabase, where: p.filter.where, window: p.filter.window, filter: p.filter.filter, table_created: tableCreated,
      mode: sync === null ? 'snapshot' : (sync.mode === 'steady' || sync.native) && streamed ? 'native' : 'stream',
      slot: sync === null ? null : sync.slot,
      ...(streamed ? { stream_filter: sync?.streamFilters.get(key) ?? null } : {}),
    };
    if (sync !== null && (sync.mode === 'steady' || sync.native) && streamed) {
      steps.push({
        address: rowsAddress(db.key, p.table.schema as string, p.table.name), action: p.action, destructive: p.destructive,
        reason: [...p.reasons, 'PostgreSQL copies them (REFRESH PUBLICATION WITH (copy_data = true)) while the stream goes on'].join('; '),
        before: p.record === null ? null : recordAttributes(p.record), after, operations: truncateOps(p, key, groups, planned), sqlPreview: [],
      });
      continue;
    }
    const ops: Operation[] = p.leaves.map((leaf): DataCopyOperation => ({
      type: 'data-copy',
      table: { schema: leaf.schema as string, name: leaf.name },
      columns: copyColumns(leaf),
      filter: p.filter.filter,
      truncateFirst: p.truncate ? [{ schema: leaf.schema as string, name: leaf.name }] : [],
      group: groups.get(key) ?? null,
      estimate: estimateOf(input.sizes[leaf.key], input.throughput),
    }));
    const sequences = identitySequences(p.table);
    if (sequences.length > 0) ops.push({ type: 'sequence-values', sequences } satisfies SequenceValuesOperation);
    steps.push({
      address: rowsAddress(db.key, p.table.schema as string, p.table.name),
      action: p.action,
      reason: p.reasons.join('; '),
      destructive: p.destructive,
      before: p.record === null ? null : recordAttributes(p.record),
      after,
      operations: ops,
      sqlPreview: [],
    });
  }
  for (const s of steps) {
    const preview = s.operations.flatMap((o) => (o.type === 'sql' ? o.statements.map((st) => st.sql) : []));
    if (preview.length > 0) (s as { sqlPreview: readonly string[] }).sqlPreview = preview;
  }
  steps.push(...narrowed);
  steps.push(...sequenceSteps(input, planned.size > 0 && input.sync?.mode !== 'steady'));
  const desiredAddresses = new Set([
    ...[...planned.values(), ...unchanged.values()].map((p) => rowsAddress(db.key, p.table.schema as string, p.table.name)),
    ...narrowed.map((s) => s.address),
    ...desired.objects.filter((o) => o.kind === 'sequence').map((o) => rowsAddress(db.key, o.schema as string, o.name)),
  ]);
  return { steps, diagnostics, desired: desiredAddresses, copied: [...planned.keys()].sort() };
}

/**
 * A table PostgreSQL's table sync will copy must be empty: ONE TRUNCATE per truncation group (never CASCADE), on the
 * group's first table's step, before the pre-data (after the table left the subscription in the detach stage).
 */
function truncateOps(p: Planned, key: ObjectKey, groups: ReadonlyMap<ObjectKey, string>, planned: ReadonlyMap<ObjectKey, Planned>): Operation[] {
  if (!p.truncate) return [];
  const group = groups.get(key);
  const members = group === undefined ? [key] : [...planned.keys()].filter((k) => groups.get(k) === group).sort();
  if (members[0] !== key) return [];
  const leaves = members.flatMap((k) => planned.get(k)?.leaves ?? []);
  const sql = truncateTablesSql(leaves.map((l) => ({ schema: l.schema as string, name: l.name })));
  return [{ type: 'sql', side: 'target', stage: 'pre-data', order: -1, statements: [{ sql, transactional: true, phase: 'pre-data', object: key, destructive: true }] }];
}

function recordAttributes(r: RowsRecord): RowsAttributes {
  return { kind: r.kind, target_database: r.target_database, where: r.where, window: r.window, filter: r.filter, table_created: r.table_created };
}

/** Emptying a table empties every copied table referencing it (forced re-copy); anything else referencing it is an error. */
function closeTruncation(input: RowsPlanInput, fks: readonly ForeignKey[], byKey: ReadonlyMap<ObjectKey, TableObject>, schemaOnly: ReadonlySet<ObjectKey>,
  planned: Map<ObjectKey, Planned>, unchanged: Map<ObjectKey, { table: TableObject; filter: RowFilter; record: RowsRecord }>, out: Diagnostic[]): void {
  const scope = new Set(input.desired.objects.map((o) => o.key));
  const targetFks = input.target === null ? [] : foreignKeys(input.target.model);
  const reported = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [key, p] of planned) {
      if (!p.truncate) continue;
      const emptied = new Set([key, ...p.leaves.map((l) => l.key)]);
      for (const fk of fks) {
        if (fk.parent !== key || fk.child === key) continue;
        const child = planned.get(fk.child);
        if (child !== undefined) {
          if (!child.truncate && input.target?.tables[fk.child] !== undefined) { child.truncate = true; changed = true; }
          continue;
        }
        const kept = unchanged.get(fk.child);
        if (kept !== undefined) {
          unchanged.delete(fk.child);
          planned.set(fk.child, {
            table: kept.table, leaves: leafTables(kept.table, input.desired), filter: kept.filter, record: kept.record, action: 'replace',
            destructive: p.destructive, truncate: true,
            reasons: [`references ${display(p.table)} (foreign key ${fk.name}), which is emptied and copied again`],
          });
          changed = true;
        } else if (schemaOnly.has(fk.child) && input.target?.tables[fk.child] !== undefined) {
          const child2 = byKey.get(fk.child);
          const id = `so:${fk.child}:${key}`;
          if (!reported.has(id) && child2 !== undefined) {
            reported.add(id);
            out.push({ severity: 'error', message: `${display(p.table)} must be emptied to be copied again, but the schema-only table ${display(child2)} references it (foreign key ${fk.name}); pgrepl never truncates with CASCADE`, hints: [`copy the rows of ${display(child2)} too, or empty it yourself`] });
          }
        }
      }
      for (const fk of targetFks) {
        if (!emptied.has(fk.parent) || scope.has(fk.child)) continue;
        const id = `out:${fk.child}:${fk.name}`;
        if (reported.has(id)) continue;
        reported.add(id);
        out.push({
          severity: 'error',
          message: `the target table ${fk.child.slice(fk.child.indexOf(':') + 1)} is not managed by this spec and references ${display(p.table)} (foreign key ${fk.name}): ${display(p.table)} cannot be emptied for a copy, and pgrepl never truncates with CASCADE`,
          hints: [`drop that foreign key on the target, or add ${fk.child.slice(fk.child.indexOf(':') + 1)} to the spec`],
        });
      }
    }
  }
}

/** Union of tables emptied together (FK-connected among the emptied ones): each group is ONE TRUNCATE in one transaction. */
function truncateGroups(fks: readonly ForeignKey[], planned: ReadonlyMap<ObjectKey, Planned>): Map<ObjectKey, string> {
  const parent = new Map<ObjectKey, ObjectKey>();
  const find = (k: ObjectKey): ObjectKey => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) as ObjectKey;
    return r;
  };
  for (const [k, p] of planned) if (p.truncate) parent.set(k, k);
  for (const fk of fks) {
    if (!parent.has(fk.child) || !parent.has(fk.parent) || fk.child === fk.parent) continue;
    const [a, b] = [find(fk.child), find(fk.parent)];
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const members = new Map<ObjectKey, ObjectKey[]>();
  for (const k of parent.keys()) members.set(find(k), [...(members.get(find(k)) ?? []), k]);
  const out = new Map<ObjectKey, string>();
  for (const [root, keys] of members) {
    const multi = keys.length > 1 || (planned.get(root)?.leaves.length ?? 0) > 1;
    if (multi) for (const k of keys) out.set(k, `truncate:${root}`);
  }
  return out;
}

/** A table below this size is copied in a batch with other small ones (one transaction, one worker). */
export const SMALL_TABLE_BYTES = 1_048_576;
/** A batch holds at most this many tables and this many bytes, so the two workers still share the work. */
export const BATCH_MAX_TABLES = 64;
export const BATCH_MAX_BYTES = 8 * 1_048_576;

/**
 * Small tables without a truncation group share copy units: each unit is one transaction with one trigger guard,
 * so 1,000 tiny tables cost tens of commits instead of a thousand (measured: ~8 round trips per table copied alone).
 */
function batchSmallTables(planned: ReadonlyMap<ObjectKey, Planned>, groups: Map<ObjectKey, string>, sizes: Readonly<Record<string, TableSize>>): void {
  let batch: ObjectKey[] = [];
  let bytes = 0;
  let n = 0;
  const flush = (): void => {
    if (batch.length > 1) for (const k of batch) groups.set(k, `batch:${n}`);
    if (batch.length > 0) n++;
    batch = [];
    bytes = 0;
  };
  for (const key of [...planned.keys()].sort()) {
    if (groups.has(key)) continue;
    const p = planned.get(key) as Planned;
    const size = p.leaves.reduce((sum, l) => sum + Math.max(0, sizes[l.key]?.bytes ?? 0), 0);
    if (size >= SMALL_TABLE_BYTES) continue;
    if (batch.length >= BATCH_MAX_TABLES || bytes + size > BATCH_MAX_BYTES) flush();
    batch.push(key);
    bytes += size;
  }
  flush();
}

/** Sequence values come from the copy's snapshot: set when never set, or again whenever this database copies rows. */
function sequenceSteps(input: RowsPlanInput, copying: boolean): Omit<PlanStep, 'index'>[] {
  const out: Omit<PlanStep, 'index'>[] = [];
  const recorded = resourceFinder(input.state);
  for (const s of input.desired.objects) {
    if (s.kind !== 'sequence') continue;
    const address = rowsAddress(input.db.key, s.schema as string, s.name);
    const record = rowsRecord(recorded(address));
    const fresh = record === null || record.status !== 'copied' || record.target_database !== input.db.targetDatabase;
    const replaced = input.replace.has(address);
    if (!fresh && !copying && !replaced) continue;
    const after: RowsAttributes = { kind: 'sequence', target_database: input.db.targetDatabase, where: null, window: null, filter: null, table_created: false };
    out.push({
      address,
      action: record === null ? 'create' : 'update',
      reason: fresh ? `value of sequence ${quoteQualified(s.schema as string, s.name)} not set yet`
        : copying ? 'tables of this database are copied, so the sequence value is taken again from the same snapshot'
        : '--replace: the sequence value is taken again from the source',
      destructive: false,
      before: record === null ? null : recordAttributes(record),
      after,
      operations: [{ type: 'sequence-values', sequences: [{ schema: s.schema as string, name: s.name }] }],
      sqlPreview: [],
    });
  }
  return out;
}

/**
 * The same `where` and a time window on the same column whose lower bound moved later (apply --refresh-windows):
 * every row the new window selects is already there, so nothing is copied. Rows now outside stay (prune: false) or
 * are deleted (prune: true, destructive). A window moving earlier, or any other filter change, needs a copy.
 */
function narrows(record: RowsRecord, filter: RowFilter): boolean {
  return record.filter !== filter.filter && record.where === filter.where && record.window !== null && filter.window !== null &&
    record.window.column === filter.window.column && filter.window.bound >= record.window.bound;
}

function narrowStep(input: RowsPlanInput, table: TableObject, leaves: readonly TableObject[], record: RowsRecord, filter: RowFilter): Omit<PlanStep, 'index'> {
  const { db } = input;
  const after: RowsAttributes = {
    ...recordAttributes(record), where: filter.where, window: filter.window, filter: filter.filter,
    ...(record.mode === undefined ? {} : { mode: record.mode }), ...(record.slot === undefined ? {} : { slot: record.slot }),
    ...(input.sync?.streamFilters.has(table.key) === true ? { stream_filter: input.sync.streamFilters.get(table.key) ?? null } : {}),
  };
  const targets = leaves.length > 0 ? leaves : [table];
  const prune = db.prune && filter.filter !== null
    ? targets.map((t) => pruneRowsSql({ schema: t.schema as string, name: t.name }, filter.filter as string))
    : [];
  return {
    address: rowsAddress(db.key, table.schema as string, table.name), action: 'update', destructive: prune.length > 0,
    reason: `the time window moved later (${record.window?.bound ?? '?'} -> ${filter.window?.bound ?? '?'}): nothing is copied; ${prune.length > 0 ? 'rows now outside it are deleted (prune: true)' : 'rows now outside it stay on the target (prune: false)'}`,
    before: recordAttributes(record), after,
    operations: prune.length === 0 ? [] : [{ type: 'sql', side: 'target', stage: 'post-data', order: Number.MAX_SAFE_INTEGER, statements: prune.map((sql) => ({ sql, transactional: true, phase: 'post-data' as const, object: table.key, destructive: true })) }],
    sqlPreview: prune,
  };
}
