// Extensions with their schema and version. Their member objects (pg_depend deptype 'e') are left out of every
// other query: CREATE EXTENSION brings them.
import type { ExtensionObject } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import type { Parsed } from './parsed.js';
import { commentOf } from './sql-fragments.js';

export interface ExtensionRow {
  readonly token: string;
  readonly name: string;
  readonly ext_schema: string;
  readonly version: string;
  readonly owner: string;
  readonly comment: string | null;
}

// plpgsql is created by initdb in every database: listing it would make every model differ from an empty one.
export const EXTENSIONS_SQL = `
SELECT 'pg_extension:' || e.oid AS token, e.extname::text AS name, n.nspname::text AS ext_schema,
       e.extversion::text AS version, pg_get_userbyid(e.extowner)::text AS owner,
       ${commentOf('pg_extension', 'e.oid')} AS comment
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname`;

export function parseExtension(row: ExtensionRow): Parsed<ExtensionObject> {
  return {
    tokens: [row.token],
    value: {
      key: objectKey('extension', null, row.name), kind: 'extension', schema: null, name: row.name,
      owner: row.owner, acl: null, comment: row.comment, deps: [], extSchema: row.ext_schema, version: row.version,
    },
  };
}
