// Splits SQL script text (pg_dump output, fixture files) into statements at top-level semicolons. Knows just
// enough of the lexer to not split inside what may hold a ';': single-quoted strings (E'' with backslash
// escapes), quoted identifiers, dollar-quoted bodies, line and (nested) block comments, and psql meta-commands
// (a line starting with '\' ends at the line's end, not at a ';').

/** One statement of a script, as its own lines (trimmed at the end, comment-only lines removed). */
export interface ScriptStatement {
  readonly text: string;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Index just past the string/identifier/comment/dollar-quote starting at `i`, or `i` if none starts there. */
function skipToken(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "'") {
    // E'…' (or e'…') lets a backslash escape the quote; standard strings only double it.
    const escapes = i > 0 && /[Ee]/.test(sql[i - 1] ?? '') && !IDENT_CHAR.test(sql[i - 2] ?? ' ');
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') { j += 2; continue; }
      if (sql[j] === "'") {
        if (sql[j + 1] === "'") { j += 2; continue; }
        return j + 1;
      }
      j += 1;
    }
    return sql.length;
  }
  if (ch === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '"') {
        if (sql[j + 1] === '"') { j += 2; continue; }
        return j + 1;
      }
      j += 1;
    }
    return sql.length;
  }
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (ch === '/' && next === '*') {
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === '/' && sql[j + 1] === '*') { depth += 1; j += 2; continue; }
      if (sql[j] === '*' && sql[j + 1] === '/') { depth -= 1; j += 2; continue; }
      j += 1;
    }
    return j;
  }
  if (ch === '$' && !IDENT_CHAR.test(sql[i - 1] ?? ' ')) {
    const tag = DOLLAR_TAG.exec(sql.slice(i, i + 200))?.[0];
    if (tag === undefined) return i;
    const end = sql.indexOf(tag, i + tag.length);
    return end === -1 ? sql.length : end + tag.length;
  }
  return i;
}

/** Drop lines that hold only a `--` comment or nothing, keep the others in order, trim their ends. */
function meaningfulLines(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !/^\s*--/.test(l)).join('\n').trimStart();
}

/** The statements of a script, in order, each without its terminating ';'. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const text = meaningfulLines(sql.slice(start, end));
    if (text !== '') statements.push(text);
  };
  while (i < sql.length) {
    // A psql meta-command: at the start of a line, with no statement text (only comments) before it.
    if (sql[i] === '\\' && /(^|\n)[ \t]*$/.test(sql.slice(0, i)) && meaningfulLines(sql.slice(start, i)) === '') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      start = i;
      push(stop);
      start = stop;
      i = stop;
      continue;
    }
    if (sql[i] === ';') {
      push(i);
      start = i + 1;
      i += 1;
      continue;
    }
    const after = skipToken(sql, i);
    i = after > i ? after : i + 1;
  }
  push(sql.length);
  return statements;
}
