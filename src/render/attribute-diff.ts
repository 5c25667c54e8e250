// Terraform-style attribute changes between a step's `before` and `after`: `~ path = old -> new`, `+ path = new`,
// `- path = old`, and a line diff (the `diff` package) for changed multi-line text such as a function body.
// Arrays whose elements are objects with distinct `name`s are matched by name (`columns["note"].type`), so adding a
// column shows one `+` instead of shifting every later index.
// Only the line diff (3 modules), not the package index (19): it loads with every plan and apply.
import { diffLines } from 'diff/lib/diff/line.js';

export type DiffMark = '+' | '-' | '~' | ' ';

export interface DiffLine {
  readonly mark: DiffMark;
  readonly text: string;
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function keyPath(parent: string, key: string): string {
  return BARE_KEY.test(key) ? (parent === '' ? key : `${parent}.${key}`) : `${parent}[${JSON.stringify(key)}]`;
}

function namedElements(list: readonly unknown[]): Map<string, unknown> | null {
  const byName = new Map<string, unknown>();
  for (const el of list) {
    if (typeof el !== 'object' || el === null || Array.isArray(el)) return null;
    const name = (el as Record<string, unknown>).name;
    if (typeof name !== 'string' || byName.has(name)) return null;
    byName.set(name, el);
  }
  return byName;
}

/** Leaf values by path, in document order; empty arrays and objects are leaves too. */
function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.set(path, value);
    const named = namedElements(value);
    if (named !== null) for (const [name, el] of named) flatten(el, `${path}[${JSON.stringify(name)}]`, out);
    else value.forEach((el: unknown, i) => flatten(el, `${path}[${i}]`, out));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return void out.set(path, value);
    for (const [k, v] of entries) flatten(v, keyPath(path, k), out);
    return;
  }
  out.set(path, value);
}

const show = (v: unknown): string => (v === undefined ? 'null' : JSON.stringify(v));

export function attributeDiff(before: unknown, after: unknown): DiffLine[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  // An emptied (or newly filled) list shows its removed (added) elements, not a second line for the empty list.
  const hasChildren = (m: Map<string, unknown>, path: string): boolean =>
    [...m.keys()].some((k) => k.startsWith(`${path}[`) || k.startsWith(`${path}.`));
  const paths = [...b.keys(), ...[...a.keys()].filter((p) => !b.has(p))]
    .filter((p) => !(a.has(p) !== b.has(p) && hasChildren(a.has(p) ? b : a, p)));
  const out: DiffLine[] = [];
  for (const path of paths) {
    const label = path === '' ? '(value)' : path;
    const [old, neu] = [a.get(path), b.get(path)];
    if (!a.has(path)) out.push({ mark: '+', text: `${label} = ${show(neu)}` });
    else if (!b.has(path)) out.push({ mark: '-', text: `${label} = ${show(old)}` });
    else if (JSON.stringify(old) === JSON.stringify(neu)) continue;
    else if (typeof old === 'string' && typeof neu === 'string' && (old.includes('\n') || neu.includes('\n'))) {
      out.push({ mark: '~', text: `${label}:` });
      for (const part of diffLines(old, neu)) {
        const mark: DiffMark = part.added ? '+' : part.removed ? '-' : ' ';
        for (const line of part.value.replace(/\n$/, '').split('\n')) out.push({ mark, text: `    ${line}` });
      }
    } else out.push({ mark: '~', text: `${label} = ${show(old)} -> ${show(neu)}` });
  }
  return out;
}
