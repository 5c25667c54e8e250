// Quoting for the SQL validate runs and the fix lines it prints. Pure; identifiers are quoted only when
// PostgreSQL would need it, so a fix line reads like what a person types (`GRANT SELECT ON TABLE public.orders`).
// TODO(foundation): replace with the project's shared quoting helper once src/pg has one.

// Reserved and type/function-name keywords: the ones that cannot stand unquoted as a table, schema or role name.
const NEEDS_QUOTES = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into ' +
    'lateral leading limit localtime localtimestamp not null offset on only or order placing primary references ' +
    'returning select session_user some symmetric system_user table then to trailing true union unique user using ' +
    'variadic when where window with authorization binary collation concurrently cross current_schema freeze full ' +
    'ilike inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose'
  ).split(' '),
);

function checkNul(text: string): void {
  if (text.includes('\0')) throw new Error('SQL text cannot contain a NUL byte');
}

/** An identifier, double-quoted unless it is a plain lower-case name that is not a reserved word. */
export function quoteIdent(name: string): string {
  checkNul(name);
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !NEEDS_QUOTES.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A string literal for standard_conforming_strings = on (the default since 9.1): backslashes stay literal. */
export function quoteLiteral(value: string): string {
  checkNul(value);
  return `'${value.replaceAll("'", "''")}'`;
}
