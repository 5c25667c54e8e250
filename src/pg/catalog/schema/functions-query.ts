// Functions, procedures, window functions and aggregates. pg_get_functiondef prints every kind but aggregates,
// whose CREATE AGGREGATE is built from pg_aggregate (aggregate-definition.ts).
import type { FunctionObject } from '../../../model/schema.js';
import { functionKey } from '../../../model/object-key.js';
import { parseAcl, type AclTuple } from './acl.js';
import { aggregateDefinition, type AggregateParts } from './aggregate-definition.js';
import type { Parsed } from './parsed.js';
import { aclJson, commentOf, notExtensionMember, notInternal, userSchema } from './sql-fragments.js';

export interface FunctionRow {
  readonly token: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: 'f' | 'p' | 'a' | 'w';
  readonly identity_arguments: string;
  readonly definition: string | null;
  readonly aggregate: AggregateParts | null;
  readonly language: string;
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
}

const REGPROC = (column: string): string => `NULLIF(g.${column}, 0)::regproc::text`;

export const FUNCTIONS_SQL = `
SELECT 'pg_proc:' || p.oid AS token, n.nspname::text AS schema, p.proname::text AS name, p.prokind::text AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
       CASE WHEN p.prokind = 'a' THEN (
         SELECT json_build_object(
           'arguments', pg_get_function_arguments(p.oid), 'kind', g.aggkind, 'parallel', p.proparallel,
           'sfunc', ${REGPROC('aggtransfn')}, 'stype', format_type(g.aggtranstype, NULL), 'sspace', g.aggtransspace,
           'finalfunc', ${REGPROC('aggfinalfn')}, 'finalExtra', g.aggfinalextra, 'finalModify', g.aggfinalmodify,
           'combinefunc', ${REGPROC('aggcombinefn')}, 'serialfunc', ${REGPROC('aggserialfn')},
           'deserialfunc', ${REGPROC('aggdeserialfn')}, 'initcond', g.agginitval,
           'msfunc', ${REGPROC('aggmtransfn')}, 'minvfunc', ${REGPROC('aggminvtransfn')},
           'mstype', CASE WHEN g.aggmtranstype <> 0 THEN format_type(g.aggmtranstype, NULL) END, 'msspace', g.aggmtransspace,
           'mfinalfunc', ${REGPROC('aggmfinalfn')}, 'mfinalExtra', g.aggmfinalextra, 'mfinalModify', g.aggmfinalmodify,
           'minitcond', g.aggminitval,
           'sortop', (SELECT json_build_array(opn.nspname, o.oprname) FROM pg_operator o JOIN pg_namespace opn ON opn.oid = o.oprnamespace
                      WHERE o.oid = g.aggsortop))
         FROM pg_aggregate g WHERE g.aggfnoid = p.oid) END AS aggregate,
       l.lanname::text AS language, pg_get_userbyid(p.proowner)::text AS owner,
       ${aclJson('p.proacl')} AS acl, ${commentOf('pg_proc', 'p.oid')} AS comment
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_proc', 'p.oid')}
  AND ${notInternal('pg_proc', 'p.oid')}
ORDER BY n.nspname, p.proname, p.oid`;

/**
 * 14+ prints a procedure's input arguments with an explicit IN (procedures gained OUT arguments, which count in
 * their identity); 12-13 print none. Dropping the redundant IN keeps the key of one procedure the same on every
 * major, and the text stays valid in DROP/ALTER/GRANT.
 */
export function procedureIdentity(identityArguments: string): string {
  return identityArguments.replace(/(^|, )IN /g, '$1');
}

export function parseFunction(row: FunctionRow): Parsed<FunctionObject> {
  const identity = row.kind === 'p' ? procedureIdentity(row.identity_arguments) : row.identity_arguments;
  const definition = row.kind === 'a' && row.aggregate !== null
    ? aggregateDefinition(row.schema, row.name, row.aggregate)
    : row.definition ?? '';
  return {
    tokens: [row.token],
    value: {
      key: functionKey(row.schema, row.name, identity), kind: 'function', schema: row.schema, name: row.name,
      owner: row.owner, acl: parseAcl(row.acl), comment: row.comment, deps: [],
      variant: row.kind, identityArguments: identity, definition, language: row.language,
    },
  };
}
