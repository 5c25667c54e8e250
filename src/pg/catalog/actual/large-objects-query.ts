// The large objects of one database, from pg_largeobject_metadata in one statement: their oids folded into ranges
// (gaps and islands: consecutive oids share `oid - row_number()`), the size of pg_largeobject (an estimate for the
// plan; its rows are readable by superusers only, so nothing finer is available without opening every object), the
// roles their owners and ACLs name (roles: copy creates them), and those the connected role may not read (lo_open
// would fail with 42501 halfway through a copy), with a few oids for the GRANT hint.
import type { LargeObjectFacts } from '../../../introspect/types.js';
import { parseRanges, type OidRange } from '../../../model/oid-ranges.js';
import type { RoleInfo } from '../../../model/schema.js';
import { withGrantedRoles } from '../schema/assemble.js';

export interface LargeObjectsRow {
  readonly count: string;
  readonly ranges: unknown;
  readonly bytes: string;
  readonly roles: readonly string[] | null;
  readonly unreadable: string;
  readonly unreadable_sample: readonly string[] | null;
}

// A role reads a large object when it is a superuser, when lo_compat_privileges is on, or when SELECT is granted to it
// (directly, through a role it inherits, or to PUBLIC); a NULL ACL is the owner's default (SELECT and UPDATE).
export const LARGE_OBJECT_READABLE = `(me.rolsuper OR pg_catalog.current_setting('lo_compat_privileges')::boolean
   OR CASE WHEN m.lomacl IS NULL THEN pg_catalog.pg_has_role(m.lomowner, 'USAGE')
           ELSE EXISTS (SELECT 1 FROM pg_catalog.aclexplode(m.lomacl) a
                         WHERE a.privilege_type = 'SELECT' AND (a.grantee = 0 OR pg_catalog.pg_has_role(a.grantee, 'USAGE'))) END)`;

/** The oids of every large object as a JSON array of [first, last] ranges, ascending (an expression). */
export const RANGES_EXPRESSION = `(SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(r.lo, r.hi) ORDER BY r.lo), '[]'::json)
          FROM (SELECT pg_catalog.min(s.o) AS lo, pg_catalog.max(s.o) AS hi
                  FROM (SELECT m.oid::int8 AS o, m.oid::int8 - pg_catalog.row_number() OVER (ORDER BY m.oid) AS g
                          FROM pg_catalog.pg_largeobject_metadata m) s
                 GROUP BY s.g) r)`;

export const LARGE_OBJECTS_SQL = `
SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata)::text AS count,
       ${RANGES_EXPRESSION} AS ranges,
       pg_catalog.pg_table_size('pg_catalog.pg_largeobject'::pg_catalog.regclass)::text AS bytes,
       (SELECT pg_catalog.array_agg(DISTINCT pg_catalog.pg_get_userbyid(x.r)::text ORDER BY pg_catalog.pg_get_userbyid(x.r)::text)
          FROM (SELECT m.lomowner AS r FROM pg_catalog.pg_largeobject_metadata m
                UNION SELECT a.grantee FROM pg_catalog.pg_largeobject_metadata m, pg_catalog.aclexplode(m.lomacl) a WHERE a.grantee <> 0
                UNION SELECT a.grantor FROM pg_catalog.pg_largeobject_metadata m, pg_catalog.aclexplode(m.lomacl) a) x) AS roles,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata m WHERE NOT ${LARGE_OBJECT_READABLE})::text AS unreadable,
       (SELECT pg_catalog.array_agg(u.oid::text ORDER BY u.oid)
          FROM (SELECT m.oid FROM pg_catalog.pg_largeobject_metadata m WHERE NOT ${LARGE_OBJECT_READABLE} ORDER BY m.oid LIMIT 5) u) AS unreadable_sample
  FROM (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) me`;

/** `allRoles`: every role of the server (roles-query.ts), to resolve the names; null leaves the roles out. */
export function parseLargeObjects(row: LargeObjectsRow, allRoles: readonly RoleInfo[] | null): LargeObjectFacts {
  const ranges = parseRanges(row.ranges);
  if (ranges === null) throw new Error(`unexpected large object ranges: ${JSON.stringify(row.ranges)}`);
  return {
    count: Number(row.count),
    ranges,
    bytes: Number(row.bytes),
    roles: allRoles === null ? [] : withGrantedRoles(allRoles, new Set(row.roles ?? [])),
    unreadable: { count: Number(row.unreadable), sample: (row.unreadable_sample ?? []).map(Number) },
  };
}

/** Every large object oid of the database the session is in, as canonical ranges (one statement). */
export async function readLargeObjectRanges(client: { query<R extends Record<string, unknown>>(sql: string): Promise<{ rows: R[] }> }): Promise<OidRange[]> {
  const v = (await client.query<{ r: unknown }>(`SELECT ${RANGES_EXPRESSION} AS r`)).rows[0]?.r;
  const ranges = parseRanges(v);
  if (ranges === null) throw new Error(`unexpected large object ranges: ${JSON.stringify(v)}`);
  return ranges;
}
