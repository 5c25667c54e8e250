// Owner, comment and drop statements for any schema object.
import type { DdlPhase, DdlStatement } from '../types.js';
import type { SchemaObjectAny } from '../../../model/schema.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { objectSqlName, objectSqlParts } from './object-name.js';

function statement(obj: SchemaObjectAny, sql: string, phase: DdlPhase, destructive = false): DdlStatement {
  return destructive
    ? { sql, transactional: true, phase, object: obj.key, destructive: true }
    : { sql, transactional: true, phase, object: obj.key };
}

/** `ALTER … OWNER TO role`. */
export function alterOwner(obj: SchemaObjectAny, owner: string): DdlStatement {
  return statement(obj, `ALTER ${objectSqlName(obj)} OWNER TO ${quoteIdent(owner)}`, 'pre-data');
}

/** `COMMENT ON … IS '…'` or `IS NULL`. */
export function commentOn(obj: SchemaObjectAny, comment: string | null): DdlStatement {
  return statement(obj, `COMMENT ON ${objectSqlName(obj)} IS ${comment === null ? 'NULL' : quoteLiteral(comment)}`, 'post-data');
}

/**
 * `DROP … IF EXISTS` without CASCADE: whatever still depends on the object must be dropped by its own, visible
 * change first, so nothing disappears that the plan does not show. IF EXISTS makes the step idempotent and lets a
 * sequence OWNED BY a dropped table (gone with it) be listed on its own. Tables, sequences and matviews hold data.
 */
export function dropObject(obj: SchemaObjectAny, destructive?: boolean): DdlStatement {
  const holdsData = obj.kind === 'table' || obj.kind === 'sequence' || obj.kind === 'matview';
  const { keyword, name } = objectSqlParts(obj);
  return statement(obj, `DROP ${keyword} IF EXISTS ${name}`, 'pre-data', destructive ?? holdsData);
}
