// User-defined collations: provider, determinism, libc/ICU/builtin locale and ICU rules, version-aware.
import type { CollationObject } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import type { Parsed } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface CollationRow {
  readonly token: string;
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly provider: string;
  readonly deterministic: boolean;
  readonly collate: string | null;
  readonly ctype: string | null;
  readonly locale: string | null;
  readonly icu_rules: string | null;
}

export function collationsSql(versionNum: number): string {
  // 15-16 call the ICU locale colliculocale, 17 renamed it colllocale (also used by the builtin provider).
  const locale = versionNum >= 170000 ? 'c.colllocale' : versionNum >= 150000 ? 'c.colliculocale' : 'NULL';
  const rules = versionNum >= 160000 ? 'c.collicurules' : 'NULL';
  return `
SELECT 'pg_collation:' || c.oid AS token, n.nspname::text AS schema, c.collname::text AS name,
       pg_get_userbyid(c.collowner)::text AS owner, ${commentOf('pg_collation', 'c.oid')} AS comment,
       c.collprovider::text AS provider, c.collisdeterministic AS deterministic,
       c.collcollate::text AS collate, c.collctype::text AS ctype, ${locale}::text AS locale, ${rules}::text AS icu_rules
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_collation', 'c.oid')}
ORDER BY n.nspname, c.collname`;
}

function provider(code: string): CollationObject['provider'] {
  if (code === 'c' || code === 'i' || code === 'b' || code === 'd') return code;
  throw new Error(`unknown collation provider '${code}'`);
}

export function parseCollation(row: CollationRow): Parsed<CollationObject> {
  return {
    tokens: [row.token],
    value: {
      key: objectKey('collation', row.schema, row.name), kind: 'collation', schema: row.schema, name: row.name,
      owner: row.owner, acl: null, comment: row.comment, deps: [],
      provider: provider(row.provider), deterministic: row.deterministic,
      collate: row.collate, ctype: row.ctype, locale: row.locale, icuRules: row.icu_rules,
    },
  };
}
