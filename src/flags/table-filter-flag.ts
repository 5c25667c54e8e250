// `--table-filter "[db.][schema.]table:PREDICATE"`: the table is everything before the FIRST `:` outside double
// quotes, the predicate everything after it, untouched, since predicates hold `::` casts and `'12:00'` literals.
import { InputError, type Diagnostic } from '../util/errors.js';
import { isDiagnostic, tryParseTableRef } from './table-ref.js';
import type { FlagTableFilter } from './types.js';

export const TABLE_FILTER_FLAG = '--table-filter';
const SHAPE = `expected ${TABLE_FILTER_FLAG} "[db.][schema.]table:PREDICATE", e.g. ${TABLE_FILTER_FLAG} "orders:status IN ('active','pending')"`;

/** Index of the first `:` outside double quotes, or -1. */
export function firstColonOutsideQuotes(text: string): number {
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === ':' && !inQuote) return i;
  }
  return -1;
}

/** One flag value -> filter, or the diagnostic that says what is wrong with it. */
export function tryParseTableFilterFlag(value: string): FlagTableFilter | Diagnostic {
  const bad = (why: string): Diagnostic => ({ severity: 'error', message: `${TABLE_FILTER_FLAG} ${JSON.stringify(value)}: ${why}`, hints: [SHAPE] });
  const colon = firstColonOutsideQuotes(value);
  if (colon < 0) return bad('no ":" between the table and the predicate');
  const table = value.slice(0, colon);
  const where = value.slice(colon + 1).trim();
  if (table.trim() === '') return bad('no table before the ":"');
  if (where === '') return bad('no predicate after the ":"');
  const ref = tryParseTableRef(table, { origin: TABLE_FILTER_FLAG });
  if (isDiagnostic(ref)) return { ...ref, hints: [SHAPE] };
  return { ref, where };
}

/** Every value of a repeatable `--table-filter`; all problems at once as one InputError. */
export function parseTableFilterFlags(values: string | readonly string[]): FlagTableFilter[] {
  const out: FlagTableFilter[] = [];
  const problems: Diagnostic[] = [];
  for (const v of typeof values === 'string' ? [values] : values) {
    const f = tryParseTableFilterFlag(v);
    if ('severity' in f) problems.push(f);
    else out.push(f);
  }
  if (problems.length > 0) throw new InputError(`invalid ${TABLE_FILTER_FLAG}`, problems);
  return out;
}
