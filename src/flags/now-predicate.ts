// The old tool's filters say `created_at > NOW() - INTERVAL '90 days'`. PostgreSQL refuses now() in a
// publication's row filter (only immutable functions), and a moving predicate cannot be streamed anyway. The
// one common shape maps onto a spec time window, which pgrepl anchors once (the source's now() at the first apply
// becomes a literal): `<col> >[=] now() - interval '<N unit>'`. `>` becomes the window's `>=` at an anchored
// literal, which differs only for rows exactly on the boundary instant. Any other predicate calling a
// non-immutable function filters the copy only: nonImmutableCalls() names those calls so the planner can refuse
// to stream it and say why.
import { parseTimeWindow } from '../spec/time-window.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';

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

const isPunct = (t: SqlToken | undefined, text: string) => t !== undefined && t.kind === 'punct' && t.text === text;
const isOp = (t: SqlToken | undefined, text: string) => t !== undefined && t.kind === 'op' && t.text === text;
const isIdent = (t: SqlToken | undefined, text?: string) => t !== undefined && t.kind === 'ident' && (text === undefined || t.text === text);

/** Index of the `)` matching the `(` at `open`, or -1. */
function matching(tokens: readonly SqlToken[], open: number): number {
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

// Called with parentheses: volatile or stable functions, so the predicate's rows depend on when (or where) it runs.
const FUNCTIONS = new Set([
  'now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'timeofday',
  'random', 'random_normal', 'setseed', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v4',
  'nextval', 'currval', 'lastval', 'setval',
  'current_setting', 'current_schemas', 'current_query', 'current_database',
  'txid_current', 'txid_current_if_assigned', 'txid_current_snapshot', 'pg_current_xact_id', 'pg_current_snapshot',
  'pg_backend_pid', 'inet_client_addr', 'inet_client_port', 'inet_server_addr', 'inet_server_port', 'pg_postmaster_start_time',
]);
// SQL keywords that read the session or the clock without parentheses (`current_timestamp(3)` takes some).
const KEYWORDS = new Set(['current_timestamp', 'current_date', 'current_time', 'localtime', 'localtimestamp', 'current_user', 'session_user', 'user', 'current_role', 'current_schema', 'current_catalog', 'system_user']);

/**
 * The non-immutable functions and keywords a predicate calls, lower case, each once, in order of appearance.
 * `age(x)` with one argument counts (it reads current_date); with two it does not. String literals and quoted
 * identifiers are skipped; an unquoted name counts as a function only when `(` follows.
 */
export function nonImmutableCalls(where: string): string[] {
  const t = tokenizeSql(where);
  const found: string[] = [];
  const add = (name: string) => {
    if (!found.includes(name)) found.push(name);
  };
  for (let i = 0; i < t.length; i++) {
    const tok = t[i] as SqlToken;
    if (tok.kind !== 'ident') continue;
    // `x.now`: a column or a schema-qualified name; only pg_catalog.<fn>( is still the function.
    const qualified = isPunct(t[i - 1], '.');
    if (qualified && !isIdent(t[i - 2], 'pg_catalog')) continue;
    const called = isPunct(t[i + 1], '(');
    if (KEYWORDS.has(tok.text) && !qualified) add(tok.text);
    else if (called && FUNCTIONS.has(tok.text)) add(tok.text);
    else if (called && tok.text === 'age' && argumentCount(t, i + 1) === 1) add('age');
  }
  return found;
}

/** Arguments of the call whose `(` is at `open` (top-level commas + 1; 0 for `()`). */
function argumentCount(t: readonly SqlToken[], open: number): number {
  const close = matching(t, open);
  if (close < 0) return 0;
  if (close === open + 1) return 0;
  let depth = 0;
  let commas = 0;
  for (let i = open + 1; i < close; i++) {
    if (isPunct(t[i], '(') || isPunct(t[i], '[')) depth++;
    else if (isPunct(t[i], ')') || isPunct(t[i], ']')) depth--;
    else if (depth === 0 && isPunct(t[i], ',')) commas++;
  }
  return commas + 1;
}
