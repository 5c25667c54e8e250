// Operator families and classes with their members. A member belongs to the opclass that created it, or to the
// family when added by ALTER OPERATOR FAMILY (pg_depend says which, as pg_dump reads it).
import type { OperatorFamilyObject } from '../../../model/schema.js';
import { operatorFamilyKey } from '../../../model/object-key.js';
import { quoteQualified } from '../../sql/quote.js';
import { compareText } from './acl.js';
import type { Parsed } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface OperatorFamilyRow {
  /** The family or class and its members. */
  readonly tokens: readonly string[];
  readonly kind: 'opfamily' | 'opclass';
  readonly schema: string;
  readonly name: string;
  readonly access_method: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly input_type: string | null;
  readonly is_default: boolean;
  /** [schema, name] of an opclass's family. */
  readonly family: readonly [string, string] | null;
  readonly storage_type: string | null;
  readonly members: readonly MemberTuple[];
}

/** `pg_amop:<oid>` / `pg_amproc:<oid>` of the members: pg_depend says what they need (a support function). */
function memberTokens(catalog: 'pg_opclass' | 'pg_opfamily', oid: string): string {
  return `ARRAY(SELECT d.classid::regclass::text || ':' || d.objid FROM pg_depend d
               WHERE d.classid IN ('pg_amop'::regclass, 'pg_amproc'::regclass)
                 AND d.refclassid = '${catalog}'::regclass AND d.refobjid = ${oid} ORDER BY 1)`;
}

/**
 * Members as JSON tuples: ['OPERATOR', strategy, regoperator, sort family schema, sort family name] and
 * ['FUNCTION', number, left type, right type, regprocedure]; memberText() prints them.
 */
function members(catalog: 'pg_opclass' | 'pg_opfamily', oid: string): string {
  return `coalesce((SELECT json_agg(m.tuple) FROM (
         SELECT json_build_array('OPERATOR', ao.amopstrategy, ao.amopopr::regoperator::text, sn.nspname, sf.opfname) AS tuple
         FROM pg_amop ao JOIN pg_depend d ON d.classid = 'pg_amop'::regclass AND d.objid = ao.oid
         LEFT JOIN pg_opfamily sf ON sf.oid = ao.amopsortfamily AND ao.amoppurpose = 'o'
         LEFT JOIN pg_namespace sn ON sn.oid = sf.opfnamespace
         WHERE d.refclassid = '${catalog}'::regclass AND d.refobjid = ${oid}
         UNION ALL
         SELECT json_build_array('FUNCTION', ap.amprocnum, format_type(ap.amproclefttype, NULL),
                                 format_type(ap.amprocrighttype, NULL), ap.amproc::regprocedure::text)
         FROM pg_amproc ap JOIN pg_depend d ON d.classid = 'pg_amproc'::regclass AND d.objid = ap.oid
         WHERE d.refclassid = '${catalog}'::regclass AND d.refobjid = ${oid}) m), '[]'::json)`;
}

export type MemberTuple =
  | readonly ['OPERATOR', number, string, string | null, string | null]
  | readonly ['FUNCTION', number, string, string, string];

/** `OPERATOR 1 public.<(integer,integer) [FOR ORDER BY s.f]` / `FUNCTION 1 (integer, integer) public.cmp(integer,integer)`. */
export function memberText(member: MemberTuple): string {
  if (member[0] === 'OPERATOR') {
    const [, strategy, operator, sortSchema, sortFamily] = member;
    const orderBy = sortSchema === null || sortFamily === null ? '' : ` FOR ORDER BY ${quoteQualified(sortSchema, sortFamily)}`;
    return `OPERATOR ${String(strategy)} ${operator}${orderBy}`;
  }
  const [, number, left, right, fn] = member;
  return `FUNCTION ${String(number)} (${left}, ${right}) ${fn}`;
}

export const OPERATOR_FAMILIES_SQL = `
SELECT ARRAY['pg_opfamily:' || f.oid] || ${memberTokens('pg_opfamily', 'f.oid')} AS tokens, 'opfamily' AS kind, n.nspname::text AS schema, f.opfname::text AS name,
       am.amname::text AS access_method, pg_get_userbyid(f.opfowner)::text AS owner, ${commentOf('pg_opfamily', 'f.oid')} AS comment,
       NULL::text AS input_type, false AS is_default, NULL::json AS family, NULL::text AS storage_type,
       ${members('pg_opfamily', 'f.oid')} AS members
FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_opfamily', 'f.oid')}
UNION ALL
SELECT ARRAY['pg_opclass:' || c.oid] || ${memberTokens('pg_opclass', 'c.oid')}, 'opclass', n.nspname::text, c.opcname::text,
       am.amname::text, pg_get_userbyid(c.opcowner)::text, ${commentOf('pg_opclass', 'c.oid')},
       format_type(c.opcintype, NULL), c.opcdefault,
       (SELECT json_build_array(fn.nspname, f.opfname) FROM pg_opfamily f JOIN pg_namespace fn ON fn.oid = f.opfnamespace WHERE f.oid = c.opcfamily),
       CASE WHEN c.opckeytype <> 0 THEN format_type(c.opckeytype, NULL) END,
       ${members('pg_opclass', 'c.oid')}
FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_opclass', 'c.oid')}
ORDER BY 2, 3, 4, 5`;

export function parseOperatorFamily(row: OperatorFamilyRow): Parsed<OperatorFamilyObject> {
  return {
    tokens: row.tokens,
    value: {
      key: operatorFamilyKey(row.kind, row.schema, row.name, row.access_method), kind: row.kind,
      schema: row.schema, name: row.name, owner: row.owner, acl: null, comment: row.comment, deps: [],
      accessMethod: row.access_method, inputType: row.input_type, isDefault: row.is_default,
      family: row.family === null ? null : operatorFamilyKey('opfamily', row.family[0], row.family[1], row.access_method),
      storageType: row.storage_type,
      members: row.members.map(memberText).sort(compareText),
    },
  };
}
