// A small SQL tokenizer for predicates the user wrote: enough to tell identifiers, string literals, quoted
// identifiers, numbers and operators apart, so that `'now()'` inside a literal or a column named "random" is
// not taken for a function call. Comments are dropped. Not a parser: callers match token shapes.

export type SqlToken =
  | { readonly kind: 'ident'; readonly text: string } // unquoted: folded to lower case, as PostgreSQL does
  | { readonly kind: 'quoted'; readonly text: string } // "Quoted" identifier, `""` unescaped
  | { readonly kind: 'string'; readonly text: string } // '…', E'…', $$…$$ literal value
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'op'; readonly text: string } // operators and `::`
  | { readonly kind: 'punct'; readonly text: string }; // ( ) [ ] , . ;

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const OP_CHARS = '+-*/<>=~!@#%^&|`?';

export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if ((ch === 'E' || ch === 'e') && sql[i + 1] === "'") {
      const r = readQuoted(sql, i + 1, "'", true);
      out.push({ kind: 'string', text: r.text });
      i = r.end;
      continue;
    }
    if (ch === "'") {
      const r = readQuoted(sql, i, "'", false);
      out.push({ kind: 'string', text: r.text });
      i = r.end;
      continue;
    }
    if (ch === '"') {
      const r = readQuoted(sql, i, '"', false);
      out.push({ kind: 'quoted', text: r.text });
      i = r.end;
      continue;
    }
    if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const tag = m[0];
        const close = sql.indexOf(tag, i + tag.length);
        const end = close < 0 ? n : close;
        out.push({ kind: 'string', text: sql.slice(i + tag.length, end) });
        i = close < 0 ? n : close + tag.length;
        continue;
      }
      // `$1`: a parameter; treat as a number-like token.
      let j = i + 1;
      while (j < n && /[0-9]/.test(sql[j] as string)) j++;
      out.push({ kind: 'number', text: sql.slice(i, j) });
      i = Math.max(j, i + 1);
      continue;
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(sql[j] as string)) j++;
      out.push({ kind: 'ident', text: sql.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9.eE_]/.test(sql[j] as string)) j++;
      out.push({ kind: 'number', text: sql.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === ':' && sql[i + 1] === ':') {
      out.push({ kind: 'op', text: '::' });
      i += 2;
      continue;
    }
    if (OP_CHARS.includes(ch)) {
      let j = i + 1;
      while (j < n && OP_CHARS.includes(sql[j] as string) && !(sql[j] === '-' && sql[j + 1] === '-') && !(sql[j] === '/' && sql[j + 1] === '*')) j++;
      out.push({ kind: 'op', text: sql.slice(i, j) });
      i = j;
      continue;
    }
    out.push({ kind: 'punct', text: ch });
    i++;
  }
  return out;
}

/** Reads a quoted run starting at the opening quote; a doubled quote is one quote; E'' strings honour `\`. */
function readQuoted(sql: string, open: number, quote: string, backslash: boolean): { text: string; end: number } {
  let out = '';
  let i = open + 1;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (backslash && ch === '\\' && i + 1 < sql.length) {
      out += sql[i + 1];
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return { text: out, end: i + 1 };
    }
    out += ch;
    i++;
  }
  return { text: out, end: sql.length };
}

export const isPunct = (t: SqlToken | undefined, text: string) => t !== undefined && t.kind === 'punct' && t.text === text;
export const isOp = (t: SqlToken | undefined, text: string) => t !== undefined && t.kind === 'op' && t.text === text;
export const isIdent = (t: SqlToken | undefined, text?: string) => t !== undefined && t.kind === 'ident' && (text === undefined || t.text === text);

/** Index of the `)` matching the `(` at `open`, or -1. */
export function matching(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')')) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
