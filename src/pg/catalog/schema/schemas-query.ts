// User schemas (namespaces): owner, grants, comment. Schemas an extension created come with the extension.
import type { SchemaObject } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import { parseAcl, type AclTuple } from './acl.js';
import type { Parsed } from './parsed.js';
import { aclJson, commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface SchemaRow {
  readonly token: string;
  readonly name: string;
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
}

export const SCHEMAS_SQL = `
SELECT 'pg_namespace:' || n.oid AS token, n.nspname::text AS name, pg_get_userbyid(n.nspowner)::text AS owner,
       ${aclJson('n.nspacl')} AS acl, ${commentOf('pg_namespace', 'n.oid')} AS comment
FROM pg_namespace n
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_namespace', 'n.oid')}
ORDER BY n.nspname`;

export function parseSchema(row: SchemaRow): Parsed<SchemaObject> {
  return {
    tokens: [row.token],
    value: {
      key: objectKey('schema', null, row.name), kind: 'schema', schema: null, name: row.name,
      owner: row.owner, acl: parseAcl(row.acl), comment: row.comment, deps: [],
    },
  };
}
