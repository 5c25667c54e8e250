// Cluster-wide facts for `pgrepl validate`: version, settings, the connected role, databases, slots, walsenders,
// subscriptions and installable extensions. Seven small catalog queries through one connection, each with a raw
// row type and a pure parser (STYLE.md #6); the SQL differs by major only where the catalogs do.
import type { ClientBase } from 'pg';
import {
  INTERESTING_ROLES,
  SETTING_NAMES,
  type AvailableExtension,
  type DatabaseFacts,
  type LocaleProvider,
  type RoleFacts,
  type ServerFacts,
  type SettingName,
  type SlotFacts,
  type SubscriptionFacts,
} from './types.js';

export interface RoleRow {
  version_num: number;
  version: string;
  rolname: string;
  rolsuper: boolean;
  rolreplication: boolean;
  rolcreatedb: boolean;
  rolbypassrls: boolean;
  member_of: string[];
}

export const ROLE_SQL = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       r.rolname, r.rolsuper, r.rolreplication, r.rolcreatedb, r.rolbypassrls,
       ARRAY(SELECT g.rolname::text FROM pg_roles g
             WHERE g.rolname = ANY($1::text[]) AND pg_has_role(r.oid, g.oid, 'USAGE')
             ORDER BY g.rolname) AS member_of
FROM pg_roles r
WHERE r.rolname = current_user`;

export interface SettingRow {
  name: string;
  setting: string;
}

export const SETTINGS_SQL = `SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name`;

export interface DatabaseRow {
  datname: string;
  encoding: string;
  datcollate: string;
  datctype: string;
  locprovider: string | null;
  provider_locale: string | null;
  datistemplate: boolean;
  datallowconn: boolean;
  can_create: boolean;
  can_connect: boolean;
}

/** `datlocprovider` exists from 15; the provider's locale is `daticulocale` on 15–16 and `datlocale` from 17. */
export function databasesSql(versionNum: number): string {
  const provider = versionNum >= 150000 ? 'd.datlocprovider::text' : 'NULL::text';
  const locale = versionNum >= 170000 ? 'd.datlocale' : versionNum >= 150000 ? 'd.daticulocale' : 'NULL::text';
  return `
SELECT d.datname, pg_encoding_to_char(d.encoding) AS encoding, d.datcollate, d.datctype,
       ${provider} AS locprovider, ${locale} AS provider_locale,
       d.datistemplate, d.datallowconn,
       has_database_privilege(d.oid, 'CREATE') AS can_create,
       has_database_privilege(d.oid, 'CONNECT') AS can_connect
FROM pg_database d
ORDER BY d.datname`;
}

export interface SlotRow {
  slot_name: string;
  slot_type: string;
  plugin: string | null;
  database: string | null;
  active: boolean;
  retained: string | null;
  wal_status: string | null;
}

/** `wal_status` exists from 13. pg_current_wal_lsn() fails on a standby, hence the recovery guard. */
export function slotsSql(versionNum: number): string {
  const walStatus = versionNum >= 130000 ? 's.wal_status' : 'NULL::text';
  return `
SELECT s.slot_name::text, s.slot_type, s.plugin::text, s.database::text, s.active,
       CASE WHEN s.restart_lsn IS NOT NULL AND NOT pg_is_in_recovery()
            THEN pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::text END AS retained,
       ${walStatus} AS wal_status
