// Where each key and array element of a TOML document sits, found by scanning its lines, since smol-toml returns
// plain values without positions. It follows table headers (`[a.b]`, `[[a.b]]` with their running index),
// dotted keys and arrays spread over lines; inline tables get the position of their key. Paths are joined with
// NUL: `databases\0mydb\0table_filters\0#0\0where`; array indexes are `#<n>`.
import type { SourcePosition } from '../util/errors.js';

export interface TomlPositions {
  /** The key (or header) at `path`, else the nearest ancestor's. */
  key(path: readonly (string | number)[]): SourcePosition | undefined;
  /** The value at `path` (an array element, a scalar after `=`), else the key's position. */
  value(path: readonly (string | number)[]): SourcePosition | undefined;
}

const SEP = '\u0000';
const seg = (s: string | number) => (typeof s === 'number' ? `#${s}` : s);
const join = (path: readonly (string | number)[]) => path.map(seg).join(SEP);

/** Parses a TOML key (`a."b.c".'d'`) starting at `from`; returns the parts and where it stopped. */
function readKey(text: string, from: number): { parts: string[]; end: number } | null {
  const parts: string[] = [];
  let i = from;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        parts.push(JSON.parse(text.slice(i, j + 1)) as string);
      } catch {
        parts.push(text.slice(i + 1, j));
      }
      i = j + 1;
    } else if (ch === "'") {
      const j = text.indexOf("'", i + 1);
      if (j < 0) return null;
      parts.push(text.slice(i + 1, j));
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m) return null;
      parts.push(m[0]);
      i += m[0].length;
    }
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '.') return { parts, end: i };
    i++;
  }
}

export function tomlPositions(text: string, file: string): TomlPositions {
  const keys = new Map<string, SourcePosition>();
  const values = new Map<string, SourcePosition>();
  const arrayCounts = new Map<string, number>();
  // Line starts, to turn an offset into line:column.
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (offset: number): SourcePosition => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };

  let current: (string | number)[] = [];
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipLine = () => {
    while (i < n && text[i] !== '\n') i++;
    i++;
  };
  /** Skips a string value at i (any of the four TOML kinds); returns false if none starts here. */
  const skipString = (): boolean => {
    for (const q of ['"""', "'''"]) {
      if (text.startsWith(q, i)) {
        let j = i + 3;
        for (;;) {
          const k = text.indexOf(q, j);
          if (k < 0) {
            i = n;
            return true;
          }
          if (q === '"""' && text[k - 1] === '\\') {
            j = k + 1;
            continue;
          }
          // A closing run may hold up to two extra quotes that belong to the string.
          let end = k + 3;
          while (text[end] === q[0] && end < k + 5) end++;
          i = end;
          return true;
        }
      }
    }
    if (text[i] === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      return true;
    }
    if (text[i] === "'") {
      let j = i + 1;
      while (j < n && text[j] !== "'" && text[j] !== '\n') j++;
      i = j + 1;
      return true;
    }
    return false;
  };
  /** Skips any value at i, recording array elements under `path`. */
  const skipValue = (path: (string | number)[]): void => {
    if (skipString()) return;
    const open = text[i];
    if (open === '[' || open === '{') {
      const close = open === '[' ? ']' : '}';
      i++;
      let index = 0;
      for (;;) {
        while (i < n && /\s|,/.test(text[i] as string)) i++;
        if (text[i] === '#') {
          skipLine();
          continue;
        }
        if (i >= n) return;
        if (text[i] === close) {
          i++;
          return;
        }
        if (open === '[') {
          const elementPath = [...path, index++];
          values.set(join(elementPath), at(i));
          skipValue(elementPath);
        } else {
          // Inline table: key = value pairs; keys get positions too.
          const k = readKey(text, i);
          if (!k) {
            i++;
            continue;
          }
          const keyPath = [...path, ...k.parts];
          keys.set(join(keyPath), at(i));
          i = k.end;
          if (text[i] === '=') i++;
          skipSpace();
          values.set(join(keyPath), at(i));
          skipValue(keyPath);
        }
      }
    }
    // A scalar: up to a comma, bracket, comment or line end.
    while (i < n && !/[,\]}\n#]/.test(text[i] as string)) i++;
  };

  while (i < n) {
    skipSpace();
    const ch = text[i];
    if (ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      skipLine();
      continue;
    }
    if (ch === '[') {
      const double = text[i + 1] === '[';
      const start = i;
      const k = readKey(text, i + (double ? 2 : 1));
      if (!k) {
        skipLine();
        continue;
      }
      if (double) {
        const id = join(k.parts);
        const index = arrayCounts.get(id) ?? 0;
        arrayCounts.set(id, index + 1);
        current = [...k.parts, index];
        if (!keys.has(id)) keys.set(id, at(start));
        // Tables nested under this one restart their own counts.
        for (const key of [...arrayCounts.keys()]) if (key.startsWith(join(current) + SEP)) arrayCounts.delete(key);
      } else current = [...k.parts];
      keys.set(join(current), at(start));
      skipLine();
      continue;
    }
    const k = readKey(text, i);
    if (!k) {
      skipLine();
      continue;
    }
    const path = [...current, ...k.parts];
    keys.set(join(path), at(i));
    i = k.end;
    if (text[i] === '=') i++;
    skipSpace();
    values.set(join(path), at(i));
    skipValue(path);
    // Rest of the line (a comment).
    while (i < n && text[i] !== '\n') i++;
  }

  const nearest = (map: Map<string, SourcePosition>, path: readonly (string | number)[]) => {
    for (let len = path.length; len >= 0; len--) {
      const hit = map.get(join(path.slice(0, len)));
      if (hit) return hit;
      if (map !== keys) break; // values: only the exact path; keys: walk up
    }
    return undefined;
  };
  return {
    key: (path) => nearest(keys, path),
    value: (path) => nearest(values, path) ?? nearest(keys, path),
  };
}
