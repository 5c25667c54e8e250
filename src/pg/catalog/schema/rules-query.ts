// Rewrite rules other than a view's _RETURN rule (that one is the view's definition).
import type { Rule } from '../../../model/schema.js';
import type { Owned } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';
import { enabledFlag } from './triggers-query.js';

export interface RuleRow {
  readonly relation: string;
  readonly token: string;
  readonly name: string;
  readonly definition: string;
  readonly enabled: string;
  readonly comment: string | null;
}

export const RULES_SQL = `
SELECT 'pg_class:' || r.ev_class AS relation, 'pg_rewrite:' || r.oid AS token, r.rulename::text AS name,
       pg_get_ruledef(r.oid) AS definition, r.ev_enabled::text AS enabled, ${commentOf('pg_rewrite', 'r.oid')} AS comment
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY r.ev_class, r.rulename`;

export function parseRule(row: RuleRow): Owned<Rule> {
  return {
    relation: row.relation,
    tokens: [row.token],
    value: { name: row.name, definition: row.definition, enabled: enabledFlag(row.enabled), comment: row.comment },
  };
}
