// The replication objects introspection reads: logical slots and wal_level on the source server (a fragment of the
// server statement), every publication of a source database, every subscription of a target database. Raw row
// types + SQL + pure parsers (STYLE.md #6). The catalogs differ by major, so the database statements are built
// for the server's major: a column a major lacks reads as the value that major behaves as (pubviaroot false on
// 12, no row filters or column lists before 15). pg_subscription is read column by column, never subconninfo:
// PostgreSQL revokes that column from PUBLIC (it may hold a password), so `SELECT *` fails for a non-superuser.
import type { PublicationFacts, PublicationTableFacts, SlotFacts, SubscriptionFacts, SubscriptionTableFacts } from '../../../introspect/types.js';
import { PgreplError } from '../../../util/errors.js';
import { compareText } from '../schema/acl.js';

export interface SlotRow {
  readonly name: string;
  readonly database: string | null;
  readonly plugin: string | null;
  readonly active: boolean;
  readonly wal_status: string | null;
  /** numeric in SQL: a JSON number (or a string, to be safe), null when restart_lsn is unknown. */
  readonly retained_bytes: number | string | null;
  readonly confirmed_flush_lsn: string | null;
}

// A scalar expression (JSON array or NULL) for the server statement, so ServerActual stays one statement.
// wal_status (13+) is read through to_jsonb(s) so one text serves every major (NULL on 12). pg_current_wal_lsn()
// fails during recovery; a standby (logical slots exist there from 16) measures from the replayed LSN instead.
export const SLOTS_JSON = `(SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', s.slot_name::text,
           'database', s.database::text,
           'plugin', s.plugin::text,
           'active', s.active,
           'wal_status', pg_catalog.to_jsonb(s) ->> 'wal_status',
           'retained_bytes', pg_catalog.pg_wal_lsn_diff(
                               CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
                                    ELSE pg_catalog.pg_current_wal_lsn() END, s.restart_lsn),
           'confirmed_flush_lsn', s.confirmed_flush_lsn::text)
         ORDER BY s.slot_name)
    FROM pg_catalog.pg_replication_slots s WHERE s.slot_type = 'logical')`;

function nullableNumber(value: number | string | null, what: string): number | null {
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new PgreplError(`unexpected ${what} ${JSON.stringify(value)}`);
  return n;
}

