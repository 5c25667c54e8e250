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

// For each column of the list: every type reached, and whether it has binary I/O.
const TYPE_WALK_SQL = `WITH RECURSIVE walk(typid, depth) AS (
  SELECT a.atttypid, 0
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = $1::regclass AND a.attname = ANY($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT child.typid, w.depth + 1
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
SELECT DISTINCT format_type(t.oid, NULL) AS type, t.oid::int8 AS oid, t.typtype, t.typelem <> 0 AND t.typlen = -1 AS is_array,
       t.typsend <> 0 AND t.typreceive <> 0 AS has_binary
  FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typid
 ORDER BY 1`;

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

/** The format for one table's columns, read on the source session (inside its snapshot transaction). */
export async function chooseFormat(client: pg.Client, qualifiedName: string, columns: readonly string[], requested: CopyFormat | 'auto'): Promise<FormatChoice> {
  if (requested !== 'auto') return { format: requested };
  const result = await client.query<TypeRow>(TYPE_WALK_SQL, [qualifiedName, columns]);
  return formatForTypes(result.rows);
}
