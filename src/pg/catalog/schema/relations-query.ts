// Tables, partitioned tables, views and materialised views: one row each with what belongs to the relation
// itself (persistence, partitioning, inheritance, RLS, replica identity, options, view definition). Columns,
// constraints, indexes, triggers, policies and rules come from their own queries and are joined in assemble.ts.
import { compareText, type AclTuple } from './acl.js';
import { aclJson, commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface RelationRow {
  /** `pg_class:<oid>`, `pg_type:<row type>`, and for views `pg_rewrite:<_RETURN rule>`. */
  readonly tokens: readonly string[];
  readonly schema: string;
  readonly name: string;
  readonly relkind: 'r' | 'p' | 'v' | 'm';
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
  readonly persistence: string;
  readonly partition_key: string | null;
  /** [parent schema, parent name, bound] for a partition. */
  readonly partition_of: readonly [string, string, string] | null;
  /** [[schema, name], …] of inheritance parents in inhseqno order (not partitioning). */
  readonly inherits: readonly (readonly [string, string])[];
  readonly rls_enabled: boolean;
  readonly rls_forced: boolean;
  readonly replica_identity: string;
  readonly replica_identity_index: string | null;
  readonly options: readonly string[] | null;
  readonly access_method: string | null;
  readonly view_definition: string | null;
  readonly populated: boolean;
}

export const RELATIONS_SQL = `
SELECT ARRAY['pg_class:' || c.oid, 'pg_type:' || c.reltype]
         || ARRAY(SELECT 'pg_rewrite:' || rw.oid FROM pg_rewrite rw WHERE rw.ev_class = c.oid AND rw.rulename = '_RETURN') AS tokens,
       n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS relkind,
       pg_get_userbyid(c.relowner)::text AS owner, ${aclJson('c.relacl')} AS acl, ${commentOf('pg_class', 'c.oid')} AS comment,
       c.relpersistence::text AS persistence,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT json_build_array(pn.nspname, pc.relname, pg_get_expr(c.relpartbound, c.oid))
        FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE c.relispartition AND i.inhrelid = c.oid) AS partition_of,
       coalesce((SELECT json_agg(json_build_array(pn.nspname, pc.relname) ORDER BY i.inhseqno)
                 FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                 WHERE NOT c.relispartition AND i.inhrelid = c.oid), '[]'::json) AS inherits,
       c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced, c.relreplident::text AS replica_identity,
       (SELECT ic.relname::text FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
        WHERE x.indrelid = c.oid AND x.indisreplident) AS replica_identity_index,
       c.reloptions::text[] AS options,
       (SELECT am.amname::text FROM pg_am am WHERE am.oid = c.relam AND am.amname <> 'heap') AS access_method,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_definition,
       c.relispopulated AS populated
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname`;

/** reloptions sorted, so two servers that set them in another order compare equal. */
export function sortedOptions(options: readonly string[] | null): readonly string[] {
  return [...(options ?? [])].sort(compareText);
}
