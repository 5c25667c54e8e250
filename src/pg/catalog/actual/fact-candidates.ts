// Which target tables get TargetTableFacts: those whose key a source table also has (ordinary, partitioned or a
// leaf partition), plus every partition below such a target table, since the target's partitions need not match
// the source's and the planner empties a partitioned table as a whole. Pure.
import type { SchemaModel, TableObject } from '../../../model/schema.js';
import type { FactsTable } from './table-facts-query.js';

export function factCandidates(target: SchemaModel, sourceTableKeys: ReadonlySet<string>): FactsTable[] {
  const tables = target.objects.filter((o): o is TableObject => o.kind === 'table');
  const children = new Map<string, TableObject[]>();
  for (const t of tables) {
    if (t.partitionOf === null) continue;
    const list = children.get(t.partitionOf.parent) ?? [];
    list.push(t);
    children.set(t.partitionOf.parent, list);
  }
  const chosen = new Map<string, TableObject>();
  const add = (t: TableObject): void => {
    if (chosen.has(t.key)) return;
    chosen.set(t.key, t);
    for (const c of children.get(t.key) ?? []) add(c);
  };
  for (const t of tables) if (sourceTableKeys.has(t.key)) add(t);
  return [...chosen.values()]
    .filter((t): t is TableObject & { schema: string } => t.schema !== null)
    .map((t) => ({ schema: t.schema, name: t.name }));
}
