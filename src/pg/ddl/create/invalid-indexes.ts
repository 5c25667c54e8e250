// Invalid indexes (a CREATE/REINDEX … CONCURRENTLY that failed) are left out of the create DDL, as pg_dump leaves
// them out of a dump: building one again after the copy would fail the apply where it failed on the source (a
// UNIQUE index over duplicate rows), and the source never uses it. The plan says so, per index.
import type { SchemaObjectAny } from '../../../model/schema.js';
import type { BuildContext } from '../build-context.js';
import { quoteIdent } from '../../sql/quote.js';

export function withoutInvalidIndexes(o: SchemaObjectAny, warn: BuildContext['warn']): SchemaObjectAny {
  if (o.kind !== 'table' && o.kind !== 'matview') return o;
  const invalid = o.indexes.filter((i) => i.invalid === true);
  if (invalid.length === 0) return o;
  for (const i of invalid) {
    warn(o.key, `index ${quoteIdent(i.name)} is invalid on the source (a failed CREATE INDEX CONCURRENTLY?) and is left out, as pg_dump does; `
      + `rebuild it there (REINDEX INDEX CONCURRENTLY) or drop it`);
  }
  return { ...o, indexes: o.indexes.filter((i) => i.invalid !== true) };
}
