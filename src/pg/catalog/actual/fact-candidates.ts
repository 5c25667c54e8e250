// Which target tables get TargetTableFacts: those whose key a source table also has (ordinary, partitioned or a
// leaf partition), plus every partition below such a target table, since the target's partitions need not match
// the source's and the planner empties a partitioned table as a whole. Each comes with the relations its probe locks
// (lock-budget.ts): the table and its indexes, and for a partitioned table (read without ONLY) everything below it. Pure.
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
  // The planner opens (and locks) every index of a table it reads (`indexes` lists those of keys too), and every
  // partition of a partitioned one.
  const own = (t: TableObject): number => 1 + t.indexes.length;
  const locks = (t: TableObject): number => own(t) + (children.get(t.key) ?? []).reduce((n, c) => n + locks(c), 0);
  const chosen = new Map<string, TableObject>();
  const add = (t: TableObject): void => {
    if (chosen.has(t.key)) return;
    chosen.set(t.key, t);
    for (const c of children.get(t.key) ?? []) add(c);
  };
  for (const t of tables) if (sourceTableKeys.has(t.key)) add(t);
  return [...chosen.values()]
    .filter((t): t is TableObject & { schema: string } => t.schema !== null)
    .map((t) => ({ schema: t.schema, name: t.name, locks: locks(t) }));
}
