// Table constraints: PK, UNIQUE, CHECK, EXCLUDE and FK with pg_get_constraintdef's text (actions, deferrability,
// NOT VALID), inherited flags and comments. PG18's NOT NULL constraints are folded into columns (columns-query.ts).
// The per-partition copies PostgreSQL makes of an FK that references a partitioned table are left out: the
// parent FK creates them.
import type { Constraint } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import type { Owned } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface ConstraintRow {
  readonly relation: string;
  readonly token: string;
  readonly name: string;
  readonly type: 'p' | 'u' | 'c' | 'x' | 'f';
  readonly definition: string;
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly validated: boolean;
  readonly is_local: boolean;
  readonly has_parent: boolean;
  readonly no_inherit: boolean;
  readonly references: readonly [string, string] | null;
  readonly comment: string | null;
}

export const CONSTRAINTS_SQL = `
SELECT 'pg_class:' || k.conrelid AS relation, 'pg_constraint:' || k.oid AS token, k.conname::text AS name,
       k.contype::text AS type, pg_get_constraintdef(k.oid, true) AS definition,
       k.condeferrable AS deferrable, k.condeferred AS deferred, k.convalidated AS validated,
       k.conislocal AS is_local, k.conparentid <> 0 AS has_parent, k.connoinherit AS no_inherit,
       (SELECT json_build_array(fn.nspname, fc.relname) FROM pg_class fc JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        WHERE k.contype = 'f' AND fc.oid = k.confrelid) AS references,
       ${commentOf('pg_constraint', 'k.oid')} AS comment
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('p', 'u', 'c', 'x', 'f') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
  AND NOT (k.contype = 'f' AND k.conparentid <> 0
           AND EXISTS (SELECT 1 FROM pg_constraint pk WHERE pk.oid = k.conparentid AND pk.conrelid = k.conrelid))
ORDER BY k.conrelid, k.conname`;

export function parseConstraint(row: ConstraintRow): Owned<Constraint> {
  return {
    relation: row.relation,
    tokens: [row.token],
    value: {
      name: row.name, type: row.type, definition: row.definition,
      deferrable: row.deferrable, deferred: row.deferred, validated: row.validated,
      inherited: !row.is_local || row.has_parent,
      noInherit: row.no_inherit,
      references: row.references === null ? null : objectKey('table', row.references[0], row.references[1]),
      comment: row.comment,
    },
  };
}
