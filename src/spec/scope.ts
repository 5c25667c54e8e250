// What a spec selects on a live source, given its catalog: databases, then tables per database. Pure; the
// implementations live in select-databases.ts and select-tables.ts, the catalog input type in
// catalog-table.ts. This module is the one other parts import.
export { SYSTEM_DATABASES, selectDatabases } from './select-databases.js';
export type { DatabaseChoice, DatabaseConflict, UnmatchedDatabase } from './select-databases.js';
export { selectTables, suggestTables } from './select-tables.js';
export type { TableSelection, UnmatchedRole, UnmatchedTable } from './select-tables.js';
export { isSelectable, SELECTABLE_KINDS } from './catalog-table.js';
export type { CatalogTable, CatalogTableKind } from './catalog-table.js';
