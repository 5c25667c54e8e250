// Object keys: the stable, server-independent identity of a schema object. Every name part is written with the
// shared identifier quoting, so a key is unambiguous (a dot inside a quoted name is not a separator) and reads
// like SQL: `table:sales."Order Lines"`, `function:public.f(integer, text)`, `cast:(integer AS text)`.
import { quoteIdent } from '../pg/sql/quote.js';
import type { ObjectKey, ObjectKind } from './schema.js';

function qualified(schema: string | null, name: string): string {
  return schema === null ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** Key of a schema, extension, collation, type, sequence, table, view, matview or statistics object. */
export function objectKey(kind: Exclude<ObjectKind, 'function' | 'cast' | 'operator' | 'opclass' | 'opfamily'>, schema: string | null, name: string): ObjectKey {
  return `${kind}:${qualified(schema, name)}`;
}

/** `function:public.f(integer, text)`: identity arguments as `pg_get_function_identity_arguments` prints them. */
export function functionKey(schema: string, name: string, identityArguments: string): ObjectKey {
  return `function:${qualified(schema, name)}(${identityArguments})`;
}

/** `operator:public.===(integer, integer)`; NONE for a missing side of a prefix operator. */
export function operatorKey(schema: string, name: string, left: string | null, right: string | null): ObjectKey {
  return `operator:${quoteIdent(schema)}.${name}(${left ?? 'NONE'}, ${right ?? 'NONE'})`;
}

/** `opclass:public.my_ops USING btree`, `opfamily:…`. */
export function operatorFamilyKey(kind: 'opclass' | 'opfamily', schema: string, name: string, accessMethod: string): ObjectKey {
  return `${kind}:${qualified(schema, name)} USING ${quoteIdent(accessMethod)}`;
}

/** `cast:(integer AS text)` with `format_type` names. */
export function castKey(source: string, target: string): ObjectKey {
  return `cast:(${source} AS ${target})`;
}

/** The kind part of a key. */
export function keyKind(key: ObjectKey): ObjectKind {
  return key.slice(0, key.indexOf(':')) as ObjectKind;
}
