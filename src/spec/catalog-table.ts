// The catalog facts table selection needs, so src/spec stays free of SQL: introspection (src/pg/catalog)
// fills these from pg_class.
import type { TableName } from './model.js';

/**
 * What a relation is, from `pg_class`: `relispartition` -> 'partition' (leaf or intermediate, whatever its
 * relkind); otherwise relkind r -> 'table', p -> 'partitioned', v -> 'view', m -> 'matview', f -> 'foreign'.
 * Only 'table' and 'partitioned' can be selected: a partitioned table is copied and published as a whole
 * (its partitions with it), never a partition on its own; views, materialised views and foreign tables hold
 * no rows of their own to replicate (their definitions come with the schema).
 */
export type CatalogTableKind = 'table' | 'partitioned' | 'partition' | 'view' | 'matview' | 'foreign';

export interface CatalogTable extends TableName {
  readonly kind: CatalogTableKind;
  /** For a partition: the top-level partitioned table it belongs to (named in messages). */
  readonly partitionRoot?: TableName;
  /** `relpersistence = 'u'`: selected like any table, copied, never streamed (the sync work warns). */
  readonly unlogged?: boolean;
}

export const SELECTABLE_KINDS: readonly CatalogTableKind[] = ['table', 'partitioned'];

export function isSelectable(t: CatalogTable): boolean {
  return SELECTABLE_KINDS.includes(t.kind);
}
