// YAML text -> plain value + where every key and value was written. The `yaml` package's document API keeps
// node ranges; a LineCounter turns offsets into the 1-based line:column that editors jump to.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, SourcePosition } from '../util/errors.js';
import { locatorFromMap, type NodePositions, type SpecLocator } from './positions.js';
import { toPointer, type PathSegment } from './spec-path.js';

export interface ParsedYaml {
  readonly value: unknown;
  readonly locator: SpecLocator;
  /** YAML syntax problems; when there are any, `value` must not be trusted. */
  readonly diagnostics: readonly Diagnostic[];
}

// Anchors and aliases are allowed (with merge keys `<<: *base`), but a "billion laughs" file is not.
const MAX_ALIAS_COUNT = 100;
// A spec has hundreds of nodes; aliases can multiply them, so the position walk is bounded too.
const MAX_POSITIONS = 100_000;

export function parseSpecYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote source lines, and those may hold a literal password.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  const diagnostics: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => ({
    severity: 'error' as const,
    message: `YAML: ${e.message}`,
    position: at(e.pos[0]),
  }));
  if (diagnostics.length > 0) return { value: undefined, locator: locatorFromMap(new Map()), diagnostics };

  let value: unknown;
  try {
    // First, so an alias bomb is refused before the position walk below expands aliases.
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // toJS throws on excessive aliasing; the message names no value.
    const message = e instanceof Error ? e.message : String(e);
    return { value: undefined, locator: locatorFromMap(new Map()), diagnostics: [{ severity: 'error', message: `YAML: ${message}`, position: at(0) }] };
  }

  const byPointer = new Map<string, NodePositions>();
  let budget = MAX_POSITIONS;
  const record: Recorder = {
    add(path, positions) {
      budget--;
      const pointer = toPointer(path);
      // Explicit keys are walked after merged ones and win, like the values do.
      byPointer.set(pointer, { ...byPointer.get(pointer), ...positions });
    },
    // Past the budget the walk stops; lookups fall back to ancestors: still right, only less precise.
    spent: () => budget <= 0,
  };
  // The root always has a position, also in an empty file, so root-level problems point at 1:1.
  record.add([], { value: at(0) });
  walk(doc, doc.contents, [], at, record, 0);
  return { value: value ?? null, locator: locatorFromMap(byPointer), diagnostics: [] };
}

interface Recorder {
  add(path: readonly PathSegment[], positions: NodePositions): void;
  spent(): boolean;
}

function walk(
  doc: Document,
  node: Node | null,
  path: readonly PathSegment[],
  at: (offset: number) => SourcePosition,
  record: Recorder,
  depth: number,
): void {
  // Aliases may nest; the depth bound keeps a cyclic or huge alias graph from looping.
  if (node === null || depth > 64 || record.spent()) return;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (node.range) record.add(path, { value: at(node.range[0]) });
    // The alias's own position wins over its target's for the value itself.
    if (target) walkChildren(doc, target, path, at, record, depth + 1);
    return;
  }
  if (node.range && !(isScalar(node) && node.value === null && node.source === '')) record.add(path, { value: at(node.range[0]) });
  walkChildren(doc, node, path, at, record, depth);
}

function walkChildren(
  doc: Document,
  node: Node,
  path: readonly PathSegment[],
  at: (offset: number) => SourcePosition,
  record: Recorder,
  depth: number,
): void {
  if (isSeq(node)) {
    node.items.forEach((item, index) => {
      if (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item)) walk(doc, item, [...path, index], at, record, depth + 1);
    });
    return;
  }
  if (!isMap(node)) return;
  const explicit = node.items.filter((pair) => !isMergeKey(pair.key));
  for (const pair of node.items) {
    if (!isMergeKey(pair.key)) continue;
    // `<<: *base` or `<<: [*a, *b]`: the merged keys keep the positions of the anchored map.
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const resolved = isAlias(source) ? source.resolve(doc) : source;
      if (isMap(resolved)) walkChildren(doc, resolved, path, at, record, depth + 1);
    }
  }
  for (const pair of explicit) {
    if (!isPair(pair)) continue;
    const key = keyString(pair.key);
    if (key === undefined) continue;
    const childPath = [...path, key];
    const keyNode = pair.key as Node | null;
    if (keyNode?.range) record.add(childPath, { key: at(keyNode.range[0]) });
    walk(doc, pair.value as Node | null, childPath, at, record, depth + 1);
  }
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** The JS key `toJS` gives a map entry (null -> '', numbers and booleans as text); undefined for complex keys. */
function keyString(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if (key.value === null) return '';
  return typeof key.value === 'object' ? undefined : String(key.value);
}
