// How an object of the schema model is named in DDL: `TABLE sales.orders`, `FUNCTION public.f(integer)`,
// `OPERATOR public.=== (integer, integer)`. One place, so DROP, ALTER … OWNER, COMMENT ON and GRANT agree.
import type { SchemaObjectAny } from '../../../model/schema.js';
import { quoteIdent, quoteQualified } from '../../sql/quote.js';

function qualified(obj: SchemaObjectAny): string {
  return obj.schema === null ? quoteIdent(obj.name) : quoteQualified(obj.schema, obj.name);
}

/** The keyword and name that ALTER … OWNER TO and COMMENT ON take, e.g. `TABLE sales.orders`. */
export function objectSqlName(obj: SchemaObjectAny): string {
  const { keyword, name } = objectSqlParts(obj);
  return `${keyword} ${name}`;
}

/** Keyword and name apart, for `DROP <keyword> IF EXISTS <name>`. */
export function objectSqlParts(obj: SchemaObjectAny): { readonly keyword: string; readonly name: string } {
  const [keyword, name] = parts(obj);
  return { keyword, name };
}

function parts(obj: SchemaObjectAny): readonly [string, string] {
  switch (obj.kind) {
    case 'schema': return ['SCHEMA', quoteIdent(obj.name)];
    case 'extension': return ['EXTENSION', quoteIdent(obj.name)];
    case 'collation': return ['COLLATION', qualified(obj)];
    case 'type': return [obj.type.variant === 'domain' ? 'DOMAIN' : 'TYPE', qualified(obj)];
    case 'sequence': return ['SEQUENCE', qualified(obj)];
    case 'table': return ['TABLE', qualified(obj)];
    case 'view': return ['VIEW', qualified(obj)];
    case 'matview': return ['MATERIALIZED VIEW', qualified(obj)];
    case 'function': {
      if (obj.variant === 'a') return ['AGGREGATE', `${qualified(obj)}(${obj.identityArguments === '' ? '*' : obj.identityArguments})`];
      return [obj.variant === 'p' ? 'PROCEDURE' : 'FUNCTION', `${qualified(obj)}(${obj.identityArguments})`];
    }
    case 'cast': return ['CAST', `(${obj.source} AS ${obj.target})`];
    // Operator names are symbols, never quoted; the schema is.
    case 'operator': return ['OPERATOR', `${quoteIdent(obj.schema ?? 'public')}.${obj.name} (${obj.left ?? 'NONE'}, ${obj.right ?? 'NONE'})`];
    case 'opfamily': return ['OPERATOR FAMILY', `${qualified(obj)} USING ${quoteIdent(obj.accessMethod)}`];
    case 'opclass': return ['OPERATOR CLASS', `${qualified(obj)} USING ${quoteIdent(obj.accessMethod)}`];
    case 'statistics': return ['STATISTICS', qualified(obj)];
  }
}

/**
 * The target of GRANT/REVOKE, which names some kinds differently (views and materialised views are TABLEs,
 * aggregates are FUNCTIONs), or null for kinds that have no privileges.
 */
export function grantTargetSql(obj: SchemaObjectAny): string | null {
  switch (obj.kind) {
    case 'schema': case 'sequence': case 'table': case 'type': return objectSqlName(obj);
    case 'view': case 'matview': return `TABLE ${qualified(obj)}`;
    case 'function':
      return `${obj.variant === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${qualified(obj)}(${obj.identityArguments})`;
    default: return null;
  }
}

/** `schema.name` of a relation-like object (tables, views, sequences, types). */
export function qualifiedName(obj: SchemaObjectAny): string {
  return qualified(obj);
}
