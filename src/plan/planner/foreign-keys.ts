// Foreign keys between copied tables, read from the model's constraint definitions (`FOREIGN KEY (a, b) REFERENCES
// s.t(x, y)` as pg_get_constraintdef prints them): the filter rule and the re-copy closure need both column lists.
import type { ObjectKey, SchemaModel, TableObject } from '../../model/schema.js';

export interface ForeignKey {
  readonly name: string;
  readonly child: ObjectKey;
  readonly parent: ObjectKey;
  readonly childColumns: readonly string[];
  readonly parentColumns: readonly string[];
}

/** Splits `a, "b c", "d""e"` into identifiers (unquoted). */
export function splitIdentifiers(list: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^",\s]+))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < list.length && (m = re.exec(list)) !== null) {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] as string));
    if (m[0] === '') break;
  }
  return out;
}

/** The column lists of a FOREIGN KEY definition, or null when it does not read like one. */
export function parseForeignKeyColumns(definition: string): { childColumns: string[]; parentColumns: string[] } | null {
  const m = /^FOREIGN KEY \(((?:[^()"]|"(?:[^"]|"")*")*)\) REFERENCES (?:[^("]|"(?:[^"]|"")*")+\(((?:[^()"]|"(?:[^"]|"")*")*)\)/.exec(definition);
  if (m === null) return null;
  return { childColumns: splitIdentifiers(m[1] as string), parentColumns: splitIdentifiers(m[2] as string) };
}

/** Every non-inherited foreign key of the model's tables whose referenced table is known. */
export function foreignKeys(model: SchemaModel): ForeignKey[] {
  const out: ForeignKey[] = [];
  for (const t of model.objects) {
    if (t.kind !== 'table') continue;
    for (const c of (t as TableObject).constraints) {
      if (c.type !== 'f' || c.references === null || c.inherited) continue;
      const cols = parseForeignKeyColumns(c.definition);
      out.push({ name: c.name, child: t.key, parent: c.references, childColumns: cols?.childColumns ?? [], parentColumns: cols?.parentColumns ?? [] });
    }
  }
  return out;
}

/**
 * The parent's filter with the parent's key columns replaced by the child's FK columns (`id % 2 = 0` with
 * order_id -> id gives `order_id % 2 = 0`), for comparison with the child's filter; identifiers inside string
 * literals are left alone. Whitespace is collapsed so layout does not matter.
 */
export function mapFilterThroughKey(filter: string, fk: Pick<ForeignKey, 'childColumns' | 'parentColumns'>): string {
  const map = new Map(fk.parentColumns.map((p, i) => [p, fk.childColumns[i] as string]));
  const quoted = (name: string): string => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  return normaliseSql(filter.replace(/'(?:[^']|'')*'|"((?:[^"]|"")*)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b/g, (all: string, q?: string, bare?: string) => {
    const name = q !== undefined ? q.replace(/""/g, '"') : bare !== undefined ? bare.toLowerCase() : undefined;
    if (name === undefined) return all;
    const to = map.get(name);
    return to === undefined ? all : quoted(to);
  }));
}

export function normaliseSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
