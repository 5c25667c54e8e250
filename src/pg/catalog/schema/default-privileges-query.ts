// Default privileges (ALTER DEFAULT PRIVILEGES) of every role, global or per schema.
import type { DefaultPrivilege } from '../../../model/schema.js';
import { compareText, parseAcl, type AclTuple } from './acl.js';
import { aclJson } from './sql-fragments.js';

export interface DefaultPrivilegeRow {
  readonly role: string;
  readonly schema: string | null;
  readonly object_type: 'r' | 'S' | 'f' | 'T' | 'n';
  readonly acl: readonly AclTuple[];
}

export const DEFAULT_PRIVILEGES_SQL = `
SELECT pg_get_userbyid(a.defaclrole)::text AS role, n.nspname::text AS schema, a.defaclobjtype::text AS object_type,
       ${aclJson('a.defaclacl')} AS acl
FROM pg_default_acl a
LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace
ORDER BY 1, 2 NULLS FIRST, 3`;

export function parseDefaultPrivileges(rows: readonly DefaultPrivilegeRow[]): readonly DefaultPrivilege[] {
  return rows
    .map((r) => ({ role: r.role, schema: r.schema, objectType: r.object_type, acl: parseAcl(r.acl) ?? [] }))
    .sort((a, b) => compareText(a.role, b.role) || compareText(a.schema ?? '', b.schema ?? '') || compareText(a.objectType, b.objectType));
}
