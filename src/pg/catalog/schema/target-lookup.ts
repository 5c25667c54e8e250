// What a target's catalogs hold by name, for checkTargetCompatibility (src/schema/compat.ts): pg_catalog's
// functions, types (as format_type prints them), collations and operators, and every role. One statement.
import type { ClientBase } from 'pg';
import type { TargetCatalogLookup } from '../../../schema/compat.js';
import { PgreplError } from '../../../util/errors.js';

export interface TargetLookupRow {
  readonly functions: readonly string[] | null;
  readonly types: readonly string[] | null;
  readonly collations: readonly string[] | null;
  readonly operators: readonly string[] | null;
  readonly roles: readonly string[] | null;
}

// Only pg_catalog: user and extension objects are created by the plan (an extension's own come with it).
// format_type(oid, NULL) prints pg_catalog types unqualified whatever the search_path (pg_catalog is always on it).
export const TARGET_LOOKUP_SQL = `
SELECT (SELECT array_agg(DISTINCT p.proname::text ORDER BY p.proname::text)
          FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace) AS functions,
       (SELECT array_agg(DISTINCT pg_catalog.format_type(t.oid, NULL) ORDER BY pg_catalog.format_type(t.oid, NULL))
          FROM pg_catalog.pg_type t WHERE t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace) AS types,
       (SELECT array_agg(DISTINCT c.collname::text ORDER BY c.collname::text)
          FROM pg_catalog.pg_collation c WHERE c.collnamespace = 'pg_catalog'::pg_catalog.regnamespace) AS collations,
       (SELECT array_agg(DISTINCT o.oprname::text ORDER BY o.oprname::text)
          FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'pg_catalog'::pg_catalog.regnamespace) AS operators,
       (SELECT array_agg(r.rolname::text ORDER BY r.rolname::text) FROM pg_catalog.pg_roles r) AS roles`;

export function parseTargetLookup(row: TargetLookupRow): TargetCatalogLookup {
  return {
    functions: new Set(row.functions ?? []),
    types: new Set(row.types ?? []),
    collations: new Set(row.collations ?? []),
    operators: new Set(row.operators ?? []),
    roles: new Set(row.roles ?? []),
  };
}

/** Read the lookup from the connected target database (read-only; any session settings do). */
export async function readTargetCatalogLookup(client: ClientBase): Promise<TargetCatalogLookup> {
  const { rows } = await client.query<TargetLookupRow>(TARGET_LOOKUP_SQL);
  const [row] = rows;
  if (row === undefined) throw new PgreplError('the target catalog lookup returned no row');
  return parseTargetLookup(row);
}
