// The database itself: encoding and locale, owner, grants (CONNECT, TEMP, CREATE), comment, and the settings of
// pg_db_role_setting for this database (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE … SET`).
import type { DatabaseInfo } from '../../../model/schema.js';
import { parseAcl, compareText, type AclTuple } from './acl.js';
import { splitSetting } from './parsed.js';
import { aclJson } from './sql-fragments.js';

export interface DatabaseRow {
  readonly server_version_num: number;
  readonly name: string;
  readonly owner: string;
  readonly encoding: string;
  readonly collate: string;
  readonly ctype: string;
  readonly locale_provider: string | null;
  readonly locale: string | null;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
  /** [role or null for every role, `name=value`]. */
  readonly settings: readonly (readonly [string | null, string])[];
}

export function databaseSql(versionNum: number): string {
  const provider = versionNum >= 150000 ? 'd.datlocprovider::text' : 'NULL::text';
  const locale = versionNum >= 170000 ? 'd.datlocale::text' : versionNum >= 150000 ? 'd.daticulocale::text' : 'NULL::text';
  return `
SELECT current_setting('server_version_num')::int AS server_version_num,
       d.datname::text AS name, pg_get_userbyid(d.datdba)::text AS owner,
       pg_encoding_to_char(d.encoding)::text AS encoding, d.datcollate::text AS collate, d.datctype::text AS ctype,
       ${provider} AS locale_provider, ${locale} AS locale,
       ${aclJson('d.datacl')} AS acl,
       shobj_description(d.oid, 'pg_database') AS comment,
       coalesce((SELECT json_agg(json_build_array(CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole)::text END, c.setting)
                                 ORDER BY s.setrole, c.ord)
                 FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) WITH ORDINALITY c(setting, ord)
                 WHERE s.setdatabase = d.oid), '[]'::json) AS settings
FROM pg_database d
WHERE d.datname = current_database()`;
}

export function parseDatabase(row: DatabaseRow): DatabaseInfo {
  const settings = row.settings
    .map(([role, text]) => ({ role, ...splitSetting(text) }))
    .sort((a, b) => compareText(a.role ?? '', b.role ?? '') || compareText(a.name, b.name));
  return {
    name: row.name,
    owner: row.owner,
    encoding: row.encoding,
    collate: row.collate,
    ctype: row.ctype,
    localeProvider: row.locale_provider === 'c' || row.locale_provider === 'i' || row.locale_provider === 'b' ? row.locale_provider : null,
    locale: row.locale,
    acl: parseAcl(row.acl),
    comment: row.comment,
    settings,
  };
}
