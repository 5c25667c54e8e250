// Which tables of one source database a DatabaseSpec selects, given its catalog. Pure: introspection supplies
// the tables. Everything the spec names that selects nothing is returned in `unmatched` with close matches,
// so `validate` can report typos before anything runs.
import { closeMatches } from '../util/suggest.js';
import { isSelectable, type CatalogTable } from './catalog-table.js';
import type { DatabaseSpec, TableName, TablePattern } from './model.js';
import { formatTableName, tableMatches } from './table-pattern.js';

/** Which part of the spec an unmatched entry comes from. */
export type UnmatchedRole = 'include_tables' | 'exclude_tables' | 'schema_only' | 'table_filters' | 'time_filters' | 'columns';

export interface UnmatchedTable {
  readonly pattern: TablePattern;
  /** Close names of selectable tables, best first (at most 3). */
  readonly suggestions: string[];
  readonly role: UnmatchedRole;
  /** Why a name that exists does not count: a partition, a view, a table out of scope. */
  readonly note?: string;
  /** Inherited from `defaults:`: matching nothing in this database may be fine (a warning, not an error). */
  readonly fromDefaults?: boolean;
}

export interface TableSelection {
  /** In scope and copied with rows (filters apply), in catalog order. */
  readonly selected: CatalogTable[];
  /** In scope, structure only. */
  readonly schemaOnly: CatalogTable[];
  readonly unmatched: UnmatchedTable[];
}

export function selectTables(db: DatabaseSpec, tables: readonly CatalogTable[]): TableSelection {
  const selectable = tables.filter(isSelectable);
  const inScope = (t: TableName) => (db.include === null || db.include.some((p) => tableMatches(p, t))) && !db.exclude.some((p) => tableMatches(p, t));
  const scoped = selectable.filter(inScope);
  const isSchemaOnly = (t: TableName) => db.schemaOnly.some((p) => tableMatches(p, t));
  const selected = scoped.filter((t) => !isSchemaOnly(t));
  const schemaOnly = scoped.filter(isSchemaOnly);

  const unmatched: UnmatchedTable[] = [];
  const report = (pattern: TablePattern, role: UnmatchedRole, note?: string) => {
    const why = explain(pattern, tables) ?? note;
    unmatched.push({
      pattern,
      role,
      suggestions: suggestTables(pattern, selectable),
      ...(why ? { note: why } : {}),
      ...(pattern.fromDefaults ? { fromDefaults: true } : {}),
    });
  };
  for (const p of db.include ?? []) if (!selectable.some((t) => tableMatches(p, t))) report(p, 'include_tables');
  for (const p of db.exclude) if (!selectable.some((t) => tableMatches(p, t))) report(p, 'exclude_tables');
  for (const p of db.schemaOnly) {
    if (scoped.some((t) => tableMatches(p, t))) continue;
    report(p, 'schema_only', selectable.some((t) => tableMatches(p, t)) ? 'only tables outside include_tables/exclude_tables match it' : undefined);
  }
  const entries: { t: TableName & { position?: TablePattern['position']; fromDefaults?: boolean }; role: UnmatchedRole }[] = [
    ...db.tableFilters.map((t) => ({ t, role: 'table_filters' as const })),
    ...db.timeFilters.map((t) => ({ t, role: 'time_filters' as const })),
    ...db.columnLists.map((t) => ({ t, role: 'columns' as const })),
  ];
  for (const { t, role } of entries) {
    if (selected.some((s) => s.schema === t.schema && s.table === t.table)) continue;
    const pattern = exactPattern(t);
    const isScopedSchemaOnly = schemaOnly.some((s) => s.schema === t.schema && s.table === t.table);
    const exists = selectable.some((s) => s.schema === t.schema && s.table === t.table);
    report(pattern, role, isScopedSchemaOnly ? 'it is schema_only: it gets no rows' : exists ? 'include_tables/exclude_tables leave it out' : undefined);
  }
  return { selected, schemaOnly, unmatched };
}

function exactPattern(t: TableName & { position?: TablePattern['position']; fromDefaults?: boolean }): TablePattern {
  return {
    schema: t.schema,
    table: t.table,
    schemaGlob: false,
    tableGlob: false,
    raw: formatTableName(t),
    ...(t.position ? { position: t.position } : {}),
    ...(t.fromDefaults ? { fromDefaults: true } : {}),
  };
}

/** Says why an exact name that exists in the catalog is not selectable. */
function explain(p: TablePattern, tables: readonly CatalogTable[]): string | undefined {
  if (p.schemaGlob || p.tableGlob) return undefined;
  const hit = tables.find((t) => t.schema === p.schema && t.table === p.table && !isSelectable(t));
  if (!hit) return undefined;
  switch (hit.kind) {
    case 'partition':
      return hit.partitionRoot
        ? `it is a partition of ${formatTableName(hit.partitionRoot)}: select the partitioned table, which brings every partition`
        : 'it is a partition: select its partitioned table, which brings every partition';
    case 'view':
      return 'it is a view: only tables hold rows to copy (views come with the schema)';
    case 'matview':
      return 'it is a materialised view: only tables hold rows to copy (refresh it on the target)';
    case 'foreign':
      return 'it is a foreign table: its rows live on another server';
    default:
      return undefined;
  }
}

/**
 * Close names for a pattern: the same table name in other schemas first (the usual slip is a bare name for a
 * table outside `public`), then near spellings of the whole name, then of the table part within the schema.
 */
export function suggestTables(p: TablePattern, candidates: readonly TableName[], max = 3): string[] {
  const out: string[] = [];
  const add = (name: string) => {
    if (!out.includes(name) && name !== p.raw) out.push(name);
  };
  const tableLower = p.table.toLowerCase();
  for (const c of candidates) if (c.table.toLowerCase() === tableLower) add(formatTableName(c));
  const names = candidates.map(formatTableName);
  const wanted = p.schemaGlob || p.tableGlob ? p.raw : formatTableName(p);
  for (const n of closeMatches(wanted, names, max)) add(n);
  const sameSchema = candidates.filter((c) => c.schema === p.schema);
  for (const n of closeMatches(p.table, sameSchema.map((c) => c.table), max)) {
    const c = sameSchema.find((s) => s.table === n);
    if (c) add(formatTableName(c));
  }
  return out.slice(0, max);
}
