// Sizes of every ordinary and partitioned table of a source database and its large object count, in one
// statement read in the introspection transaction (so it sees the same tables as the model). From the catalogs
// only, never counted: estimates and largest-first ordering need no more, and a count would read every row.
import type { TableSize } from '../../../introspect/types.js';
import { objectKey } from '../../../model/object-key.js';
import { notExtensionMember, userSchema } from '../schema/sql-fragments.js';

export interface SizeTableRow {
  readonly schema: string;
  readonly name: string;
  readonly relkind: 'r' | 'p';
  readonly bytes: number;
  /** reltuples of the table; for a partitioned one the leaves' sum, -1 when no leaf was ever analysed. */
  readonly row_estimate: number;
  /** This role may COPY it out: USAGE on the schema, SELECT, and no row-level security in the way (row_security is off on source sessions). */
  readonly readable: boolean;
  /** Why not, when not readable: `no-usage`, `no-select`, `row-security`. */
  readonly why?: readonly ('no-usage' | 'no-select' | 'row-security')[] | null;
}

export interface SizesRow {
  /** bigint: a string from node-postgres. */
  readonly large_objects: string;
  readonly tables: readonly SizeTableRow[] | null;
}

// The main forks of the heap and its TOAST table: the data the copy moves (not indexes, not the free space and
// visibility maps). pg_table_size, which adds those maps and the TOAST index, looks at every fork of three relations
// per table: 100-250 ms of this query at 1,000 tables against 25 ms (measured on a 1,000-table source). A
// partitioned table has no storage of its own, so its size is its leaves' (pg_partition_tree, PostgreSQL 12+).
// reltuples is -1 on 14+ (0 before) for a table never vacuumed or analysed; a partitioned table sums the leaves that
// were, and reads -1 only when none was. pg_relation_size returns NULL for a relation dropped meanwhile: 0. The leaves are a UNION ALL
// gated on relkind and joined to pg_class by oid: a `WHERE CASE … END` on pg_class cannot use its index, so it
// scanned the whole of pg_class once per table (1.6 s of 1.8 s at 1,000 tables; 0.25 s this way).
export const SIZES_SQL = `
SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata) AS large_objects,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                 'schema', n.nspname::text, 'name', c.relname::text, 'relkind', c.relkind::text,
                 'bytes', s.bytes, 'row_estimate', s.row_estimate,
                 'readable', pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
                             AND (NOT c.relrowsecurity OR me.rolsuper OR me.rolbypassrls
                                  OR (NOT c.relforcerowsecurity AND pg_catalog.pg_has_role(c.relowner, 'USAGE'))),
                 'why', pg_catalog.array_remove(ARRAY[
                          CASE WHEN NOT pg_catalog.has_schema_privilege(n.oid, 'USAGE') THEN 'no-usage' END,
                          CASE WHEN NOT pg_catalog.has_table_privilege(c.oid, 'SELECT') THEN 'no-select' END,
                          CASE WHEN c.relrowsecurity AND NOT (me.rolsuper OR me.rolbypassrls
                                    OR (NOT c.relforcerowsecurity AND pg_catalog.pg_has_role(c.relowner, 'USAGE'))) THEN 'row-security' END], NULL))
               ORDER BY n.nspname, c.relname)
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN (SELECT r.rolsuper, r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) me
          CROSS JOIN LATERAL (
            SELECT coalesce(pg_catalog.sum(coalesce(pg_catalog.pg_relation_size(l.oid), 0)
                                           + CASE WHEN l.reltoastrelid = 0 THEN 0 ELSE coalesce(pg_catalog.pg_relation_size(l.reltoastrelid), 0) END), 0)::int8 AS bytes,
                   CASE WHEN c.relkind = 'r' THEN c.reltuples::float8
                        WHEN pg_catalog.bool_or(l.reltuples >= 0) THEN pg_catalog.sum(GREATEST(l.reltuples, 0))::float8
                        ELSE -1 END AS row_estimate
              FROM (SELECT c.oid AS relid WHERE c.relkind = 'r'
                    UNION ALL
                    SELECT t.relid FROM pg_catalog.pg_partition_tree(c.oid) t WHERE t.isleaf AND c.relkind = 'p') leaf
              JOIN pg_catalog.pg_class l ON l.oid = leaf.relid) s
         WHERE c.relkind IN ('r', 'p') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}) AS tables`;

export interface SourceSizes {
  readonly sizes: Readonly<Record<string, TableSize>>;
  readonly largeObjects: number;
  /** Tables (leaves included) this role may not COPY out whole, by ObjectKey, with why. */
  readonly unreadable: Readonly<Record<string, readonly ('no-usage' | 'no-select' | 'row-security')[]>>;
  /** Ordinary tables (leaves included) with bytes > 0 that this role may read, largest first: what a throughput sample may read. */
  readonly sampleCandidates: readonly { readonly schema: string; readonly name: string; readonly bytes: number }[];
}

export function parseSizes(row: SizesRow): SourceSizes {
  const sizes: Record<string, TableSize> = {};
  const candidates: { schema: string; name: string; bytes: number }[] = [];
  const unreadable: Record<string, readonly ('no-usage' | 'no-select' | 'row-security')[]> = {};
  for (const t of row.tables ?? []) {
    const bytes = Number(t.bytes);
    const key = objectKey('table', t.schema, t.name);
    sizes[key] = { bytes, rowEstimate: Number(t.row_estimate) };
    if (!t.readable) unreadable[key] = t.why ?? [];
    if (t.relkind === 'r' && bytes > 0 && t.readable) candidates.push({ schema: t.schema, name: t.name, bytes });
  }
  candidates.sort((a, b) => b.bytes - a.bytes);
  return { sizes, largeObjects: Number(row.large_objects), unreadable, sampleCandidates: candidates };
}
