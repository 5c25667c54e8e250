// The session settings every pgrepl connection runs with (CONTRACTS.md, Sessions), rendered as the `options`
// startup parameter (`-c name=value …`). Settings sent at startup hold from the first statement and take
// precedence over ALTER DATABASE / ALTER ROLE settings (PGC_S_CLIENT outranks them), so a source database with
// `datestyle = 'SQL, DMY'` still produces ISO dates in COPY text.

export type Side = 'source' | 'target';

/** Name and value pairs; order is kept so the rendered string is stable. */
export type Settings = readonly (readonly [string, string])[];

// DateStyle fixes the field order (MDY) too: 'ISO' alone keeps the server's order (initdb picks DMY for some
// locales), which changes how ambiguous date input is read. application_name is sent as its own startup
// parameter (which wins over -c), see toPgConfig().
const COMMON_SETTINGS: Settings = [
  ['DateStyle', 'ISO,MDY'],
  ['IntervalStyle', 'postgres'],
  ['extra_float_digits', '3'],
  ['TimeZone', 'UTC'],
  ['bytea_output', 'hex'],
  ['client_encoding', 'UTF8'],
  ['statement_timeout', '0'],
  ['idle_in_transaction_session_timeout', '0'],
];

// row_security=off turns a silent RLS subset into an error; read-only makes every source read a READ ONLY
// transaction unless withSourceWrite()/probeInRollback() opens a read-write one explicitly.
const SOURCE_SETTINGS: Settings = [
  ['row_security', 'off'],
  ['default_transaction_read_only', 'on'],
];

// Defaults rather than fixed settings: they go before the user's own options, which may change them. JIT compiles
// a query whose estimated cost passes jit_above_cost; pgrepl's catalog reads pass it on large schemas, whose
// catalogs are large, and then spent far longer compiling than running: on 8,000 tables the types query took
// 1.9 s, of which 1.89 s JIT (EXPLAIN ANALYZE), and 51 ms without. verify's hash queries ran no slower without
// it (8 tables of 575,000 rows: 8.4 s against 8.7-11.0 s).
const DEFAULT_SETTINGS: Settings = [['jit', 'off']];

export const APPLICATION_NAME = 'pgrepl';

/**
 * idle_session_timeout exists from PostgreSQL 14; naming it in startup options fails on older servers, so
 * connect() sets it after the server version is known.
 */
export const IDLE_SESSION_TIMEOUT_MIN_VERSION_NUM = 140000;

export function sessionSettings(side: Side): Settings {
  return side === 'source' ? [...COMMON_SETTINGS, ...SOURCE_SETTINGS] : COMMON_SETTINGS;
}

/**
 * The `options` startup parameter: pgrepl's defaults (jit), the user's own options, then pgrepl's settings, which
 * therefore win (the server applies `-c` switches in order) while the user may still change a default.
 */
export function startupOptions(side: Side, userOptions?: string): string {
  const render = (settings: Settings): string => settings.map(([name, value]) => `-c ${escapeOptionWord(`${name}=${value}`)}`).join(' ');
  const user = userOptions !== undefined && userOptions.trim() !== '' ? [userOptions.trim()] : [];
  return [render(DEFAULT_SETTINGS), ...user, render(sessionSettings(side))].join(' ');
}

/** The server splits `options` on white space; a backslash keeps the next character (space or backslash). */
function escapeOptionWord(word: string): string {
  return word.replace(/[\\\s]/g, (ch) => `\\${ch}`);
}
