// Row-level security policies with their roles (sorted; 'public' for PUBLIC) and expressions.
import type { Policy } from '../../../model/schema.js';
import { compareText } from './acl.js';
import type { Owned } from './parsed.js';
import { commentOf, userSchema } from './sql-fragments.js';

export interface PolicyRow {
  readonly relation: string;
  readonly token: string;
  readonly name: string;
  readonly permissive: boolean;
  readonly command: 'r' | 'a' | 'w' | 'd' | '*';
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly with_check: string | null;
  readonly comment: string | null;
}

export const POLICIES_SQL = `
SELECT 'pg_class:' || p.polrelid AS relation, 'pg_policy:' || p.oid AS token, p.polname::text AS name,
       p.polpermissive AS permissive, p.polcmd::text AS command,
       ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END FROM unnest(p.polroles) r(oid)) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
       ${commentOf('pg_policy', 'p.oid')} AS comment
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${userSchema('n.nspname')}
ORDER BY p.polrelid, p.polname`;

export function parsePolicy(row: PolicyRow): Owned<Policy> {
  return {
    relation: row.relation,
    tokens: [row.token],
    value: {
      name: row.name, permissive: row.permissive, command: row.command, roles: [...row.roles].sort(compareText),
      using: row.using, withCheck: row.with_check, comment: row.comment,
    },
  };
}
