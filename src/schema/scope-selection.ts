// Glue from the spec's table selection (src/spec selectTables: tables with rows and schema-only tables) to the
// table keys computeSchemaScope takes. Both kinds need their structure on the target, so both are selected.
import { objectKey } from '../model/object-key.js';
import type { ObjectKey } from '../model/schema.js';

/** A table as the spec names it (structurally src/spec's TableName; src/schema does not depend on src/spec). */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

export interface SelectedTables {
  readonly selected: readonly TableName[];
  readonly schemaOnly: readonly TableName[];
}

/** Table keys of everything the spec selects (rows or structure only), sorted, without duplicates. */
export function selectedTableKeys(selection: SelectedTables): ObjectKey[] {
  const keys = [...selection.selected, ...selection.schemaOnly].map((t) => objectKey('table', t.schema, t.table));
  return [...new Set(keys)].sort();
}
