// The non-immutable functions and keywords a SQL predicate calls: PostgreSQL publications accept only immutable
// row filters, so the planner refuses to stream such a filter (stream-filter.ts), and the old tool's flags say
// so early (src/flags/resolve-scope.ts). A tokenizer, not a parser: literals and quoted names are skipped. Pure.
import { isIdent, isPunct, matching, tokenizeSql, type SqlToken } from './sql-tokens.js';

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
