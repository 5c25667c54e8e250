// The predicate a table's rows are copied under: the spec's `where` and its time window, the window anchored once
// (CONTRACTS.md, Plans): an earlier record's anchor is kept while `last` and the column stay the same, so a plan made
// a day later gives the same literal; otherwise (first copy, `last` changed, --refresh-windows) the source's now().
import type { TableObject } from '../../model/schema.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { renderWindowFilter, windowLowerBound } from '../time-window.js';
import type { WindowRecord } from './types.js';

export interface RowFilter {
  readonly where: string | null;
  readonly window: WindowRecord | null;
  readonly filter: string | null;
}

export function rowFilter(db: DatabaseSpec, table: TableObject, previous: WindowRecord | null, sourceNow: string, refresh: boolean): RowFilter {
  const schema = table.schema as string;
  const where = db.tableFilters.find((f) => f.schema === schema && f.table === table.name)?.where ?? null;
  const tf = db.timeFilters.find((f) => f.schema === schema && f.table === table.name);
  let window: WindowRecord | null = null;
  let windowSql: string | null = null;
  if (tf !== undefined) {
    const column = table.columns.find((c) => c.name === tf.column);
    if (column === undefined) throw new Error(`time window column ${tf.column} is not a column of ${schema}.${table.name}`);
    const keep = !refresh && previous !== null && previous.column === tf.column && previous.last === tf.last.text;
    const anchor = keep ? previous.anchor : sourceNow;
    const bound = windowLowerBound(anchor, tf.last);
    window = { column: tf.column, last: tf.last.text, anchor, bound };
    windowSql = renderWindowFilter(tf.column, column.type, bound);
  }
  const parts = [where, windowSql].filter((p): p is string => p !== null);
  const filter = parts.length === 0 ? null : parts.length === 1 ? (parts[0] as string) : parts.map((p) => `(${p})`).join(' AND ');
  return { where, window, filter };
}
