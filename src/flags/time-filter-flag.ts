// `--time-filter "[db.][schema.]table:column:N unit"`: the table ends at the first `:` outside double quotes,
// the window starts after the last `:` (a window never holds one), the column is what lies between (quoted
// like the table parts when it holds a `:` or starts/ends with spaces). The window grammar is the spec's
// (src/spec/time-window.ts): a positive whole number and seconds … years, singular or plural.
import { parseTimeWindow } from '../spec/time-window.js';
import { InputError, type Diagnostic } from '../util/errors.js';
import { firstColonOutsideQuotes } from './table-filter-flag.js';
import { isDiagnostic, tryParseTableRef } from './table-ref.js';
import type { FlagTimeFilter } from './types.js';

export const TIME_FILTER_FLAG = '--time-filter';
const SHAPE = `expected ${TIME_FILTER_FLAG} "[db.][schema.]table:column:N unit" (unit: seconds, minutes, hours, days, weeks, months or years), e.g. ${TIME_FILTER_FLAG} "metrics:created_at:6 months"`;

function unquoteColumn(text: string): string | null {
  const t = text.trim();
  if (!t.startsWith('"')) return t.includes('"') ? null : t;
  if (t.length < 3 || !t.endsWith('"')) return null;
  const inner = t.slice(1, -1);
  // Inside, every quote must be doubled.
  if (inner.replace(/""/g, '').includes('"')) return null;
  return inner.replace(/""/g, '"');
}

export function tryParseTimeFilterFlag(value: string): FlagTimeFilter | Diagnostic {
  const bad = (why: string): Diagnostic => ({ severity: 'error', message: `${TIME_FILTER_FLAG} ${JSON.stringify(value)}: ${why}`, hints: [SHAPE] });
  const first = firstColonOutsideQuotes(value);
  const last = value.lastIndexOf(':');
  if (first < 0 || last === first) return bad('it needs two ":" (table:column:window)');
  const table = value.slice(0, first);
  const columnText = value.slice(first + 1, last);
  const windowText = value.slice(last + 1);
  if (table.trim() === '') return bad('no table before the first ":"');
  const column = unquoteColumn(columnText);
  if (column === null) return bad('the column name has unbalanced double quotes');
  if (column === '') return bad('no column between the two ":"');
  if (windowText.trim() === '') return bad('no window after the last ":"');
  const window = parseTimeWindow(windowText);
  if (window === null) return bad(`${JSON.stringify(windowText.trim())} is not a window: a positive whole number and a unit, e.g. 90 days`);
  const ref = tryParseTableRef(table, { origin: TIME_FILTER_FLAG });
  if (isDiagnostic(ref)) return { ...ref, hints: [SHAPE] };
  return { ref, column, last: window.text };
}

/** Every value of a repeatable `--time-filter`; all problems at once as one InputError. */
export function parseTimeFilterFlags(values: string | readonly string[]): FlagTimeFilter[] {
  const out: FlagTimeFilter[] = [];
  const problems: Diagnostic[] = [];
  for (const v of typeof values === 'string' ? [values] : values) {
    const f = tryParseTimeFilterFlag(v);
    if ('severity' in f) problems.push(f);
    else out.push(f);
  }
  if (problems.length > 0) throw new InputError(`invalid ${TIME_FILTER_FLAG}`, problems);
  return out;
}
