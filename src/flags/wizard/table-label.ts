// How the picker names a table: `schema.table`, each part quoted like an identifier only when it needs it, so
// `public.events` reads naturally and `"my schema"."a.b"` stays unambiguous.
import type { CatalogTable, ExactTable } from '../types.js';

const PLAIN = /^[a-z_][a-z0-9_$]*$/;

function part(name: string): string {
  return PLAIN.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function tableName(t: ExactTable): string {
  return `${part(t.schema)}.${part(t.table)}`;
}

/** `public.events (~12,000 rows)`; reltuples -1 (never analysed) says so instead of guessing. */
export function tableLabel(t: CatalogTable): string {
  const n = Math.round(t.estimatedRows);
  const rows = n < 0 ? 'rows unknown' : `~${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
  return `${tableName(t)} (${rows})`;
}

export function exact(t: ExactTable): ExactTable {
  return { schema: t.schema, table: t.table };
}
