// One catalog statement per server for ServerActual: version, the connected role and what it may do, every role,
// the roles it is a member of, the connectable databases with their locales, the libc locales, now(), wal_level
// and (source only) the logical slots. Raw row type + SQL + a pure parser (STYLE.md #6).
import type { ServerActual, ServerDatabase } from '../../../introspect/types.js';
import { PgreplError } from '../../../util/errors.js';
import { compareText } from '../schema/acl.js';
import { parseSlots, SLOTS_JSON, type SlotRow } from './replication-query.js';

export interface ServerDatabaseRow {
  readonly name: string;
  readonly owner: string;
  readonly encoding: string;
  readonly collate: string | null;
  readonly ctype: string | null;
  readonly provider: string | null;
  readonly locale: string | null;
}

export interface ServerRow {
  readonly version_num: string;
  readonly user: string;
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly roles: readonly string[] | null;
  readonly member_of: readonly string[] | null;
  readonly databases: readonly ServerDatabaseRow[] | null;
  readonly libc_locales: readonly (string | null)[] | null;
  readonly now: string;
  readonly wal_level: string;
  /** null when not asked for ($1 false) or when there is no logical slot. */
  readonly slots: readonly SlotRow[] | null;
}

// The locale columns differ by major (datlocprovider and daticulocale from 15, datlocale replaces daticulocale in
// 17). Reading them through to_jsonb(d) keeps this one statement for every major without knowing the version
// first: a column the server lacks reads as NULL. now()::text prints as the session's DateStyle (ISO) and
// TimeZone (UTC) say, which connect() fixes. $1 (serverParams) says whether to read the logical slots: pgrepl
// creates slots on the source only, so the target's are never read (the uncorrelated subquery then never runs).
export const SERVER_SQL = `
SELECT pg_catalog.current_setting('server_version_num') AS version_num,
       r.rolname::text AS "user", r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole,
       ARRAY(SELECT a.rolname::text FROM pg_catalog.pg_roles a ORDER BY a.rolname) AS roles,
       ARRAY(SELECT a.rolname::text FROM pg_catalog.pg_roles a
             WHERE pg_catalog.pg_has_role(r.oid, a.oid, 'MEMBER') ORDER BY a.rolname) AS member_of,
       (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                 'name', d.datname::text,
                 'owner', pg_catalog.pg_get_userbyid(d.datdba)::text,
                 'encoding', pg_catalog.pg_encoding_to_char(d.encoding)::text,
                 'collate', d.datcollate::text,
                 'ctype', d.datctype::text,
                 'provider', pg_catalog.to_jsonb(d) ->> 'datlocprovider',
                 'locale', coalesce(pg_catalog.to_jsonb(d) ->> 'datlocale', pg_catalog.to_jsonb(d) ->> 'daticulocale'))
               ORDER BY d.datname)
          FROM pg_catalog.pg_database d WHERE NOT d.datistemplate AND d.datallowconn) AS databases,
       ARRAY(SELECT c.collcollate::text FROM pg_catalog.pg_collation c WHERE c.collprovider = 'c' AND c.collcollate IS NOT NULL
             UNION
             SELECT d.datcollate::text FROM pg_catalog.pg_database d WHERE d.datcollate IS NOT NULL) AS libc_locales,
       pg_catalog.now()::text AS now,
       pg_catalog.current_setting('wal_level') AS wal_level,
       CASE WHEN $1::boolean THEN ${SLOTS_JSON} END AS slots
FROM pg_catalog.pg_roles r
WHERE r.rolname = current_user`;

/** SERVER_SQL's parameters: read the slots on the source only. */
export function serverParams(side: 'source' | 'target'): [boolean] {
  return [side === 'source'];
}

function sorted(values: readonly (string | null)[] | null): readonly string[] {
  return [...new Set((values ?? []).filter((v): v is string => v !== null))].sort(compareText);
}

function provider(value: string | null): ServerDatabase['localeProvider'] {
  if (value === null) return null;
  if (value === 'c' || value === 'i' || value === 'b') return value;
  throw new PgreplError(`unknown database locale provider ${JSON.stringify(value)} (pg_database.datlocprovider)`);
}

export function parseDatabaseRow(row: ServerDatabaseRow): ServerDatabase {
  const localeProvider = provider(row.provider);
  return {
    name: row.name,
    owner: row.owner,
    encoding: row.encoding,
    collate: row.collate ?? '',
    ctype: row.ctype ?? '',
    localeProvider,
    // A libc database keeps no provider locale (daticulocale/datlocale are NULL); say so even if a server fills it.
    locale: localeProvider === null || localeProvider === 'c' ? null : row.locale,
  };
}

/** `display` is displayName() of the connection; `now` replaces the server's now() when given (PGREPL_NOW). */
export function parseServerRow(row: ServerRow, display: string, now?: string): ServerActual {
  const versionNum = Number(row.version_num);
  if (!Number.isInteger(versionNum) || versionNum <= 0) throw new PgreplError(`${display}: unexpected server_version_num ${JSON.stringify(row.version_num)}`);
  return {
    display,
    versionNum,
    major: Math.floor(versionNum / 10_000),
    user: row.user,
    superuser: row.superuser,
    createdb: row.createdb,
    createrole: row.createrole,
    roles: sorted(row.roles),
    memberOf: sorted(row.member_of),
    databases: [...(row.databases ?? [])].map(parseDatabaseRow).sort((a, b) => compareText(a.name, b.name)),
    libcLocales: sorted(row.libc_locales),
    now: now ?? row.now,
    slots: parseSlots(row.slots),
    walLevel: row.wal_level,
  };
}
