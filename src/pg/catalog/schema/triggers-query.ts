// User triggers (not the internal ones behind FKs), marked when cloned from a partitioned parent's trigger:
// tgparentid from 13; PG12 marks clones tgisinternal and links them to the parent with a 'P' dependency.
import type { Trigger } from '../../../model/schema.js';
import type { Owned } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface TriggerRow {
  readonly relation: string;
  readonly token: string;
  readonly name: string;
  readonly definition: string;
  readonly enabled: string;
  readonly inherited: boolean;
  readonly comment: string | null;
}

export function triggersSql(versionNum: number): string {
  const cloneOnTwelve = `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
                         AND d.refclassid = 'pg_trigger'::regclass AND d.deptype = 'P')`;
  const inherited = versionNum >= 130000 ? 't.tgparentid <> 0' : cloneOnTwelve;
  const wanted = versionNum >= 130000 ? 'NOT t.tgisinternal' : `(NOT t.tgisinternal OR ${cloneOnTwelve})`;
  return `
SELECT 'pg_class:' || t.tgrelid AS relation, 'pg_trigger:' || t.oid AS token, t.tgname::text AS name,
       pg_get_triggerdef(t.oid) AS definition, t.tgenabled::text AS enabled, ${inherited} AS inherited,
       ${commentOf('pg_trigger', 't.oid')} AS comment
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${wanted} AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY t.tgrelid, t.tgname`;
}

export function enabledFlag(code: string): 'O' | 'D' | 'R' | 'A' {
  if (code === 'O' || code === 'D' || code === 'R' || code === 'A') return code;
  throw new Error(`unknown enabled state '${code}'`);
}

export function parseTrigger(row: TriggerRow): Owned<Trigger> {
  return {
    relation: row.relation,
    tokens: [row.token],
    value: { name: row.name, definition: row.definition, enabled: enabledFlag(row.enabled), inherited: row.inherited, comment: row.comment },
  };
}
