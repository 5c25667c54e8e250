// Columns of every table, view and materialised view, in attnum order: type, collation when it differs from the
// type's, NOT NULL (PG18's named NOT NULL constraints folded in), default, identity with its sequence's options,
// generated expression, storage, statistics target, per-column options and compression, inheritance, grants and comment.
import type { Column } from '../../../model/schema.js';
import { quoteQualified } from '../../sql/quote.js';
import { parseAcl, type AclTuple } from './acl.js';
import type { Owned } from './parsed.js';
import { parseSequenceOptions, type SequenceOptionsColumns } from './sequences-query.js';
import { aclJson, notExtensionMember, userSchema } from './sql-fragments.js';

export interface ColumnRow {
  readonly relation: string;
  /** `pg_attrdef:<oid>` of the default or generation expression (pg_depend names it). */
  readonly attrdef_token: string | null;
  readonly name: string;
  readonly type: string;
  readonly coll_schema: string | null;
  readonly coll_name: string | null;
  readonly not_null: boolean;
  readonly not_null_name: string | null;
  /** PG18: false for a NOT VALID NOT NULL constraint. */
  readonly not_null_validated: boolean | null;
  readonly expression: string | null;
  readonly identity: string;
  /** The identity sequence: [schema, name, options]. */
  readonly identity_sequence: readonly [string, string, SequenceOptionsColumns] | null;
  readonly generated: string;
  readonly storage: string | null;
  readonly statistics_target: number | null;
  /** attoptions (`n_distinct=100`), null when none are set. */
  readonly options: readonly string[] | null;
  /** 14+: `pglz` / `lz4` when the column sets one (attcompression), null for the default and before 14. */
  readonly compression: string | null;
  readonly inherited_count: number;
  readonly is_local: boolean;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
}

export function columnsSql(versionNum: number): string {
  // PG18 keeps a column's NOT NULL as a named constraint (contype 'n'); its name is kept, the flag stays attnotnull.
  const notNull = versionNum >= 180000
    ? `LEFT JOIN pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey[1] = a.attnum`
    : '';
  // attcompression (14+) is '' for the type's default; only pglz and lz4 exist.
  const compression = versionNum >= 140000
    ? `CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END`
    : 'NULL::text';
  // Joins rather than a subquery per column: this query reads every column of the database (10,000 in the
  // benchmark) and is the slowest of them all.
  return `
SELECT 'pg_class:' || a.attrelid AS relation, 'pg_attrdef:' || ad.oid AS attrdef_token,
       a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
       cn.nspname::text AS coll_schema, co.collname::text AS coll_name,
       a.attnotnull AS not_null, ${versionNum >= 180000 ? 'nn.conname::text' : 'NULL::text'} AS not_null_name,
       ${versionNum >= 180000 ? 'nn.convalidated' : 'NULL::boolean'} AS not_null_validated,
       pg_get_expr(ad.adbin, ad.adrelid) AS expression,
       a.attidentity::text AS identity,
       CASE WHEN a.attidentity <> '' THEN (
         SELECT json_build_array(sn.nspname, sc.relname, json_build_object(
                  'data_type', format_type(s.seqtypid, NULL), 'start', s.seqstart::text, 'increment', s.seqincrement::text,
                  'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle))
         FROM pg_depend d
         JOIN pg_class sc ON sc.oid = d.objid
         JOIN pg_namespace sn ON sn.oid = sc.relnamespace
         JOIN pg_sequence s ON s.seqrelid = sc.oid
         WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
           AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i' AND sc.relkind = 'S') END AS identity_sequence,
       a.attgenerated::text AS generated,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
       NULLIF(a.attstattarget, -1)::int AS statistics_target,
       a.attoptions::text[] AS options,
       ${compression} AS compression,
       a.attinhcount::int AS inherited_count, a.attislocal AS is_local,
       ${aclJson('a.attacl')} AS acl, ds.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description ds ON ds.classoid = 'pg_class'::regclass AND ds.objoid = a.attrelid AND ds.objsubid = a.attnum
${notNull}
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY a.attrelid, a.attnum`;
}

export function parseColumn(row: ColumnRow): Owned<Column> {
  const generated = row.generated === 's' || row.generated === 'v' ? row.generated : null;
  const identity = row.identity === 'a' || row.identity === 'd' ? row.identity : null;
  const seq = row.identity_sequence;
  return {
    relation: row.relation,
    tokens: row.attrdef_token === null ? [] : [row.attrdef_token],
    value: {
      name: row.name,
      type: row.type,
      collation: row.coll_schema === null || row.coll_name === null ? null : quoteQualified(row.coll_schema, row.coll_name),
      notNull: row.not_null,
      notNullName: row.not_null_name,
      // Only the exception is written, so a column reads the same on 12-17 and 18.
      ...(row.not_null_validated === false ? { notNullValidated: false } : {}),
      default: generated === null ? row.expression : null,
      // A partition's identity column (17+) has no sequence of its own: it shares the parent's and comes with
      // PARTITION OF, so it reads as no identity here, like every other column a partition inherits.
      identity: identity === null || seq === null ? null : { kind: identity, sequence: quoteQualified(seq[0], seq[1]), options: parseSequenceOptions(seq[2]) },
      generated: generated === null ? null : { kind: generated, expression: row.expression ?? '' },
      storage: row.storage,
      statisticsTarget: row.statistics_target,
      // Only when set, so a column without them reads the same on every major.
      ...(row.options === null || row.options.length === 0 ? {} : { options: [...row.options].sort() }),
      ...(row.compression === null ? {} : { compression: row.compression }),
      inheritedCount: row.inherited_count,
      isLocal: row.is_local,
      acl: parseAcl(row.acl),
      comment: row.comment,
    },
  };
}
