// One source database's catalog for `pgrepl validate`: relations with ownership, privileges, RLS and replica
// identity; columns with whether their type has an equality (what REPLICA IDENTITY FULL needs); identity
// indexes; sequences and the tables that use them; extensions; publications; large objects. Eight queries per
// database, never one per table (STYLE.md #6). Every query reads all user schemas; scoping happens later, in pure code.
import type { ClientBase } from 'pg';
import { LARGE_OBJECT_READABLE } from '../actual/large-objects-query.js';
import type {
  ColumnFacts,
  DatabaseCatalog,
  ExtensionFacts,
  IndexFacts,
  LargeObjectsFacts,
  Persistence,
  PublicationFacts,
  RelationFacts,
  RelationKind,
  ReplicaIdentity,
  SequenceFacts,
} from './types.js';

// User schemas: PostgreSQL reserves the pg_ prefix, so this also skips pg_toast and pg_temp_N.
const USER_SCHEMA = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;

export interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  relkind: string;
  relpersistence: string;
  relispartition: boolean;
  parent: string | null;
  owner: string;
  owned: boolean;
  can_select: boolean;
  schema_usage: boolean;
  relrowsecurity: boolean;
  relforcerowsecurity: boolean;
  relreplident: string;
  extension_member: boolean;
}

export const RELATIONS_SQL = `
SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS relkind,
       c.relpersistence::text AS relpersistence, c.relispartition,
       (SELECT i.inhparent::text FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition) AS parent,
       pg_get_userbyid(c.relowner)::text AS owner,
       pg_has_role(c.relowner, 'USAGE') AS owned,
       has_table_privilege(c.oid, 'SELECT') AS can_select,
       has_schema_privilege(n.oid, 'USAGE') AS schema_usage,
       c.relrowsecurity, c.relforcerowsecurity, c.relreplident::text AS relreplident,
       EXISTS (SELECT 1 FROM pg_depend d
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS extension_member
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA}
ORDER BY n.nspname, c.relname`;

export interface ColumnRow {
  relid: string;
  attname: string;
  attnum: number;
  type: string;
  type_oid: string;
  attnotnull: boolean;
  generated: boolean;
}

export const COLUMNS_SQL = `
SELECT a.attrelid::text AS relid, a.attname::text, a.attnum::int AS attnum,
       format_type(a.atttypid, a.atttypmod) AS type, a.atttypid::text AS type_oid, a.attnotnull,
       (a.attgenerated <> '') AS generated
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_SCHEMA}
ORDER BY a.attrelid, a.attnum`;

export interface TypeRow {
  oid: string;
  typtype: string;
  typcategory: string;
  elem: string | null;
  base: string | null;
  range_subtype: string | null;
  fields: string[];
  has_eq_opclass: boolean;
}

/**
 * Every type the columns use, closed over domain bases, array elements, range subtypes and composite fields,
 * each with whether it has a default btree or hash opclass of its own (or of a type it is implicitly
 * binary-coercible to: varchar uses text's). The polymorphic opclasses (arrays, enums, ranges, records) are
 * resolved in {@link typesWithEquality}, the way the type cache does.
 */
export const TYPES_SQL = `
WITH RECURSIVE used(oid) AS (
  SELECT DISTINCT a.atttypid
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_SCHEMA}
  UNION
  SELECT x.oid
  FROM used u
  JOIN pg_type t ON t.oid = u.oid
  CROSS JOIN LATERAL (
    SELECT NULLIF(t.typbasetype, 0)
    UNION ALL SELECT NULLIF(t.typelem, 0) WHERE t.typcategory = 'A'
    UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
    UNION ALL SELECT f.atttypid FROM pg_attribute f
              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
  ) x(oid)
  WHERE x.oid IS NOT NULL
)
SELECT t.oid::text AS oid, t.typtype::text AS typtype, t.typcategory::text AS typcategory,
       CASE WHEN t.typcategory = 'A' THEN NULLIF(t.typelem, 0)::text END AS elem,
       NULLIF(t.typbasetype, 0)::text AS base,
       (SELECT r.rngsubtype::text FROM pg_range r WHERE r.rngtypid = t.oid) AS range_subtype,
       ARRAY(SELECT f.atttypid::text FROM pg_attribute f
             WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
             ORDER BY f.attnum) AS fields,
       EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
               WHERE oc.opcdefault AND am.amname IN ('btree', 'hash')
                 AND (oc.opcintype = t.oid
                      OR EXISTS (SELECT 1 FROM pg_cast k
                                 WHERE k.castsource = t.oid AND k.casttarget = oc.opcintype
                                   AND k.castmethod = 'b' AND k.castcontext = 'i'))) AS has_eq_opclass
FROM (SELECT DISTINCT oid FROM used) u JOIN pg_type t ON t.oid = u.oid
ORDER BY t.oid`;

