// Indexes of tables and materialised views: pg_get_indexdef's CREATE INDEX text (partial, expression, ON ONLY for
// partitioned parents), the constraint an index backs, the partitioned parent index it is attached to, and whether
// it is invalid (a failed CREATE INDEX CONCURRENTLY).
import type { Index } from '../../../model/schema.js';
import { quoteQualified } from '../../sql/quote.js';
import type { Owned } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface IndexRow {
  readonly relation: string;
  readonly token: string;
  readonly name: string;
  readonly definition: string;
  readonly constraint: string | null;
  readonly parent_index: readonly [string, string] | null;
  readonly is_replica_identity: boolean;
  readonly clustered: boolean;
  readonly comment: string | null;
  /** indisvalid is false on a table that is not partitioned (a partitioned one's is invalid until all are attached). */
  readonly invalid: boolean;
}

export const INDEXES_SQL = `
SELECT 'pg_class:' || x.indrelid AS relation, 'pg_class:' || x.indexrelid AS token, ic.relname::text AS name,
       pg_get_indexdef(x.indexrelid) AS definition,
       (SELECT k.conname::text FROM pg_constraint k
        WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) AS constraint,
       (SELECT json_build_array(pn.nspname, pc.relname) FROM pg_inherits i
        JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE i.inhrelid = x.indexrelid) AS parent_index,
       x.indisreplident AS is_replica_identity, x.indisclustered AS clustered,
       NOT x.indisvalid AND c.relkind <> 'p' AS invalid,
       ${commentOf('pg_class', 'x.indexrelid')} AS comment
FROM pg_index x
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY x.indrelid, ic.relname`;

export function parseIndex(row: IndexRow): Owned<Index> {
  return {
    relation: row.relation,
    tokens: [row.token],
    value: {
      name: row.name, definition: row.definition, constraint: row.constraint,
      parentIndex: row.parent_index === null ? null : quoteQualified(row.parent_index[0], row.parent_index[1]),
      isReplicaIdentity: row.is_replica_identity, clustered: row.clustered, comment: row.comment,
      // Only the exception is written, so models without invalid indexes read as before.
      ...(row.invalid ? { invalid: true as const } : {}),
    },
  };
}
