// Step 2 for one database: excluded tables, then schema-only among the rest, then time filters among the tables
// that still get rows. Returns null when the database keeps every table with all its rows (no per-database
// entry is needed then).
import type { CatalogView, ResolvedDatabase } from '../types.js';
import { pickExcludedTables } from './pick-excluded-tables.js';
import { pickSchemaOnlyTables } from './pick-schema-only-tables.js';
import { pickTimeFilters } from './pick-time-filters.js';
import { say } from './prompt-context.js';
import { exact } from './table-label.js';
import type { PickerIo } from './types.js';

export async function pickDatabaseSettings(database: string, catalog: CatalogView, io: PickerIo): Promise<ResolvedDatabase | null> {
  const tables = await catalog.tables(database);
  if (tables.length === 0) {
    say(io, [`'${database}' has no tables to choose from: its schema is copied as it is.`]);
    return null;
  }
  const excluded = await pickExcludedTables(database, tables, io);
  const kept = tables.filter((t) => !excluded.includes(t));
  const schemaOnly = kept.length > 0 ? await pickSchemaOnlyTables(database, kept, io) : [];
  const withRows = kept.filter((t) => !schemaOnly.includes(t));
  const timeFilters = withRows.length > 0 ? await pickTimeFilters(database, withRows, io) : [];
  if (excluded.length === 0 && schemaOnly.length === 0 && timeFilters.length === 0) return null;
  return {
    name: database,
    includeTables: null,
    excludeTables: excluded.map(exact),
    schemaOnly: schemaOnly.map(exact),
    tableFilters: [],
    timeFilters,
  };
}
