// SQL the planner puts into rows steps outside the copy itself: emptying tables (ONE statement for a group that
// foreign keys tie together, never CASCADE) and deleting the rows a narrowed time window leaves (prune). Pure.
import { quoteQualified } from '../sql/quote.js';
import type { QualifiedName } from './apply-sql.js';

/** `TRUNCATE TABLE ONLY a, ONLY b`: ONLY, so a partitioned table's leaves are named one by one by the caller. */
export function truncateTablesSql(tables: readonly QualifiedName[]): string {
  if (tables.length === 0) throw new Error('truncateTablesSql needs at least one table');
  return `TRUNCATE TABLE ${tables.map((t) => `ONLY ${quoteQualified(t.schema, t.name)}`).join(', ')}`;
}

/** Deletes the rows of one table (leaf) that `filter` no longer selects. */
export function pruneRowsSql(table: QualifiedName, filter: string): string {
  return `DELETE FROM ONLY ${quoteQualified(table.schema, table.name)} WHERE NOT (${filter})`;
}