export function parseSlots(rows: readonly SlotRow[] | null): SlotFacts[] {
  return (rows ?? [])
    .map((r) => ({
      name: r.name,
      database: r.database,
      plugin: r.plugin,
      active: r.active,
      walStatus: r.wal_status,
      retainedBytes: nullableNumber(r.retained_bytes, 'retained WAL of a replication slot'),
      confirmedFlushLsn: r.confirmed_flush_lsn,
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

export interface PublicationTableRow {
  readonly schema: string;
  readonly name: string;
  readonly row_filter: string | null;
  readonly columns: readonly string[] | null;
}

export interface PublicationRow {
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly all_tables: boolean;
  readonly via_root: boolean;
  readonly insert: boolean;
  readonly update: boolean;
  readonly delete: boolean;
  readonly truncate: boolean;
  readonly tables: readonly PublicationTableRow[] | null;
  readonly schemas: readonly string[] | null;
}

/**
 * Every publication of the connected database, one row each, for a server of `major` (12+). The row filter is
 * deparsed by pg_get_expr against the table, as PostgreSQL prints it; the column list follows prattrs (attnum
 * order). FOR TABLES IN SCHEMA members are not expanded: only the schemas are listed.
 */
export function publicationsSql(major: number): string {
  const v15 = major >= 15;
  const rowFilter = v15 ? 'pg_catalog.pg_get_expr(pr.prqual, pr.prrelid)' : 'NULL::text';
  const columns = v15
    ? `CASE WHEN pr.prattrs IS NOT NULL THEN ARRAY(
                   SELECT a.attname::text FROM pg_catalog.unnest(pr.prattrs::pg_catalog.int2[]) WITH ORDINALITY u(attnum, ord)
                   JOIN pg_catalog.pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = u.attnum ORDER BY u.ord) END`
    : 'NULL::text[]';
  const schemas = v15
    ? `ARRAY(SELECT n.nspname::text FROM pg_catalog.pg_publication_namespace pn
             JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = p.oid ORDER BY n.nspname)`
    : `'{}'::text[]`;
  return `
SELECT p.pubname::text AS name, pg_catalog.pg_get_userbyid(p.pubowner)::text AS owner,
       pg_catalog.obj_description(p.oid, 'pg_publication') AS comment,
       p.puballtables AS all_tables, ${major >= 13 ? 'p.pubviaroot' : 'false'} AS via_root,
       p.pubinsert AS insert, p.pubupdate AS update, p.pubdelete AS delete, p.pubtruncate AS truncate,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                 'schema', n.nspname::text, 'name', c.relname::text, 'row_filter', ${rowFilter}, 'columns', ${columns})
               ORDER BY n.nspname, c.relname)
          FROM pg_catalog.pg_publication_rel pr
          JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE pr.prpubid = p.oid) AS tables,
       ${schemas} AS schemas
FROM pg_catalog.pg_publication p
ORDER BY p.pubname`;
}

const PUBLISHED = ['insert', 'update', 'delete', 'truncate'] as const;

function tableOrder(a: { schema: string; name: string }, b: { schema: string; name: string }): number {
  return compareText(a.schema, b.schema) || compareText(a.name, b.name);
}

export function parsePublications(rows: readonly PublicationRow[]): PublicationFacts[] {
  return rows
    .map((r) => ({
      name: r.name,
      owner: r.owner,
      comment: r.comment,
      allTables: r.all_tables,
      viaRoot: r.via_root,
      publish: PUBLISHED.filter((op) => r[op]),
      tables: (r.tables ?? [])
        .map((t): PublicationTableFacts => ({ schema: t.schema, name: t.name, rowFilter: t.row_filter, columns: t.columns === null ? null : [...t.columns] }))
        .sort(tableOrder),
      schemas: [...(r.schemas ?? [])].sort(compareText),
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

export interface SubscriptionTableRow {
  readonly schema: string;
  readonly name: string;
  readonly state: string;
}

export interface SubscriptionRow {
  readonly name: string;
  readonly owner: string;
  readonly owner_superuser: boolean;
  readonly comment: string | null;
  readonly enabled: boolean;
  readonly slot_name: string | null;
  readonly publications: readonly string[] | null;
  readonly options: Readonly<Record<string, string | boolean | null>> | null;
  readonly tables: readonly SubscriptionTableRow[] | null;
  readonly worker_pid: number | null;
  readonly error_counts: { readonly apply: number | string; readonly sync: number | string } | null;
}

/**
 * The options a target of `major` has, as `'key', <expression>` pairs for json_build_object (PostgreSQL's names).
 * synchronous_commit only where the role may read it (see readsSubscriptionOid).
 */
function subscriptionOptions(major: number, syncCommitReadable: boolean): string[] {
  const out: string[] = [];
  if (major >= 14) {
    out.push(`'binary', s.subbinary`);
    // 14 and 15 store a boolean; 16 a "char": f off, t on, p parallel.
    out.push(
      major >= 16
        ? `'streaming', CASE s.substream WHEN 'f' THEN 'off' WHEN 't' THEN 'on' WHEN 'p' THEN 'parallel' ELSE s.substream::text END`
        : `'streaming', CASE WHEN s.substream THEN 'on' ELSE 'off' END`,
    );
  }
  if (major >= 15) {
    out.push(`'disable_on_error', s.subdisableonerr`);
    // subtwophasestate: d disabled, p pending (enabled, waiting for the tables to be ready), e enabled.
    out.push(`'two_phase', s.subtwophasestate <> 'd'`);
  }
  if (major >= 16) {
    out.push(`'origin', s.suborigin`, `'password_required', s.subpasswordrequired`, `'run_as_owner', s.subrunasowner`);
  }
  if (major >= 17) out.push(`'failover', s.subfailover`);
  if (syncCommitReadable) out.push(`'synchronous_commit', s.subsynccommit`);
  return out;
}

/**
 * Whether the connected role may read pg_subscription's oid and subsynccommit. From 14 PUBLIC may read every column
 * but subconninfo; 12 and 13 grant only subdbid, subname, subowner, subenabled, subslotname and subpublications,
 * so there a non-superuser must find the oid another way (subscriptionsSql) and cannot see synchronous_commit.
 */
export function readsSubscriptionOid(major: number, superuser: boolean): boolean {
  return major >= 14 || superuser;
}

// Without the oid column (12/13, not a superuser): pg_stat_subscription (a view its owner reads for us) pairs each
// subscription's oid with its name, but names are unique per database only and pg_subscription is cluster-wide.
// A name only one database uses is exact; otherwise the oid is the candidate this database's own catalogs know
// (pg_subscription_rel, pg_description are per database); still ambiguous: NULL (no tables, comment or worker).
const OID_BY_NAME = `
LEFT JOIN LATERAL (
  SELECT CASE WHEN pg_catalog.count(*) = 1 THEN pg_catalog.min(c.subid) END AS oid
    FROM (SELECT DISTINCT st.subid FROM pg_catalog.pg_stat_subscription st WHERE st.subname = s.subname) c
   WHERE (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription x WHERE x.subname = s.subname) = 1
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_subscription_rel sr WHERE sr.srsubid = c.subid)
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_description d
                  WHERE d.objoid = c.subid AND d.classoid = 'pg_catalog.pg_subscription'::pg_catalog.regclass)) o ON true`;

/**
 * Every subscription of the connected database (subdbid = current database), one row each, for a target of
 * `major`; `oidReadable` from readsSubscriptionOid(). The apply worker is the pg_stat_subscription row without a
 * table: on 16 parallel apply workers have no table either and are told apart by leader_pid; 17 names the kind in
 * worker_type.
 */
export function subscriptionsSql(major: number, oidReadable = true): string {
  const oid = oidReadable ? 's.oid' : 'o.oid';
  const applyWorker = major >= 17 ? ` AND st.worker_type = 'apply'` : major >= 16 ? ' AND st.leader_pid IS NULL' : '';
  const errorCounts = major >= 15
    ? `(SELECT pg_catalog.json_build_object('apply', ss.apply_error_count, 'sync', ss.sync_error_count)
          FROM pg_catalog.pg_stat_subscription_stats ss WHERE ss.subid = s.oid)`
    : 'NULL::json';
  return `
SELECT s.subname::text AS name, pg_catalog.pg_get_userbyid(s.subowner)::text AS owner,
       coalesce(r.rolsuper, false) AS owner_superuser,
       pg_catalog.obj_description(${oid}, 'pg_subscription') AS comment,
       s.subenabled AS enabled, s.subslotname::text AS slot_name, s.subpublications::text[] AS publications,
       pg_catalog.json_build_object(${subscriptionOptions(major, oidReadable).join(', ')}) AS options,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                 'schema', n.nspname::text, 'name', c.relname::text, 'state', sr.srsubstate::text)
               ORDER BY n.nspname, c.relname)
          FROM pg_catalog.pg_subscription_rel sr
          JOIN pg_catalog.pg_class c ON c.oid = sr.srrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE sr.srsubid = ${oid}) AS tables,
       (SELECT pg_catalog.max(st.pid) FROM pg_catalog.pg_stat_subscription st
         WHERE st.subid = ${oid} AND st.relid IS NULL${applyWorker}) AS worker_pid,
       ${errorCounts} AS error_counts
FROM pg_catalog.pg_subscription s
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.subowner${oidReadable ? '' : OID_BY_NAME}
WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
ORDER BY s.subname`;
}

const TABLE_STATES: ReadonlySet<string> = new Set(['i', 'd', 'f', 's', 'r']);

function tableState(t: SubscriptionTableRow, subscription: string): SubscriptionTableFacts['state'] {
  if (TABLE_STATES.has(t.state)) return t.state as SubscriptionTableFacts['state'];
  throw new PgreplError(`subscription ${JSON.stringify(subscription)}: unknown table state ${JSON.stringify(t.state)} for ${t.schema}.${t.name} (pg_subscription_rel.srsubstate)`);
}

function options(raw: SubscriptionRow['options']): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (v !== null) out[k] = v;
  return out;
}

export function parseSubscriptions(rows: readonly SubscriptionRow[]): SubscriptionFacts[] {
  return rows
    .map((r) => ({
      name: r.name,
      owner: r.owner,
      ownerSuperuser: r.owner_superuser,
      comment: r.comment,
      enabled: r.enabled,
      slotName: r.slot_name,
      publications: [...(r.publications ?? [])],
      options: options(r.options),
      tables: (r.tables ?? []).map((t) => ({ schema: t.schema, name: t.name, state: tableState(t, r.name) })).sort(tableOrder),
      workerPid: r.worker_pid === null ? null : Number(r.worker_pid),
      errorCounts: r.error_counts === null ? null : { apply: Number(r.error_counts.apply), sync: Number(r.error_counts.sync) },
    }))
    .sort((a, b) => compareText(a.name, b.name));
}
