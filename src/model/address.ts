// Resource addresses (CONTRACTS.md, Resource addresses): `<side>.<kind>` then segments, e.g. `target.role.app`,
// `target.table.shop.sales.orders`, `target.rows["my-app"]["Sales"]["Order Lines"]`. A segment that is not
// `[a-z_][a-z0-9_]*` is written as a JSON string in brackets, so any name (dots, quotes, brackets, unicode, the
// empty string) survives a round trip: parseAddress(formatAddress(p)) deep-equals p.
//
// Segments per kind (the database segment is always the spec's database key, also for a renamed target):
//   role                                   target.role.<role>
//   database                               target.database.<db>
//   schema, extension, cast                target.<kind>.<db>.<name>            (objects without a namespace)
//   every other schema object kind         target.<kind>.<db>.<schema>.<name>
//   function                               target.function.<db>.<schema>["f(integer, text)"]: the name and its
//                                          identity arguments (pg_get_function_identity_arguments) form ONE
//                                          segment, so overloads get distinct addresses and the text reads like
//                                          the SQL that names the function.
//   rows                                   target.rows.<db>.<schema>.<table>    (copied rows of one table)
//   publication, slot                      source.<kind>.<db>
//   subscription                           target.subscription.<db>
//   largeobjects                           target.largeobjects.<db>             (the large objects pgrepl copied)
import type { ObjectKind } from './schema.js';
import { AddressError } from './address-error.js';

export type Side = 'source' | 'target';

export type ResourceKind = 'role' | 'database' | ObjectKind | 'rows' | 'publication' | 'slot' | 'subscription' | 'largeobjects';

export interface AddressParts {
  readonly side: Side;
  readonly kind: ResourceKind;
  readonly segments: readonly string[];
}

const NAMESPACELESS: ReadonlySet<string> = new Set(['schema', 'extension', 'cast']);
const SCHEMA_KINDS: readonly ObjectKind[] = [
  'schema', 'extension', 'collation', 'type', 'sequence', 'table', 'view', 'matview', 'function', 'cast', 'operator',
  'opfamily', 'opclass', 'statistics',
];

/** Which side each kind lives on and how many segments it takes; the one table both directions check against. */
const KIND_SHAPE: ReadonlyMap<ResourceKind, { readonly side: Side; readonly segments: number }> = new Map<ResourceKind, { side: Side; segments: number }>([
  ['role', { side: 'target', segments: 1 }],
  ['database', { side: 'target', segments: 1 }],
  ...SCHEMA_KINDS.map((k): [ResourceKind, { side: Side; segments: number }] => [k, { side: 'target', segments: NAMESPACELESS.has(k) ? 2 : 3 }]),
  ['rows', { side: 'target', segments: 3 }],
  ['publication', { side: 'source', segments: 1 }],
  ['slot', { side: 'source', segments: 1 }],
  ['subscription', { side: 'target', segments: 1 }],
  ['largeobjects', { side: 'target', segments: 1 }],
]);

const BARE = /^[a-z_][a-z0-9_]*$/;

function checkShape(side: string, kind: string, segmentCount: number, at: (what: 'side' | 'kind' | 'end') => number, text: string): void {
  if (side !== 'source' && side !== 'target') throw new AddressError(text, at('side'), `side must be "source" or "target", not ${JSON.stringify(side)}`);
  const shape = KIND_SHAPE.get(kind as ResourceKind);
  if (shape === undefined) {
    throw new AddressError(text, at('kind'), `unknown resource kind ${JSON.stringify(kind)} (known: ${[...KIND_SHAPE.keys()].join(', ')})`);
  }
  if (shape.side !== side) throw new AddressError(text, at('side'), `${kind} is a ${shape.side} resource, not a ${side} one`);
  if (shape.segments !== segmentCount) {
    throw new AddressError(text, at('end'), `${side}.${kind} takes ${shape.segments} name segment(s), found ${segmentCount}`);
  }
}

function formatSegment(segment: string): string {
  return BARE.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}

