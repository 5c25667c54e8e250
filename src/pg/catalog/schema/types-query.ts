// User-defined enum, domain (with its constraints), composite and range types. Array types, table row types
// and multirange types come with their owner and are not listed.
import type { CompositeAttribute, DomainConstraint, TypeObject } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import { quoteQualified } from '../../sql/quote.js';
import { parseAcl, compareText, type AclTuple } from './acl.js';
import type { Parsed } from './parsed.js';
import { aclJson, commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

/** [name, format_type, collation schema, collation name, comment] of a composite attribute, in attnum order. */
type AttributeTuple = readonly [string, string, string | null, string | null, string | null];
/** [name, definition, validated, contype, comment] of a domain constraint. */
type DomainConstraintTuple = readonly [string, string, boolean, string, string | null];

export interface TypeRow {
  /**
   * The type, a composite's pg_class row, a domain's constraints (a CHECK calling a function needs it first) and a
   * range's multirange type.
   */
  readonly tokens: readonly string[];
  readonly schema: string;
  readonly name: string;
  readonly typtype: 'e' | 'd' | 'c' | 'r';
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
  readonly labels: readonly string[] | null;
  readonly base_type: string | null;
  readonly not_null: boolean;
  readonly default: string | null;
  readonly coll_schema: string | null;
  readonly coll_name: string | null;
  readonly domain_constraints: readonly DomainConstraintTuple[] | null;
  readonly attributes: readonly AttributeTuple[] | null;
  readonly subtype: string | null;
  /** [schema, name] of a subtype operator class that is not the subtype's default. */
  readonly subtype_opclass: readonly [string, string] | null;
  readonly canonical: string | null;
  readonly subtype_diff: string | null;
  readonly multirange_schema: string | null;
  readonly multirange_name: string | null;
}

/** JSON [schema, name] of a collation. */
function collationPair(oid: string): string {
  return `(SELECT json_build_array(cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${oid})`;
}

export function typesSql(versionNum: number): string {
  const multirange = versionNum >= 140000
    ? `(SELECT mn.nspname::text FROM pg_type mt JOIN pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = r.rngmultitypid) AS multirange_schema,
       (SELECT mt.typname::text FROM pg_type mt WHERE mt.oid = r.rngmultitypid) AS multirange_name`
    : 'NULL::text AS multirange_schema, NULL::text AS multirange_name';
  // A column of the multirange type (14+) needs the range type: CREATE TYPE … AS RANGE makes both.
  const multirangeToken = versionNum >= 140000
    ? `CASE WHEN r.rngmultitypid IS NOT NULL THEN ARRAY['pg_type:' || r.rngmultitypid] ELSE ARRAY[]::text[] END`
    : 'ARRAY[]::text[]';
  return `
SELECT ARRAY['pg_type:' || t.oid] || CASE WHEN t.typrelid <> 0 THEN ARRAY['pg_class:' || t.typrelid] ELSE ARRAY[]::text[] END
         || ARRAY(SELECT 'pg_constraint:' || k.oid FROM pg_constraint k WHERE k.contypid = t.oid ORDER BY k.oid)
         || ${multirangeToken} AS tokens,
       n.nspname::text AS schema, t.typname::text AS name, t.typtype::text AS typtype,
       pg_get_userbyid(t.typowner)::text AS owner, ${aclJson('t.typacl')} AS acl, ${commentOf('pg_type', 't.oid')} AS comment,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typnotnull AS not_null,
       CASE WHEN t.typtype = 'd' THEN pg_get_expr(t.typdefaultbin, 0) END AS default,
       (SELECT cn.nspname::text FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = coalesce(r.rngcollation, t.typcollation)
          AND co.oid <> (SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = coalesce(r.rngsubtype, t.typbasetype))) AS coll_schema,
       (SELECT co.collname::text FROM pg_collation co
        WHERE co.oid = coalesce(r.rngcollation, t.typcollation)
          AND co.oid <> (SELECT bt.typcollation FROM pg_type bt WHERE bt.oid = coalesce(r.rngsubtype, t.typbasetype))) AS coll_name,
       CASE WHEN t.typtype = 'd' THEN coalesce((
         SELECT json_agg(json_build_array(k.conname, pg_get_constraintdef(k.oid, true), k.convalidated, k.contype,
                                          ${commentOf('pg_constraint', 'k.oid')}) ORDER BY k.conname)
         FROM pg_constraint k WHERE k.contypid = t.oid), '[]'::json) END AS domain_constraints,
       CASE WHEN t.typtype = 'c' THEN (
         SELECT json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod),
                                          CASE WHEN a.attcollation <> at.typcollation THEN ${collationPair('a.attcollation')} ->> 0 END,
                                          CASE WHEN a.attcollation <> at.typcollation THEN ${collationPair('a.attcollation')} ->> 1 END,
                                          ${commentOf('pg_class', 'a.attrelid', 'a.attnum')})
                         ORDER BY a.attnum)
         FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
         WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS attributes,
       format_type(r.rngsubtype, NULL) AS subtype,
       (SELECT json_build_array(ocn.nspname, oc.opcname) FROM pg_opclass oc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
        WHERE oc.oid = r.rngsubopc AND NOT oc.opcdefault) AS subtype_opclass,
       NULLIF(r.rngcanonical, 0)::regproc::text AS canonical, NULLIF(r.rngsubdiff, 0)::regproc::text AS subtype_diff,
       ${multirange}
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_range r ON r.rngtypid = t.oid
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_type', 't.oid')}
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
ORDER BY n.nspname, t.typname`;
}

function qualifiedOrNull(schema: string | null, name: string | null): string | null {
  return schema === null || name === null ? null : quoteQualified(schema, name);
}

/** PostgreSQL's own multirange name for a range (makeMultirangeTypeName): the first "range" becomes "multirange". */
export function defaultMultirangeName(rangeName: string): string {
  const at = rangeName.indexOf('range');
  return at < 0 ? `${rangeName}_multirange` : `${rangeName.slice(0, at)}multi${rangeName.slice(at)}`;
}

function domainConstraints(tuples: readonly DomainConstraintTuple[]): { notNullNamed: boolean; constraints: DomainConstraint[] } {
  // PG17+ stores a domain's NOT NULL as a constraint (contype 'n'): folded into notNull, like PG18's column NOT NULL,
  // so models of 12-16 and 17+ servers compare equal.
  const constraints = tuples
    .filter(([, , , contype]) => contype !== 'n')
    .map(([name, definition, validated, , comment]) => ({ name, definition, validated, comment }))
    .sort((a, b) => compareText(a.name, b.name));
  return { notNullNamed: tuples.some(([, , , contype]) => contype === 'n'), constraints };
}

function variant(row: TypeRow): TypeObject['type'] {
  const collation = qualifiedOrNull(row.coll_schema, row.coll_name);
  switch (row.typtype) {
    case 'e':
      return { variant: 'enum', labels: row.labels ?? [] };
    case 'd': {
      const { notNullNamed, constraints } = domainConstraints(row.domain_constraints ?? []);
      return {
        variant: 'domain', baseType: row.base_type ?? '', notNull: row.not_null || notNullNamed,
        default: row.default, collation, constraints,
      };
    }
    case 'c':
      return {
        variant: 'composite',
        attributes: (row.attributes ?? []).map(([name, type, cs, cn, comment]): CompositeAttribute => ({ name, type, collation: qualifiedOrNull(cs, cn), comment })),
      };
    case 'r': {
      const multirange = row.multirange_name === null || (row.multirange_schema === row.schema && row.multirange_name === defaultMultirangeName(row.name))
        ? null
        : qualifiedOrNull(row.multirange_schema, row.multirange_name);
      return {
        variant: 'range', subtype: row.subtype ?? '', subtypeOpclass: row.subtype_opclass === null ? null : quoteQualified(...row.subtype_opclass), collation,
        canonical: row.canonical, subtypeDiff: row.subtype_diff, multirangeName: multirange,
      };
    }
  }
}

export function parseType(row: TypeRow): Parsed<TypeObject> {
  return {
    tokens: row.tokens,
    value: {
      key: objectKey('type', row.schema, row.name), kind: 'type', schema: row.schema, name: row.name,
      owner: row.owner, acl: parseAcl(row.acl), comment: row.comment, deps: [], type: variant(row),
    },
  };
}
