// The old tool's filters say `created_at > NOW() - INTERVAL '90 days'`. PostgreSQL refuses now() in a
// publication's row filter (only immutable functions), and a moving predicate cannot be streamed anyway. The
// one common shape maps onto a spec time window, which pgrepl anchors once (the source's now() at the first apply
// becomes a literal): `<col> >[=] now() - interval '<N unit>'`. `>` becomes the window's `>=` at an anchored
// literal, which differs only for rows exactly on the boundary instant. Any other predicate calling a
// non-immutable function filters the copy only (src/spec/non-immutable-calls.ts names those calls).
import { parseTimeWindow } from '../spec/time-window.js';
import { isIdent, isOp, isPunct, matching, tokenizeSql, type SqlToken } from '../spec/sql-tokens.js';

export interface NowWindow {
  /** Exact column name (unquoted names folded to lower case, as PostgreSQL does). */
  readonly column: string;
  /** Canonical window text (`90 days`), as src/spec/time-window.ts parseTimeWindow gives it. */
  readonly last: string;
  /** The predicate said `>` (now `>=` at the anchored literal). */
  readonly strict: boolean;
}

// Functions and keywords that mean "the current transaction's time" (now() and its synonyms).
const NOW_FUNCTIONS = new Set(['now', 'transaction_timestamp']);
const NOW_KEYWORDS = new Set(['current_timestamp']);

/** Drops parentheses that wrap the whole run: `((x))` -> `x`. */
function unwrap(tokens: readonly SqlToken[]): readonly SqlToken[] {
  let t = tokens;
  while (t.length >= 2 && isPunct(t[0], '(') && matching(t, 0) === t.length - 1) t = t.slice(1, -1);
  return t;
}

function isNow(tokens: readonly SqlToken[]): boolean {
  const t = unwrap(tokens);
  if (t.length === 1) return isIdent(t[0]) && NOW_KEYWORDS.has((t[0] as SqlToken).text);
  // `now()`, `pg_catalog.now()`
  const base = t.length === 5 && isIdent(t[0], 'pg_catalog') && isPunct(t[1], '.') ? t.slice(2) : t;
  return base.length === 3 && isIdent(base[0]) && NOW_FUNCTIONS.has((base[0] as SqlToken).text) && isPunct(base[1], '(') && isPunct(base[2], ')');
}

/** `interval '90 days'` or `'90 days'::interval` -> the literal's text. */
function intervalText(tokens: readonly SqlToken[]): string | null {
  const t = unwrap(tokens);
  if (t.length === 2 && isIdent(t[0], 'interval') && t[1]?.kind === 'string') return t[1].text;
  if (t.length === 3 && t[0]?.kind === 'string' && isOp(t[1], '::') && isIdent(t[2], 'interval')) return t[0].text;
  return null;
}

/** Recognises `<col> >[=] now() - interval '<N unit>'`; null for any other predicate. */
export function nowWindow(where: string): NowWindow | null {
  const t = unwrap(tokenizeSql(where));
  const col = t[0];
  if (col === undefined || (col.kind !== 'ident' && col.kind !== 'quoted')) return null;
  const op = t[1];
  if (!isOp(op, '>') && !isOp(op, '>=')) return null;
  const rhs = unwrap(t.slice(2));
  // The minus at depth 0 that splits now() from the interval.
  let depth = 0;
  let minus = -1;
  for (let i = 0; i < rhs.length; i++) {
    if (isPunct(rhs[i], '(')) depth++;
    else if (isPunct(rhs[i], ')')) depth--;
    else if (depth === 0 && isOp(rhs[i], '-')) {
      minus = i;
      break;
    }
  }
  if (minus < 0 || !isNow(rhs.slice(0, minus))) return null;
  const text = intervalText(rhs.slice(minus + 1));
  if (text === null) return null;
  const window = parseTimeWindow(text);
  if (window === null) return null;
  return { column: col.text, last: window.text, strict: isOp(op, '>') };
}
