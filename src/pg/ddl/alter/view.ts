// Views: CREATE OR REPLACE when the column list only grows, ALTER VIEW for column defaults.
import type { ViewObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent } from '../../sql/quote.js';
import { qualifiedName } from './object-name.js';
import { ddl } from './statement.js';

/** `pg_get_viewdef` ends in `;`, dropped here; options (security_barrier, check_option, …) go in WITH. */
export function createOrReplaceView(view: ViewObject): DdlStatement {
  const options = view.options.length === 0 ? '' : ` WITH (${view.options.join(', ')})`;
  const body = view.definition.trim().replace(/;$/, '');
  return ddl(view.key, `CREATE OR REPLACE VIEW ${qualifiedName(view)}${options} AS\n${body}`, 'pre-data');
}

export function setViewColumnDefault(view: ViewObject, column: string, expression: string | null): DdlStatement {
  const action = expression === null ? 'DROP DEFAULT' : `SET DEFAULT ${expression}`;
  return ddl(view.key, `ALTER VIEW ${qualifiedName(view)} ALTER COLUMN ${quoteIdent(column)} ${action}`, 'post-data');
}
