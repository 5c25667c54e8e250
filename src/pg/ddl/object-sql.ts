// How DDL names one object: the keyword that follows ALTER / COMMENT ON / GRANT … ON, and the SQL name. Object
// keys are written with the shared quoting (src/model/object-key.ts), so the part after `kind:` is the SQL name.
import type { ObjectKey, SchemaObjectAny } from '../../model/schema.js';
import type { AclKind } from './privileges.js';

/** The SQL name in a key: `table:sales."Order Lines"` -> `sales."Order Lines"`. */
export function keySqlName(key: ObjectKey): string {
  return key.slice(key.indexOf(':') + 1);
}

/** `function:public.f(integer)` -> `public.f` (a function's name without its arguments). */
export function functionSqlName(key: ObjectKey): string {
  const name = keySqlName(key);
  // The argument list is the last top-level parenthesis; a quoted name may itself hold '('.
  let inQuote = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === '(' && !inQuote) return name.slice(0, i);
  }
  return name;
}

export interface ObjectSql {
  /** `TABLE`, `MATERIALIZED VIEW`, `DOMAIN`, `PROCEDURE`, `OPERATOR CLASS`, … */
  readonly word: string;
  /** The name as ALTER/COMMENT take it: `public.t`, `public.f(integer)`, `public.c USING btree`. */
  readonly name: string;
  /** The keyword GRANT … ON takes, when the kind has privileges. */
  readonly aclKind: AclKind | null;
  readonly grantWord: string | null;
}

export function objectSql(object: SchemaObjectAny): ObjectSql {
  const name = keySqlName(object.key);
  switch (object.kind) {
    case 'schema': return { word: 'SCHEMA', name, aclKind: 'schema', grantWord: 'SCHEMA' };
    case 'extension': return { word: 'EXTENSION', name, aclKind: null, grantWord: null };
    case 'collation': return { word: 'COLLATION', name, aclKind: null, grantWord: null };
    case 'type': {
      const word = object.type.variant === 'domain' ? 'DOMAIN' : 'TYPE';
      return { word, name, aclKind: 'type', grantWord: word };
    }
    case 'sequence': return { word: 'SEQUENCE', name, aclKind: 'sequence', grantWord: 'SEQUENCE' };
    case 'table': return { word: 'TABLE', name, aclKind: 'table', grantWord: 'TABLE' };
    case 'view': return { word: 'VIEW', name, aclKind: 'table', grantWord: 'TABLE' };
    case 'matview': return { word: 'MATERIALIZED VIEW', name, aclKind: 'table', grantWord: 'TABLE' };
    case 'function': {
      const word = object.variant === 'p' ? 'PROCEDURE' : object.variant === 'a' ? 'AGGREGATE' : 'FUNCTION';
      return { word, name, aclKind: 'function', grantWord: object.variant === 'p' ? 'PROCEDURE' : 'FUNCTION' };
    }
    case 'cast': return { word: 'CAST', name, aclKind: null, grantWord: null };
    case 'operator': return { word: 'OPERATOR', name, aclKind: null, grantWord: null };
    case 'opfamily': return { word: 'OPERATOR FAMILY', name, aclKind: null, grantWord: null };
    case 'opclass': return { word: 'OPERATOR CLASS', name, aclKind: null, grantWord: null };
    case 'statistics': return { word: 'STATISTICS', name, aclKind: null, grantWord: null };
  }
}