export interface IndexRow {
  relid: string;
  name: string;
  indisprimary: boolean;
  indisreplident: boolean;
  candidate: boolean;
  columns: string[];
}

export const INDEXES_SQL = `
SELECT i.indrelid::text AS relid, ic.relname::text AS name, i.indisprimary, i.indisreplident,
       (i.indisunique AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k(attnum)
                        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                        WHERE k.attnum = 0 OR NOT a.attnotnull)) AS candidate,
       ARRAY(SELECT a.attname::text
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord) AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND (i.indisprimary OR i.indisreplident OR i.indisunique) AND ${USER_SCHEMA}
ORDER BY i.indrelid, ic.relname`;

export interface SequenceRow {
  schema: string;
  name: string;
  can_read: boolean;
  schema_usage: boolean;
  used_by: string[];
}

// Owned-by (serial, identity) dependencies point from the sequence to the table; a column default's
// dependency points from pg_attrdef to the sequence.
export const SEQUENCES_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name,
       (has_sequence_privilege(c.oid, 'SELECT') OR has_sequence_privilege(c.oid, 'USAGE')) AS can_read,
       has_schema_privilege(n.oid, 'USAGE') AS schema_usage,
       ARRAY(SELECT d.refobjid::text FROM pg_depend d
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
             UNION
             SELECT ad.adrelid::text FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
             WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.refobjid = c.oid
             ORDER BY 1) AS used_by
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND ${USER_SCHEMA}
ORDER BY n.nspname, c.relname`;

export interface ExtensionRow {
  extname: string;
  extversion: string;
  schema: string;
}

export const EXTENSIONS_SQL = `
SELECT e.extname::text, e.extversion, n.nspname::text AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY e.extname`;

export interface PublicationRow {
  pubname: string;
  owner: string;
}

export const PUBLICATIONS_SQL = `
SELECT p.pubname::text, pg_get_userbyid(p.pubowner)::text AS owner FROM pg_publication p ORDER BY p.pubname`;

function relationKind(k: string): RelationKind {
  switch (k) {
    case 'r':
      return 'table';
    case 'p':
      return 'partitioned';
    case 'v':
      return 'view';
    case 'm':
      return 'materialized view';
    default:
      return 'foreign table';
  }
}

function persistence(p: string): Persistence {
  return p === 'u' ? 'unlogged' : p === 't' ? 'temporary' : 'permanent';
}

function replicaIdentity(r: string): ReplicaIdentity {
  return r === 'n' ? 'nothing' : r === 'f' ? 'full' : r === 'i' ? 'index' : 'default';
}

/** The oids of types that have an equality the apply worker can find (the type cache's rules, simplified). */
export interface LargeObjectsRow {
  count: string;
  unreadable: string;
  unreadable_sample: readonly string[] | null;
}

/** How many large objects there are and which the connected role may not read (the plan's rule, large-objects-query.ts). */
export const LARGE_OBJECTS_SQL = `
SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata)::text AS count,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_largeobject_metadata m WHERE NOT ${LARGE_OBJECT_READABLE})::text AS unreadable,
       (SELECT pg_catalog.array_agg(u.oid::text ORDER BY u.oid)
          FROM (SELECT m.oid FROM pg_catalog.pg_largeobject_metadata m WHERE NOT ${LARGE_OBJECT_READABLE} ORDER BY m.oid LIMIT 5) u) AS unreadable_sample
  FROM (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) me`;

export function typesWithEquality(rows: readonly TypeRow[]): Set<string> {
  const byOid = new Map(rows.map((r) => [r.oid, r]));
  const memo = new Map<string, boolean>();
  const has = (oid: string, depth: number): boolean => {
    const known = memo.get(oid);
    if (known !== undefined) return known;
    const t = byOid.get(oid);
    if (!t || depth > 20) return false;
    memo.set(oid, false); // a cycle (impossible in practice) counts as "no"
    let result: boolean;
    if (t.base !== null) result = has(t.base, depth + 1);
    else if (t.elem !== null) result = has(t.elem, depth + 1);
    else if (t.typtype === 'e') result = true;
    else if (t.range_subtype !== null) result = has(t.range_subtype, depth + 1);
    else if (t.typtype === 'c') result = t.fields.every((f) => has(f, depth + 1));
    else result = t.has_eq_opclass;
    memo.set(oid, result);
    return result;
  };
  return new Set(rows.map((r) => r.oid).filter((oid) => has(oid, 0)));
}

export function parseCatalog(
  database: string,
  rows: {
    relations: readonly RelationRow[];
    columns: readonly ColumnRow[];
    types: readonly TypeRow[];
    indexes: readonly IndexRow[];
    sequences: readonly SequenceRow[];
    extensions: readonly ExtensionRow[];
    publications: readonly PublicationRow[];
    largeObjects?: LargeObjectsRow;
  },
): DatabaseCatalog {
  const withEq = typesWithEquality(rows.types);
  const columnsBy = new Map<string, ColumnFacts[]>();
  for (const c of rows.columns) {
    const list = columnsBy.get(c.relid) ?? [];
    list.push({
      name: c.attname,
      num: c.attnum,
      type: c.type,
      typeOid: Number(c.type_oid),
      notNull: c.attnotnull,
      generated: c.generated,
      hasEquality: withEq.has(c.type_oid),
    });
    columnsBy.set(c.relid, list);
  }
  const indexesBy = new Map<string, IndexFacts[]>();
  for (const i of rows.indexes) {
    const list = indexesBy.get(i.relid) ?? [];
    list.push({
      name: i.name,
      primary: i.indisprimary,
      replicaIdentity: i.indisreplident,
      identityCandidate: i.candidate,
      columns: [...i.columns],
    });
    indexesBy.set(i.relid, list);
  }
  const relations: RelationFacts[] = rows.relations.map((r) => ({
    oid: Number(r.oid),
    schema: r.schema,
    name: r.name,
    kind: relationKind(r.relkind),
    persistence: persistence(r.relpersistence),
    isPartition: r.relispartition,
    parentOid: r.parent === null ? null : Number(r.parent),
    owner: r.owner,
    ownedByRole: r.owned,
    canSelect: r.can_select,
    schemaUsage: r.schema_usage,
    rowSecurity: r.relrowsecurity,
    forceRowSecurity: r.relforcerowsecurity,
    replicaIdentity: replicaIdentity(r.relreplident),
    extensionMember: r.extension_member,
    columns: columnsBy.get(r.oid) ?? [],
    indexes: indexesBy.get(r.oid) ?? [],
  }));
  const sequences: SequenceFacts[] = rows.sequences.map((s) => ({
    schema: s.schema,
    name: s.name,
    usedBy: s.used_by.map(Number),
    canRead: s.can_read,
    schemaUsage: s.schema_usage,
  }));
  const extensions: ExtensionFacts[] = rows.extensions.map((e) => ({ name: e.extname, version: e.extversion, schema: e.schema }));
  const publications: PublicationFacts[] = rows.publications.map((p) => ({ name: p.pubname, owner: p.owner }));
  const lo = rows.largeObjects;
  const largeObjects: LargeObjectsFacts = lo === undefined ? { count: 0, unreadable: 0, unreadableSample: [] }
    : { count: Number(lo.count), unreadable: Number(lo.unreadable), unreadableSample: (lo.unreadable_sample ?? []).map(Number) };
  return { database, relations, sequences, extensions, publications, largeObjects };
}

/** Reads the catalog of the database `client` is connected to, inside one read-only snapshot. */
export async function readDatabaseCatalog(client: ClientBase, database: string): Promise<DatabaseCatalog> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const relations = (await client.query<RelationRow>(RELATIONS_SQL)).rows;
    const columns = (await client.query<ColumnRow>(COLUMNS_SQL)).rows;
    const types = (await client.query<TypeRow>(TYPES_SQL)).rows;
    const indexes = (await client.query<IndexRow>(INDEXES_SQL)).rows;
    const sequences = (await client.query<SequenceRow>(SEQUENCES_SQL)).rows;
    const extensions = (await client.query<ExtensionRow>(EXTENSIONS_SQL)).rows;
    const publications = (await client.query<PublicationRow>(PUBLICATIONS_SQL)).rows;
    const largeObjects = (await client.query<LargeObjectsRow>(LARGE_OBJECTS_SQL)).rows[0];
    return parseCatalog(database, { relations, columns, types, indexes, sequences, extensions, publications, ...(largeObjects ? { largeObjects } : {}) });
  } finally {
    await client.query('ROLLBACK');
  }
}
