// What a query parser hands to the assembler: a model value plus the catalog identities (`pg_class:16402`) that
// stand for it in pg_depend. The identities never reach the model (it is OID-free); they only turn pg_depend rows
// into ObjectKey dependencies (depends-query.ts).
export interface Parsed<T> {
  readonly value: T;
  /** `<catalog>:<oid>` of the object itself and of parts that pg_depend names instead (indexes, rules, …). */
  readonly tokens: readonly string[];
}

/** A sub-object of a table or view (column, constraint, index, …) parsed with the relation it belongs to. */
export interface Owned<T> {
  /** `pg_class:<oid>` of the owning relation. */
  readonly relation: string;
  readonly value: T;
  readonly tokens: readonly string[];
}

/** Group owned rows by their relation, keeping the query's order. */
export function groupByRelation<T>(items: readonly Owned<T>[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.relation);
    if (list === undefined) out.set(item.relation, [item.value]);
    else list.push(item.value);
  }
  return out;
}

/** Split `name=value` (pg_db_role_setting, reloptions) at the first `=`. */
export function splitSetting(text: string): { readonly name: string; readonly value: string } {
  const at = text.indexOf('=');
  return at < 0 ? { name: text, value: '' } : { name: text.slice(0, at), value: text.slice(at + 1) };
}
