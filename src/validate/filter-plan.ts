// Which row filters to probe, and how: a filter on a streamed table goes into a probe publication (source 15+),
// a filter that only limits the copy into EXPLAIN. Filters whose table or column does not resolve are reported
// by the spec-names check and not probed. Pure.
import type { ColumnFacts, FilterProbeRequest } from '../pg/catalog/validate/types.js';
import type { TableFilter, TimeFilter } from '../spec/model.js';
import type { DatabaseScope, ScopedTable } from './scope.js';

export const ROW_FILTER_MIN_VERSION_NUM = 150000;

export type ResolvedFilter =
  | { readonly kind: 'where'; readonly spec: TableFilter; readonly table: ScopedTable }
  | { readonly kind: 'window'; readonly spec: TimeFilter; readonly table: ScopedTable; readonly column: ColumnFacts };

/** Date and timestamp types: what a time window can be rendered in. */
export function isTimeType(type: string): boolean {
  return type === 'date' || /^timestamp(\(\d+\))? with(out)? time zone$/.test(type);
}

/** One probe per filter: a table may have a `where` and a time window, each probed on its own. */
export function filterKey(database: string, schema: string, table: string, kind: ResolvedFilter['kind']): string {
  return JSON.stringify([database, schema, table, kind]);
}

function findTable(scope: DatabaseScope, schema: string, table: string): ScopedTable | undefined {
  return scope.tables.find((t) => t.rel.schema === schema && t.rel.name === table);
}

/** Filters whose table is selected with rows (and, for windows, whose column is a date or timestamp). */
export function resolveFilters(scope: DatabaseScope): ResolvedFilter[] {
  const out: ResolvedFilter[] = [];
  for (const f of scope.db.tableFilters) {
    const table = findTable(scope, f.schema, f.table);
    if (table && table.mode !== 'schema') out.push({ kind: 'where', spec: f, table });
  }
  for (const f of scope.db.timeFilters) {
    const table = findTable(scope, f.schema, f.table);
    const column = table?.rel.columns.find((c) => c.name === f.column);
    if (table && table.mode !== 'schema' && column && isTimeType(column.type)) {
      out.push({ kind: 'window', spec: f, table, column });
    }
  }
  return out;
}

/** Probe requests for one database; streamed filters on a source older than 15 are not probed (they fail). */
export function filterProbeRequests(scope: DatabaseScope, sourceVersionNum: number): FilterProbeRequest[] {
  const requests: FilterProbeRequest[] = [];
  for (const f of resolveFilters(scope)) {
    const streamed = f.table.mode === 'stream';
    if (streamed && sourceVersionNum < ROW_FILTER_MIN_VERSION_NUM && f.kind === 'where') continue;
    const check = streamed && sourceVersionNum >= ROW_FILTER_MIN_VERSION_NUM ? 'publication' : 'select';
    requests.push({
      key: filterKey(scope.db.key, f.spec.schema, f.spec.table, f.kind),
      schema: f.spec.schema,
      table: f.spec.table,
      filter:
        f.kind === 'where'
          ? { kind: 'where', where: f.spec.where }
          : { kind: 'window', column: f.column.name, columnType: f.column.type, last: f.spec.last.text },
      check,
      publish: scope.db.publish,
      viaRoot: f.table.rel.kind === 'partitioned',
    });
  }
  return requests;
}
