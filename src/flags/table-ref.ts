// `[db.][schema.]table` as the old tool's flags and TOML write it -> TableRef parts. Unlike spec patterns
// (src/spec/table-pattern.ts, split on the FIRST dot into schema and table), a flag may name up to three parts,
// so every dot outside double quotes splits; which reading a two-part name has (`db.table` or `schema.table`) is
// decided later against the live catalog (resolve-scope.ts). Quotes as in SQL: `"my.schema"`, `""` = one `"`.
// No case folding: names are matched exactly, as pg_class holds them. Globs are not special here: a flag names
// exact tables.
import { InputError, type Diagnostic, type SourcePosition } from '../util/errors.js';
import type { TableRef } from './types.js';

const MAX_PARTS = 3;

/** The parts of `[db.][schema.]table`, or why the text is not such a name. */
export function splitTableRef(text: string): { parts: string[] } | { error: string } {
  const parts: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && text[i] === ' ') i++;
    let part: string;
    if (text[i] === '"') {
      let out = '';
      let j = i + 1;
      for (;;) {
        if (j >= n) return { error: 'unterminated double quote' };
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            out += '"';
            j += 2;
            continue;
          }
          j++;
          break;
        }
        out += text[j];
        j++;
      }
      while (j < n && text[j] === ' ') j++;
      if (j < n && text[j] !== '.') return { error: 'a quoted name must be the whole part (text after the closing quote)' };
      if (out === '') return { error: 'empty quoted name ""' };
      part = out;
      i = j;
    } else {
      let j = i;
      while (j < n && text[j] !== '.') {
        if (text[j] === '"') return { error: 'a double quote inside an unquoted name: quote the whole part ("a""b" for a"b)' };
        j++;
      }
      part = text.slice(i, j).trim();
      if (part === '') return { error: parts.length === 0 && j >= n ? 'empty table name' : 'empty name part (two dots, or a dot at an end)' };
      i = j;
    }
    parts.push(part);
    if (i >= n) break;
    i++; // the dot
  }
  if (parts.length > MAX_PARTS) return { error: `${parts.length} dot-separated parts: write table, schema.table, db.table or db.schema.table (quote a name that holds a dot)` };
  return { parts };
}

/** Splits a comma list (`a.b, "x,y".z`) on commas outside double quotes; parts are trimmed, empty ones dropped. */
export function splitCommaList(text: string): string[] {
  const out: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inQuote = !inQuote; // `""` toggles twice: still right
    else if (ch === ',' && !inQuote) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

export interface RefContext {
  /** `--include-tables` or `replication.toml:3:1`. */
  readonly origin: string;
  readonly database?: string;
  readonly schema?: string;
  readonly position?: SourcePosition;
}

/** One name -> TableRef, or a diagnostic (collected by callers so every bad name is reported at once). */
export function tryParseTableRef(text: string, ctx: RefContext): TableRef | Diagnostic {
  const raw = text.trim();
  const s = splitTableRef(text);
  if ('error' in s) {
    // With a position the diagnostic is placed there; the origin would only repeat it.
    const where = ctx.position ? '' : `${ctx.origin}: `;
    return { severity: 'error', message: `${where}invalid table name ${JSON.stringify(raw)}: ${s.error}`, ...(ctx.position ? { position: ctx.position } : {}) };
  }
  return {
    parts: s.parts,
    raw,
    origin: ctx.origin,
    ...(ctx.database !== undefined ? { database: ctx.database } : {}),
    ...(ctx.schema !== undefined ? { schema: ctx.schema } : {}),
    ...(ctx.position ? { position: ctx.position } : {}),
  };
}

export function isDiagnostic(x: TableRef | Diagnostic): x is Diagnostic {
  return 'severity' in x;
}

/** One name -> TableRef; throws InputError. */
export function parseTableRef(text: string, ctx: RefContext): TableRef {
  const r = tryParseTableRef(text, ctx);
  if (isDiagnostic(r)) throw new InputError(r.message, [r]);
  return r;
}

/**
 * A list flag's values (each may be a comma list; the flag may repeat) -> TableRefs, every bad name at once.
 * Bad names go to `problems`.
 */
export function parseTableRefList(values: string | readonly string[], origin: string, problems: Diagnostic[]): TableRef[] {
  const out: TableRef[] = [];
  for (const value of typeof values === 'string' ? [values] : values) {
    for (const item of splitCommaList(value)) {
      const r = tryParseTableRef(item, { origin });
      if (isDiagnostic(r)) problems.push(r);
      else out.push(r);
    }
  }
  return out;
}
