// The source's relations as src/spec's selectTables() sees them, derived from the schema model (no extra query):
// a partition (leaf or intermediate) names its top-level root; views and materialised views are listed so a spec
// that names one gets "that is a view" rather than "no such table".
import type { SchemaModel, TableObject } from '../../model/schema.js';
import type { CatalogTable } from '../../spec/catalog-table.js';

function tablesByKey(model: SchemaModel): Map<string, TableObject> {
  return new Map(model.objects.filter((o): o is TableObject => o.kind === 'table').map((t) => [t.key, t]));
}

/** The top-level partitioned table a partition belongs to (itself when it is not a partition). */
export function partitionRoot(table: TableObject, byKey: ReadonlyMap<string, TableObject>): TableObject {
  let t = table;
  const seen = new Set<string>();
  while (t.partitionOf !== null && !seen.has(t.key)) {
    seen.add(t.key);
    const parent = byKey.get(t.partitionOf.parent);
    if (parent === undefined) break;
    t = parent;
  }
  return t;
}

/** Leaf partitions under a partitioned table (the table itself when it has none or is not partitioned), sorted by key. */
export function leafTables(table: TableObject, model: SchemaModel): TableObject[] {
  if (table.partitionKey === null) return [table];
  const children = model.objects.filter((o): o is TableObject => o.kind === 'table' && o.partitionOf?.parent === table.key);
  return children.flatMap((c) => leafTables(c, model)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function catalogTables(model: SchemaModel): CatalogTable[] {
  const byKey = tablesByKey(model);
  const out: CatalogTable[] = [];
  for (const o of model.objects) {
    if (o.kind === 'view' || o.kind === 'matview') {
      out.push({ schema: o.schema as string, table: o.name, kind: o.kind });
      continue;
    }
    if (o.kind !== 'table') continue;
    const unlogged = o.persistence === 'u' ? { unlogged: true } : {};
    if (o.partitionOf !== null) {
      const root = partitionRoot(o, byKey);
      out.push({ schema: o.schema as string, table: o.name, kind: 'partition', partitionRoot: { schema: root.schema as string, table: root.name }, ...unlogged });
    } else {
      out.push({ schema: o.schema as string, table: o.name, kind: o.partitionKey !== null ? 'partitioned' : 'table', ...unlogged });
    }
  }
  return out;
}
