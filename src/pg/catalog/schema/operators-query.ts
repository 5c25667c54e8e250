// User-defined operators with their function, commutator/negator and selectivity estimators.
import type { OperatorObject } from '../../../model/schema.js';
import { functionKey, operatorKey } from '../../../model/object-key.js';
import type { Parsed } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface OperatorRow {
  readonly token: string;
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly left: string | null;
  readonly right: string | null;
  /** [schema, name, identity arguments]. */
  readonly function: readonly [string, string, string];
  readonly commutator: string | null;
  readonly negator: string | null;
  readonly restrict: string | null;
  readonly join: string | null;
  readonly hashes: boolean;
  readonly merges: boolean;
}

export const OPERATORS_SQL = `
SELECT 'pg_operator:' || o.oid AS token, n.nspname::text AS schema, o.oprname::text AS name,
       pg_get_userbyid(o.oprowner)::text AS owner, ${commentOf('pg_operator', 'o.oid')} AS comment,
       CASE WHEN o.oprleft <> 0 THEN format_type(o.oprleft, NULL) END AS left,
       CASE WHEN o.oprright <> 0 THEN format_type(o.oprright, NULL) END AS right,
       (SELECT json_build_array(fn.nspname, f.proname, pg_get_function_identity_arguments(f.oid))
        FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = o.oprcode) AS function,
       NULLIF(o.oprcom, 0)::regoperator::text AS commutator, NULLIF(o.oprnegate, 0)::regoperator::text AS negator,
       NULLIF(o.oprrest, 0)::regproc::text AS restrict, NULLIF(o.oprjoin, 0)::regproc::text AS join,
       o.oprcanhash AS hashes, o.oprcanmerge AS merges
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_operator', 'o.oid')}
ORDER BY n.nspname, o.oprname, 6, 7`;

export function parseOperator(row: OperatorRow): Parsed<OperatorObject> {
  return {
    tokens: [row.token],
    value: {
      key: operatorKey(row.schema, row.name, row.left, row.right), kind: 'operator', schema: row.schema, name: row.name,
      owner: row.owner, acl: null, comment: row.comment, deps: [],
      left: row.left, right: row.right, function: functionKey(...row.function),
      commutator: row.commutator, negator: row.negator, restrict: row.restrict, join: row.join,
      hashes: row.hashes, merges: row.merges,
    },
  };
}
