// Paths inside the spec, in the two spellings we need: JSON pointers (what ajv reports, and the key of the
// position index) and the dotted form users read (`databases.shop.table_filters[1].where`).

export type PathSegment = string | number;
export type SpecPath = readonly PathSegment[];

/** `['databases', 'a/b', 0]` -> `/databases/a~1b/0` (RFC 6901, as ajv's instancePath). */
export function toPointer(path: SpecPath): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The inverse of toPointer; array indexes stay strings (the caller knows the shape). */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const PLAIN_SEGMENT = /^[a-z_][a-z0-9_]*$/;

/**
 * `databases.shop.table_filters[1].where`; a key that is not `[a-z_][a-z0-9_]*` is written as a JSON string in
 * brackets (`databases["my-app"]`), like resource addresses (CONTRACTS.md). Numbers are array indexes.
 */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_SEGMENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Types the segments of a pointer by walking `root`: a segment under an array becomes its index number, so
 * an ajv instancePath formats as `table_filters[1]` and not `table_filters.1`.
 */
export function pathFromPointer(root: unknown, pointer: string): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const seg of fromPointer(pointer)) {
    if (Array.isArray(node)) {
      const index = Number(seg);
      out.push(index);
      node = node[index];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
