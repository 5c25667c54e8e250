// User-defined casts (pg_cast rows created after initdb and not by an extension).
import type { CastObject } from '../../../model/schema.js';
import { castKey, functionKey } from '../../../model/object-key.js';
import type { Parsed } from './parsed.js';
import { commentOf, notExtensionMember, notInternal } from './sql-fragments.js';

// OIDs below FirstNormalObjectId belong to initdb's objects; a user's cast always gets a higher one.
export const FIRST_NORMAL_OBJECT_ID = 16384;

export interface CastRow {
  readonly token: string;
  readonly source: string;
  readonly target: string;
  /** [schema, name, identity arguments] of the cast function. */
  readonly function: readonly [string, string, string] | null;
  readonly method: 'f' | 'i' | 'b';
  readonly context: 'e' | 'a' | 'i';
  readonly comment: string | null;
}

export const CASTS_SQL = `
SELECT 'pg_cast:' || k.oid AS token, format_type(k.castsource, NULL) AS source, format_type(k.casttarget, NULL) AS target,
       (SELECT json_build_array(fn.nspname, f.proname, pg_get_function_identity_arguments(f.oid))
        FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = k.castfunc) AS function,
       k.castmethod::text AS method, k.castcontext::text AS context, ${commentOf('pg_cast', 'k.oid')} AS comment
FROM pg_cast k
WHERE k.oid >= ${String(FIRST_NORMAL_OBJECT_ID)} AND ${notExtensionMember('pg_cast', 'k.oid')}
  AND ${notInternal('pg_cast', 'k.oid')}
ORDER BY 2, 3`;

export function parseCast(row: CastRow): Parsed<CastObject> {
  return {
    tokens: [row.token],
    value: {
      key: castKey(row.source, row.target), kind: 'cast', schema: null, name: `${row.source} AS ${row.target}`,
      owner: null, acl: null, comment: row.comment, deps: [],
      source: row.source, target: row.target,
      function: row.function === null ? null : functionKey(...row.function),
      method: row.method, context: row.context,
    },
  };
}