/** The canonical text of an address; throws AddressError when the kind, side or segment count do not fit. */
export function formatAddress(parts: AddressParts): string {
  const head = `${parts.side}.${parts.kind}`;
  const text = head + parts.segments.map(formatSegment).join('');
  checkShape(parts.side, parts.kind, parts.segments.length, () => 0, text);
  return text;
}

/**
 * Parses an address written by formatAddress, or by a person: a bracketed JSON string is accepted for any segment,
 * so `target.role["app"]` parses too (formatAddress then writes it back as `target.role.app`). Errors name the
 * 1-based column of the problem.
 */
export function parseAddress(text: string): AddressParts {
  let pos = 0;
  const bare = (): string => {
    const m = /^[a-z_][a-z0-9_]*/.exec(text.slice(pos));
    if (m === null) throw new AddressError(text, pos, `expected a name of [a-z_][a-z0-9_]* or a ["quoted"] segment`);
    pos += m[0].length;
    return m[0];
  };
  const side = bare();
  if (text[pos] !== '.') throw new AddressError(text, pos, `expected "." after the side`);
  pos += 1;
  const kindAt = pos;
  const kind = bare();
  const segments: string[] = [];
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '.') {
      pos += 1;
      segments.push(bare());
    } else if (ch === '[') {
      segments.push(quotedSegment(text, pos + 1));
      pos = closingBracket(text, pos + 1) + 1;
    } else {
      throw new AddressError(text, pos, `expected "." or "[" before the next segment, found ${JSON.stringify(ch)}`);
    }
  }
  checkShape(side, kind, segments.length, (what) => (what === 'side' ? 0 : what === 'kind' ? kindAt : text.length), text);
  return { side: side as Side, kind: kind as ResourceKind, segments };
}

/** Offset of the `"` that ends the JSON string starting at `start` (which must be a `"`). */
function endOfString(text: string, start: number): number {
  if (text[start] !== '"') throw new AddressError(text, start, 'expected a JSON string after "["');
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i;
    else i += 1;
  }
  throw new AddressError(text, start, 'unterminated string segment');
}

function quotedSegment(text: string, start: number): string {
  const end = endOfString(text, start);
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch (e: unknown) {
    throw new AddressError(text, start, `invalid JSON string segment (${e instanceof Error ? e.message : String(e)})`);
  }
}

function closingBracket(text: string, start: number): number {
  const after = endOfString(text, start) + 1;
  if (text[after] !== ']') throw new AddressError(text, after, 'expected "]" after the string segment');
  return after;
}

/** `target.role.<role>` */
export const roleAddress = (role: string): string => formatAddress({ side: 'target', kind: 'role', segments: [role] });
/** `target.database.<db key>` */
export const databaseAddress = (dbKey: string): string => formatAddress({ side: 'target', kind: 'database', segments: [dbKey] });
/** `target.rows.<db key>.<schema>.<table>` */
export const rowsAddress = (dbKey: string, schema: string, table: string): string =>
  formatAddress({ side: 'target', kind: 'rows', segments: [dbKey, schema, table] });
/** `source.publication.<db key>`, `source.slot.<db key>`, `target.subscription.<db key>` */
export const replicationAddress = (kind: 'publication' | 'slot' | 'subscription', dbKey: string): string =>
  formatAddress({ side: kind === 'subscription' ? 'target' : 'source', kind, segments: [dbKey] });

/** `target.largeobjects.<db key>`: the large objects pgrepl copied into the database. */
export const largeObjectsAddress = (dbKey: string): string => formatAddress({ side: 'target', kind: 'largeobjects', segments: [dbKey] });

/** `target.<kind>.<db key>[.<schema>].<name>`; `name` of a function is `f(identity arguments)`. */
export function schemaObjectAddress(dbKey: string, kind: ObjectKind, schema: string | null, name: string): string {
  if (NAMESPACELESS.has(kind)) return formatAddress({ side: 'target', kind, segments: [dbKey, name] });
  if (schema === null) throw new Error(`a ${kind} needs a schema for its address`);
  return formatAddress({ side: 'target', kind, segments: [dbKey, schema, name] });
}
