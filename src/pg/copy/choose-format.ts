// Which COPY format a table can use. Binary COPY is faster and independent of session settings, but a binary
// value is only portable when its receive function reads what the source's send function wrote:
// - every type involved needs typsend and typreceive;
// - array_recv checks the element type's OID and record_recv each attribute type's OID against the target's:
//   equal for built-in types (OIDs below 16384 are fixed), not for user types created separately on each side,
//   so an array of, or a composite attribute of, a user-defined type (enum, domain, composite) goes as text;
// - types of extensions (user base types) may change their binary format between extension versions: text.
// Scalar enums (sent as their label), composites of portable types, domains and ranges over portable types are
// portable. The walk follows domains, arrays, ranges and composite attributes down to base types.
import type pg from 'pg';
import type { CopyFormat } from './types.js';

// FirstNormalObjectId: objects created by initdb have smaller OIDs, identical in every cluster of a major.
const FIRST_NORMAL_OBJECT_ID = 16384;

// For each column of the list: every type reached, whether its OID is in the binary data (an array element or a
// composite attribute), and whether it has binary I/O.
const TYPE_WALK_SQL = `WITH RECURSIVE walk(typid, oid_checked, depth) AS (
  SELECT a.atttypid, false, 0
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = $1::regclass AND a.attname = ANY($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT child.typid, w.oid_checked OR child.oid_checked, w.depth + 1
    FROM walk w
    JOIN pg_catalog.pg_type t ON t.oid = w.typid
    CROSS JOIN LATERAL (
      SELECT t.typbasetype, false WHERE t.typtype = 'd'
      UNION ALL SELECT t.typelem, true WHERE t.typelem <> 0 AND t.typlen = -1
      UNION ALL SELECT r.rngsubtype, false FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid
      UNION ALL SELECT c.atttypid, true FROM pg_catalog.pg_attribute c
                 WHERE t.typtype = 'c' AND c.attrelid = t.typrelid AND c.attnum > 0 AND NOT c.attisdropped
    ) AS child(typid, oid_checked)
   WHERE w.depth < 32
)
SELECT DISTINCT format_type(t.oid, NULL) AS type, t.oid::int8 AS oid, t.typtype, w.oid_checked,
       t.typsend <> 0 AND t.typreceive <> 0 AS has_binary
  FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typid
 ORDER BY 1`;

interface TypeRow {
  readonly type: string;
  readonly oid: string;
  readonly typtype: string;
  readonly oid_checked: boolean;
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
    if (t.oid_checked) return { format: 'text', reason: `binary COPY checks the OID of ${t.type} (an array element or composite attribute), which differs between databases` };
    if (t.typtype === 'b' || t.typtype === 'm' || t.typtype === 'p') return { format: 'text', reason: `type ${t.type} is an extension or user type whose binary format may differ` };
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
