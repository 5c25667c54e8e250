// The JSON Schema is the single source of truth: every key carries a description (editor tooltips), and the
// reference in docs/spec.md covers every key and the not-implemented list.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NOT_IMPLEMENTED } from '../../src/spec/not-implemented.js';
import { closeMatches } from '../../src/util/suggest.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Node {
  description?: string;
  $ref?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  definitions?: Record<string, Node>;
}

const schema = JSON.parse(await readFile(join(ROOT, 'schemas/spec.schema.json'), 'utf8')) as Node;
const docs = await readFile(join(ROOT, 'docs/spec.md'), 'utf8');

function deref(node: Node): Node {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const target = schema.definitions?.[name];
  if (!target) throw new Error(`dangling ${node.$ref}`);
  return target;
}

/** Every object property, as [path, node]. */
function properties(node: Node, path: string, out: [string, Node][] = [], seen = new Set<Node>()): [string, Node][] {
  const n = deref(node);
  if (seen.has(n)) return out;
  seen.add(n);
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    out.push([`${path}${key}`, child]);
    properties(child, `${path}${key}.`, out, seen);
  }
  if (n.items) properties(n.items, `${path}`, out, seen);
  if (typeof n.additionalProperties === 'object') properties(n.additionalProperties, `${path}<name>.`, out, seen);
  return out;
}

describe('spec.schema.json', () => {
  it('describes every key and definition', () => {
    const undocumented = properties(schema, '').filter(([, node]) => !deref(node).description && !node.description);
    expect(undocumented.map(([p]) => p)).toEqual([]);
    const defs = Object.entries(schema.definitions ?? {}).filter(([, d]) => !d.description);
    expect(defs.map(([k]) => k)).toEqual([]);
  });

  it('forbids unknown keys in every object', () => {
    const open: string[] = [];
    const check = (node: Node, path: string) => {
      const n = deref(node) as Node & { type?: string };
      if (n.type === 'object' && n.additionalProperties === undefined) open.push(path || '<root>');
    };
    check(schema, '');
    for (const [path, node] of properties(schema, '')) check(node, path);
    expect(open).toEqual([]);
  });
});

describe('docs/spec.md', () => {
  it('documents every key', () => {
    const keys = new Set(properties(schema, '').map(([p]) => p.split('.').pop() ?? p));
    const missing = [...keys].filter((k) => k !== '<name>' && !docs.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('lists the not-implemented keys exactly as the code refuses them', () => {
    const section = docs.slice(docs.indexOf('## Not implemented yet'));
    for (const [key, why] of Object.entries(NOT_IMPLEMENTED)) {
      expect(section).toContain(why);
      expect(section).toContain(`\`${key.split(' ')[0]}`);
    }
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(Object.keys(NOT_IMPLEMENTED).length);
  });
});

describe('closeMatches', () => {
  it('suggests near names, case differences first, never the name itself', () => {
    expect(closeMatches('tabel_filters', ['include_tables', 'table_filters', 'time_filters'])).toEqual(['table_filters', 'time_filters']);
    expect(closeMatches('orders', ['Orders', 'order', 'odrers', 'customers'])).toEqual(['Orders', 'order', 'odrers']);
    expect(closeMatches('orders', ['orders'])).toEqual([]);
    expect(closeMatches('sync', ['copy', 'prune'])).toEqual([]);
    expect(closeMatches('event', ['app_events', 'x'])).toEqual(['app_events']);
    expect(closeMatches('a', ['b', 'c', 'd', 'e'], 2)).toEqual(['b', 'c']);
  });
});
