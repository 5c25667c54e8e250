// Spec names that match nothing on the source (databases, table patterns, filter tables and columns) are errors
// that list close matches; include and exclude rules of the same level together are an error.
import type { DatabaseSpec, Spec } from '../../spec/model.js';
import { closeMatches } from '../../util/suggest.js';
import type { UnmatchedDatabase } from '../input.js';
import { isTimeType } from '../filter-plan.js';
import { fail, ok, warn, type CheckResult } from '../result.js';
import type { DatabaseScope } from '../scope.js';
import { databaseSubject, tableSubject } from '../subjects.js';

function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
}

export function checkDatabaseNames(
  unmatched: readonly UnmatchedDatabase[],
  conflicts: readonly { readonly name: string; readonly message: string }[],
): CheckResult[] {
  const out = unmatched.map((u) =>
    fail('spec.databases', `${u.list} entry ${u.name} matches no database on the source that accepts connections${didYouMean(u.suggestions)}`, {
      subject: databaseSubject(u.name),
      details: { list: u.list, name: u.name, suggestions: u.suggestions },
    }),
  );
  for (const c of conflicts) out.push(fail('spec.databases', c.message, { subject: databaseSubject(c.name) }));
  return out;
}

export function checkIncludeExclude(spec: Spec): CheckResult[] {
  const out: CheckResult[] = [];
  const sel = spec.selection;
  if (sel && sel.include !== null && sel.exclude.length > 0) {
    out.push(fail('spec.include_exclude', 'include_databases and exclude_databases are both set: use one of them'));
  }
  const check = (db: DatabaseSpec): void => {
    if (db.include !== null && db.exclude.length > 0) {
      out.push(
        fail('spec.include_exclude', `database ${db.key} sets both include_tables and exclude_tables: use one of them`, {
          subject: databaseSubject(db.key),
        }),
      );
    }
  };
  for (const db of spec.databases) check(db);
  return out;
}

/** Table entries that match nothing, and time windows whose column is missing or not a date/timestamp. */
export function checkTableNames(scope: DatabaseScope): CheckResult[] {
  const key = scope.db.key;
  const out: CheckResult[] = [];
  for (const u of scope.unmatched) {
    const why = u.note ? ` (${u.note})` : '';
    const message = `${u.list} entry ${u.pattern} matches no table to copy in database ${key}${why}${didYouMean(u.suggestions)}`;
    const extra = { subject: databaseSubject(key), details: { list: u.list, pattern: u.pattern, suggestions: u.suggestions } };
    // An entry inherited from defaults: may simply not apply to every database.
    out.push(u.fromDefaults ? warn('spec.tables', `${message} (inherited from defaults:)`, extra) : fail('spec.tables', message, extra));
  }
  for (const f of scope.db.timeFilters) {
    const t = scope.tables.find((s) => s.rel.schema === f.schema && s.rel.name === f.table);
    if (!t || t.mode === 'schema') continue; // reported above through the selection's unmatched entries
    const subject = tableSubject(key, f.schema, f.table);
    const col = t.rel.columns.find((c) => c.name === f.column);
    if (!col) {
      const s = closeMatches(f.column, t.rel.columns.map((c) => c.name));
      out.push(fail('spec.filters', `time_filters names column ${f.column}, which ${f.schema}.${f.table} does not have${didYouMean(s)}`, { subject, details: { suggestions: s } }));
    } else if (!isTimeType(col.type)) {
      out.push(fail('spec.filters', `time_filters column ${f.schema}.${f.table}.${f.column} is ${col.type}; a time window needs a date or timestamp column`, { subject }));
    }
  }
  if (out.length === 0) out.push(ok('spec.tables', `every table named for database ${key} in the spec matches`, { subject: databaseSubject(key) }));
  return out;
}
