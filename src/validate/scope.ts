// Which tables of one database pgrepl will stream, copy or create empty, with the leaf partitions of every
// partitioned table and the sequences the tables use. Pure: spec + catalog -> scope.
import type { DatabaseCatalog, RelationFacts, SequenceFacts } from '../pg/catalog/validate/types.js';
import type { DatabaseSpec } from '../spec/model.js';
import { selectTables, type CatalogTable, type CatalogTableKind } from '../spec/scope.js';
import { tableSubject } from './subjects.js';

/** stream: copied, then published; copy: copied once (sync off, or unlogged); schema: structure only. */
export type TableMode = 'stream' | 'copy' | 'schema';

export interface ScopedTable {
  readonly rel: RelationFacts;
  readonly mode: TableMode;
  /** Leaf partitions at every level of a partitioned table; empty for a plain table. */
  readonly leaves: readonly RelationFacts[];
  readonly subject: string;
}

export interface UnmatchedPattern {
  /** The spec list it came from: include_tables, exclude_tables, schema_only, table_filters, time_filters, columns. */
  readonly list: string;
  /** As the user wrote it. */
  readonly pattern: string;
  readonly suggestions: readonly string[];
  /** Why a name that exists does not count (a partition, a view, out of scope, schema_only). */
  readonly note?: string;
  /** Inherited from `defaults:`: matching nothing in one database may be intended. */
  readonly fromDefaults: boolean;
}

export interface DatabaseScope {
  readonly db: DatabaseSpec;
  readonly catalog: DatabaseCatalog;
  readonly tables: readonly ScopedTable[];
  /** Sequences that selected tables own or default to. */
  readonly sequences: readonly SequenceFacts[];
  readonly unmatched: readonly UnmatchedPattern[];
}

/** The result of the spec's table selection, by relation. */
export interface TableSelection {
  /** Every table in scope, schema-only ones included. */
  readonly selected: readonly RelationFacts[];
  readonly schemaOnly: readonly RelationFacts[];
  readonly unmatched: readonly UnmatchedPattern[];
}

export type SelectTablesFn = (db: DatabaseSpec, catalog: DatabaseCatalog) => TableSelection;

function catalogKind(rel: RelationFacts): CatalogTableKind {
  if (rel.isPartition) return 'partition';
  switch (rel.kind) {
    case 'materialized view':
      return 'matview';
    case 'foreign table':
      return 'foreign';
    default:
      return rel.kind;
  }
}

/** The spec's own table selection (src/spec/scope.ts) over this catalog. */
export function specTableSelection(db: DatabaseSpec, catalog: DatabaseCatalog): TableSelection {
  const byOid = new Map(catalog.relations.map((r) => [r.oid, r]));
  const rootOf = (rel: RelationFacts): RelationFacts => {
    let cur = rel;
    for (let i = 0; i < 64 && cur.parentOid !== null; i += 1) cur = byOid.get(cur.parentOid) ?? cur;
    return cur;
  };
  const key = (schema: string, table: string): string => JSON.stringify([schema, table]);
  const byName = new Map(catalog.relations.map((r) => [key(r.schema, r.name), r]));
  const tables: CatalogTable[] = catalog.relations.map((rel) => {
    const root = rel.isPartition ? rootOf(rel) : null;
    return {
      schema: rel.schema,
      table: rel.name,
      kind: catalogKind(rel),
      ...(root ? { partitionRoot: { schema: root.schema, table: root.name } } : {}),
      ...(rel.persistence === 'unlogged' ? { unlogged: true } : {}),
    };
  });
  const back = (t: CatalogTable): RelationFacts[] => {
    const rel = byName.get(key(t.schema, t.table));
    return rel ? [rel] : [];
  };
  const sel = selectTables(db, tables);
  const inScope = new Set([...sel.selected, ...sel.schemaOnly].map((t) => key(t.schema, t.table)));
  return {
    selected: catalog.relations.filter((r) => inScope.has(key(r.schema, r.name))),
    schemaOnly: sel.schemaOnly.flatMap(back),
    unmatched: sel.unmatched.map((u) => ({
      list: u.role,
      pattern: u.pattern.raw,
      suggestions: u.suggestions,
      ...(u.note ? { note: u.note } : {}),
      fromDefaults: u.fromDefaults === true,
    })),
  };
}

/** All leaf partitions below `root`, depth first, in catalog order. */
export function leavesOf(root: RelationFacts, relations: readonly RelationFacts[]): RelationFacts[] {
  const children = new Map<number, RelationFacts[]>();
  for (const r of relations) {
    if (r.parentOid === null) continue;
    const list = children.get(r.parentOid) ?? [];
    list.push(r);
    children.set(r.parentOid, list);
  }
  const out: RelationFacts[] = [];
  const walk = (rel: RelationFacts, depth: number): void => {
    if (depth > 64) return;
    for (const child of children.get(rel.oid) ?? []) {
      if (child.kind === 'partitioned') walk(child, depth + 1);
      else out.push(child);
    }
  };
  walk(root, 0);
  return out;
}

export function scopeDatabase(db: DatabaseSpec, catalog: DatabaseCatalog, select: SelectTablesFn = specTableSelection): DatabaseScope {
  const selection = select(db, catalog);
  const schemaOnly = new Set(selection.schemaOnly.map((r) => r.oid));
  const tables: ScopedTable[] = selection.selected.map((rel) => {
    const mode: TableMode = schemaOnly.has(rel.oid)
      ? 'schema'
      : db.sync && rel.persistence === 'permanent'
        ? 'stream'
        : 'copy';
    return {
      rel,
      mode,
      leaves: rel.kind === 'partitioned' ? leavesOf(rel, catalog.relations) : [],
      subject: tableSubject(db.key, rel.schema, rel.name),
    };
  });
  const inScope = new Set<number>();
  for (const t of tables) {
    inScope.add(t.rel.oid);
    for (const l of t.leaves) inScope.add(l.oid);
  }
  const sequences = catalog.sequences.filter((s) => s.usedBy.some((oid) => inScope.has(oid)));
  return { db, catalog, tables, sequences, unmatched: selection.unmatched };
}