FROM pg_replication_slots s
ORDER BY s.slot_name`;
}

export interface CountsRow {
  wal_senders: number;
  logical_workers: number;
}

export const COUNTS_SQL = `
SELECT (SELECT count(*) FROM pg_stat_replication)::int AS wal_senders,
       (SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL)::int AS logical_workers`;

export interface SubscriptionRow {
  subname: string;
  datname: string;
  subenabled: boolean;
  subslotname: string | null;
}

// Only columns PUBLIC may read: subconninfo is revoked from non-superusers.
export const SUBSCRIPTIONS_SQL = `
SELECT s.subname::text, d.datname::text, s.subenabled, s.subslotname::text
FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid
ORDER BY s.subname`;

export interface ExtensionVersionRow {
  name: string;
  version: string;
  default_version: string | null;
}

export const AVAILABLE_EXTENSIONS_SQL = `
SELECT v.name::text, v.version, e.default_version
FROM pg_available_extension_versions v JOIN pg_available_extensions e ON e.name = v.name
ORDER BY v.name, v.version`;

export function parseRole(row: RoleRow): RoleFacts {
  return {
    name: row.rolname,
    superuser: row.rolsuper,
    replication: row.rolreplication,
    createdb: row.rolcreatedb,
    bypassrls: row.rolbypassrls,
    memberOf: [...row.member_of],
  };
}

export function parseSettings(rows: readonly SettingRow[]): Partial<Record<SettingName, string>> {
  const out: Partial<Record<SettingName, string>> = {};
  for (const r of rows) if ((SETTING_NAMES as readonly string[]).includes(r.name)) out[r.name as SettingName] = r.setting;
  return out;
}

function parseProvider(p: string | null): LocaleProvider | null {
  switch (p) {
    case 'c':
      return 'libc';
    case 'i':
      return 'icu';
    case 'b':
      return 'builtin';
    default:
      return null;
  }
}

export function parseDatabases(rows: readonly DatabaseRow[]): DatabaseFacts[] {
  return rows.map((r) => ({
    name: r.datname,
    encoding: r.encoding,
    collate: r.datcollate,
    ctype: r.datctype,
    localeProvider: parseProvider(r.locprovider),
    providerLocale: r.provider_locale,
    isTemplate: r.datistemplate,
    allowConnections: r.datallowconn,
    canCreate: r.can_create,
    canConnect: r.can_connect,
  }));
}

export function parseSlots(rows: readonly SlotRow[]): SlotFacts[] {
  return rows.map((r) => ({
    name: r.slot_name,
    type: r.slot_type === 'physical' ? 'physical' : 'logical',
    plugin: r.plugin,
    database: r.database,
    active: r.active,
    retainedBytes: r.retained === null ? null : Number(r.retained),
    walStatus: r.wal_status,
  }));
}

export function parseSubscriptions(rows: readonly SubscriptionRow[]): SubscriptionFacts[] {
  return rows.map((r) => ({ name: r.subname, database: r.datname, enabled: r.subenabled, slotName: r.subslotname }));
}

export function parseAvailableExtensions(rows: readonly ExtensionVersionRow[]): AvailableExtension[] {
  const byName = new Map<string, { versions: string[]; defaultVersion: string | null }>();
  for (const r of rows) {
    const e = byName.get(r.name) ?? { versions: [], defaultVersion: r.default_version };
    e.versions.push(r.version);
    byName.set(r.name, e);
  }
  return [...byName].map(([name, e]) => ({ name, versions: e.versions, defaultVersion: e.defaultVersion }));
}

/** Reads every cluster-wide fact validate needs through `client` (any database of the server). */
export async function readServerFacts(client: ClientBase, opts: { extensions: boolean }): Promise<ServerFacts> {
  const roleRow = (await client.query<RoleRow>(ROLE_SQL, [[...INTERESTING_ROLES]])).rows[0];
  if (!roleRow) throw new Error('the connected role is missing from pg_roles');
  const v = roleRow.version_num;
  const settings = (await client.query<SettingRow>(SETTINGS_SQL, [[...SETTING_NAMES]])).rows;
  const databases = (await client.query<DatabaseRow>(databasesSql(v))).rows;
  const slots = (await client.query<SlotRow>(slotsSql(v))).rows;
  const counts = (await client.query<CountsRow>(COUNTS_SQL)).rows[0] ?? { wal_senders: 0, logical_workers: 0 };
  const subscriptions = (await client.query<SubscriptionRow>(SUBSCRIPTIONS_SQL)).rows;
  const extensions = opts.extensions ? (await client.query<ExtensionVersionRow>(AVAILABLE_EXTENSIONS_SQL)).rows : [];
  return {
    versionNum: v,
    version: roleRow.version,
    settings: parseSettings(settings),
    role: parseRole(roleRow),
    databases: parseDatabases(databases),
    slots: parseSlots(slots),
    walSenders: counts.wal_senders,
    subscriptions: parseSubscriptions(subscriptions),
    logicalWorkers: counts.logical_workers,
    availableExtensions: parseAvailableExtensions(extensions),
  };
}
