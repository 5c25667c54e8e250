// The one quoting helper for SQL identifiers and literals (STYLE.md #7). Every SQL text pgrepl builds quotes
// names and values through these functions; nothing else hand-builds quotes. Pure.
//
// Identifiers are quoted only when PostgreSQL needs it, so printed SQL reads like what a person types
// (`GRANT SELECT ON TABLE public.orders`), and quoting is exact: catalog names are case-sensitive.

// Every keyword that is not UNRESERVED in PostgreSQL 12-18 (`pg_get_keywords()` where catcode <> 'U', PG 18 is
// the superset): such a word cannot stand unquoted as a column, table, schema or role name in every position.
const NOT_UNRESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both ' +
    'case cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query ' +
    'json_scalar json_serialize json_table json_value lateral leading least left like limit localtime ' +
    'localtimestamp merge_action national natural nchar none normalize not notnull null nullif numeric offset on ' +
    'only or order out outer overlaps overlay placing position precision primary real references returning right ' +
    'row select session_user setof similar smallint some substring symmetric system_user table tablesample then ' +
    'time timestamp to trailing treat trim true union unique user using values varchar variadic verbose when ' +
    'where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi ' +
    'xmlroot xmlserialize xmltable'
  ).split(' '),
);

function refuseNul(text: string): void {
  if (text.includes('\0')) throw new Error('SQL text cannot contain a NUL byte');
}

/** An identifier, double-quoted unless it is a plain lower-case name that is not a keyword. */
export function quoteIdent(name: string): string {
  refuseNul(name);
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !NOT_UNRESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name`, each part quoted as needed. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * A string literal. Uses the E'' form when the value holds a backslash so the result means the same under
 * either `standard_conforming_strings` setting.
 */
export function quoteLiteral(value: string): string {
  refuseNul(value);
  const body = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}
