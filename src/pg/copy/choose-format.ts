// Which COPY format a table can use. Binary COPY is faster and independent of session settings; it needs:
// - typsend and typreceive for every type involved (a few built-ins, e.g. aclitem, lack them);
// - no extension (user-defined base) type anywhere in the column's type: its binary format is the extension's
//   own and may differ between the extension versions installed on source and target.
// Enums (sent as labels), enum arrays, composites (also with enum attributes), arrays of composites and of
// domains, ranges: binary works between databases whose OIDs for these types differ (verified 15 -> 17: the
// receivers do not refuse the element/attribute OIDs in the data), so these stay binary. The walk follows
// domains, arrays, ranges and composite attributes down to base types.
import type pg from 'pg';
import type { CopyFormat } from './types.js';

// FirstNormalObjectId: objects created by initdb have smaller OIDs, identical in every cluster of a major.
const FIRST_NORMAL_OBJECT_ID = 16384;

// For the columns of each table ($1: qualified names; $2: a JSON array of their column lists, in the same order):
// every type reached, and whether it has binary I/O, by table position (1-based). One query for a whole unit.
const TYPE_WALK_SQL = `WITH RECURSIVE walk(ord, typid, depth) AS (
  SELECT r.ord, a.atttypid, 0
    FROM unnest($1::text[]) WITH ORDINALITY AS r(name, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = r.name::regclass
   WHERE a.attname IN (SELECT jsonb_array_elements_text($2::jsonb -> (r.ord::int - 1))) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT w.ord, child.typid, w.depth + 1
    FROM walk w
    JOIN pg_catalog.pg_type t ON t.oid = w.typid
    CROSS JOIN LATERAL (
      SELECT t.typbasetype WHERE t.typtype = 'd'
      UNION ALL SELECT t.typelem WHERE t.typelem <> 0 AND t.typlen = -1
      UNION ALL SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid
      UNION ALL SELECT c.atttypid FROM pg_catalog.pg_attribute c
                 WHERE t.typtype = 'c' AND c.attrelid = t.typrelid AND c.attnum > 0 AND NOT c.attisdropped
    ) AS child(typid)
   WHERE w.depth < 32
)
SELECT DISTINCT w.ord::int AS ord, format_type(t.oid, NULL) AS type, t.oid::int8 AS oid, t.typtype,
       t.typelem <> 0 AND t.typlen = -1 AS is_array, t.typsend <> 0 AND t.typreceive <> 0 AS has_binary
  FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typid
 ORDER BY 1, 2`;

interface TypeRow {
  readonly type: string;
  readonly oid: string;
  readonly typtype: string;
  /** Arrays are base types too; their element is walked and judged on its own. */
  readonly is_array: boolean;
  readonly has_binary: boolean;
}

export interface FormatChoice {
  readonly format: CopyFormat;
  /** Why text was chosen under 'auto', naming the type. */
  readonly reason?: string;
}

/** Pure rule over the walked types (unit-tested). */
export function formatForTypes(types: readonly TypeRow[]): FormatChoice {
  for (const t of types) {
    if (!t.has_binary) return { format: 'text', reason: `type ${t.type} has no binary send/receive functions` };
    const user = Number(t.oid) >= FIRST_NORMAL_OBJECT_ID;
    if (!user) continue;
    if (t.typtype === 'b' && !t.is_array) return { format: 'text', reason: `type ${t.type} is an extension type whose binary format may differ between versions` };
  }
  return { format: 'binary' };
}

export type { TypeRow as WalkedType };

export interface FormatQuestion {
  /** Quoted `schema.table`. */
  readonly qualifiedName: string;
  readonly columns: readonly string[];
}

/** The format for each table's columns (in the order given), read on the source session inside its snapshot. */
export async function chooseFormats(client: pg.Client, tables: readonly FormatQuestion[], requested: CopyFormat | 'auto'): Promise<FormatChoice[]> {
  if (requested !== 'auto') return tables.map(() => ({ format: requested }));
  if (tables.length === 0) return [];
  const result = await client.query<TypeRow & { readonly ord: number }>(TYPE_WALK_SQL, [
    tables.map((t) => t.qualifiedName), JSON.stringify(tables.map((t) => t.columns)),
  ]);
  const byTable = tables.map((): TypeRow[] => []);
  for (const row of result.rows) byTable[row.ord - 1]?.push(row);
  return byTable.map(formatForTypes);
}
