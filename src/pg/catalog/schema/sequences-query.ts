// Sequences with their options and OWNED BY column. Identity sequences are left out: they come with their
// column (columns-query.ts).
import type { SequenceObject, SequenceOptions } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import { parseAcl, type AclTuple } from './acl.js';
import type { Parsed } from './parsed.js';
import { aclJson, commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface SequenceOptionsColumns {
  readonly data_type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

export interface SequenceRow extends SequenceOptionsColumns {
  readonly token: string;
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
  readonly persistence: string;
  /** [table schema, table name, column] of OWNED BY. */
  readonly owned_by: readonly [string, string, string] | null;
}

/** pg_sequence columns as SequenceOptionsColumns (bigint as text: it does not fit a JS number). */
function sequenceOptionColumns(alias: string): string {
  return `format_type(${alias}.seqtypid, NULL) AS data_type, ${alias}.seqstart::text AS start,
       ${alias}.seqincrement::text AS increment, ${alias}.seqmin::text AS min, ${alias}.seqmax::text AS max,
       ${alias}.seqcache::text AS cache, ${alias}.seqcycle AS cycle`;
}

export const SEQUENCES_SQL = `
SELECT 'pg_class:' || c.oid AS token, n.nspname::text AS schema, c.relname::text AS name,
       pg_get_userbyid(c.relowner)::text AS owner, ${aclJson('c.relacl')} AS acl, ${commentOf('pg_class', 'c.oid')} AS comment,
       ${sequenceOptionColumns('s')}, c.relpersistence::text AS persistence,
       (SELECT json_build_array(tn.nspname, tc.relname, a.attname)
        FROM pg_depend d
        JOIN pg_class tc ON tc.oid = d.refobjid
        JOIN pg_namespace tn ON tn.oid = tc.relnamespace
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
          AND d.deptype = 'a' AND d.refobjsubid > 0) AS owned_by
FROM pg_class c
JOIN pg_sequence s ON s.seqrelid = c.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i')
ORDER BY n.nspname, c.relname`;

export function parseSequenceOptions(row: SequenceOptionsColumns): SequenceOptions {
  return {
    dataType: row.data_type, start: row.start, increment: row.increment, min: row.min, max: row.max,
    cache: row.cache, cycle: row.cycle,
  };
}

export function parseSequence(row: SequenceRow): Parsed<SequenceObject> {
  return {
    tokens: [row.token],
    value: {
      key: objectKey('sequence', row.schema, row.name), kind: 'sequence', schema: row.schema, name: row.name,
      owner: row.owner, acl: parseAcl(row.acl), comment: row.comment, deps: [],
      options: parseSequenceOptions(row),
      persistence: row.persistence === 'u' ? 'u' : 'p',
      ownedBy: row.owned_by === null ? null : { table: objectKey('table', row.owned_by[0], row.owned_by[1]), column: row.owned_by[2] },
    },
  };
}
