// Table names and patterns as users write them: `schema.table`, bare `table` (= schema public), double quotes
// for names holding dots, quotes or glob characters (`"my.schema"."Order Lines"`, `""` = one quote). No SQL
// case folding: `Orders` and `orders` are different tables, exactly as in pg_class. Unquoted parts keep inner
// spaces and dashes as written (`my-app.Order Lines`); spaces around a part are dropped (quote a name that
// really starts or ends with one).
import { InputError, type SourcePosition } from '../util/errors.js';
import { globMatches, isGlob } from './glob.js';
import type { TableName, TablePattern } from './model.js';

export const DEFAULT_SCHEMA = 'public';

interface Part {
  readonly text: string;
  readonly quoted: boolean;
}

type Split = { readonly schema: Part | null; readonly table: Part } | { readonly error: string };

/** Splits on the first dot outside double quotes. Returns an error text (never echoing the input). */
function split(raw: string): Split {
  const text = raw.trim();
  if (text === '') return { error: 'empty table name' };
  const first = readPart(text, 0, true);
  if ('error' in first) return first;
  if (first.end === text.length) return { schema: null, table: first.part };
  // readPart stopped at the first dot outside quotes.
  const second = readPart(text, first.end + 1, false);
  if ('error' in second) return second;
  if (first.part.text === '' && !first.part.quoted) return { error: 'empty schema name before the dot' };
  return { schema: first.part, table: second.part };
}

function readPart(text: string, from: number, stopAtDot: boolean): { part: Part; end: number } | { error: string } {
  let start = from;
  while (text[start] === ' ') start++;
  if (text[start] === '"') {
    let out = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length) return { error: 'unterminated double quote' };
      const ch = text[i];
      if (ch === '"') {
        if (text[i + 1] === '"') {
          out += '"';
          i += 2;
          continue;
        }
        i++;
        break;
      }
      out += ch;
      i++;
    }
    if (out === '') return { error: 'empty quoted name ""' };
    while (text[i] === ' ') i++;
    if (i === text.length || (stopAtDot && text[i] === '.')) return { part: { text: out, quoted: true }, end: i };
    return { error: stopAtDot ? 'a quoted name must be followed by "." or end the name' : 'text after the closing quote of the table name' };
  }
  let i = start;
  while (i < text.length && !(stopAtDot && text[i] === '.')) {
    if (text[i] === '"') return { error: 'a double quote inside an unquoted name: quote the whole part ("a""b" for a"b)' };
    i++;
  }
  const part = text.slice(start, i).trimEnd();
  if (part === '' && !stopAtDot) return { error: 'empty table name after the dot' };
  return { part: { text: part, quoted: false }, end: i };
}

/** The pattern, or the reason it is not one (the reason never quotes the input: it may be interpolated). */
export function tryParseTablePattern(raw: string, position?: SourcePosition): TablePattern | { error: string } {
  const s = split(raw);
  if ('error' in s) return s;
  const schema = s.schema ?? { text: DEFAULT_SCHEMA, quoted: true };
  return {
    schema: schema.text,
    table: s.table.text,
    schemaGlob: !schema.quoted && isGlob(schema.text),
    tableGlob: !s.table.quoted && isGlob(s.table.text),
    raw: raw.trim(),
    ...(position ? { position } : {}),
  };
}

/** Parses a table pattern (globs allowed); throws InputError on bad syntax. */
export function parseTablePattern(raw: string, position?: SourcePosition): TablePattern {
  const p = tryParseTablePattern(raw, position);
  if ('error' in p) throw syntaxError(raw, p.error, position);
  return p;
}

/** An exact table name or the reason it is not one (globs refused: a filter names one table). */
export function tryParseTableName(raw: string): TableName | { error: string } {
  const p = tryParseTablePattern(raw);
  if ('error' in p) return p;
  if (p.schemaGlob || p.tableGlob) return { error: 'one exact table is needed here, not a glob (quote a name that holds * or ?)' };
  return { schema: p.schema, table: p.table };
}

/** Parses an exact `schema.table` / bare table name; throws InputError on bad syntax or a glob. */
export function parseTableName(raw: string, position?: SourcePosition): TableName {
  const t = tryParseTableName(raw);
  if ('error' in t) throw syntaxError(raw, t.error, position);
  return t;
}

function syntaxError(raw: string, reason: string, position?: SourcePosition): InputError {
  return new InputError(`invalid table name ${JSON.stringify(raw)}`, [
    { severity: 'error', message: reason, ...(position ? { position } : {}) },
  ]);
}

export function tableMatches(p: TablePattern, t: TableName): boolean {
  return globMatches(p.schema, p.schemaGlob, t.schema) && globMatches(p.table, p.tableGlob, t.table);
}

const PLAIN = /^[A-Za-z0-9_$-]+$/;

function quotePart(part: string): string {
  return PLAIN.test(part) ? part : `"${part.replace(/"/g, '""')}"`;
}

/** `sales.orders`, `"My Schema"."Order Lines"`: a spelling that parseTableName reads back to the same name. */
export function formatTableName(t: TableName): string {
  return `${quotePart(t.schema)}.${quotePart(t.table)}`;
}
