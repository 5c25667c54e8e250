// Which filter a streamed table is published with (facts file, "Row filters"): PostgreSQL accepts a publication
// filter on any column and then fails every UPDATE/DELETE of the table ON THE SOURCE when the filter reads a column
// outside the replica identity. So a filter may be streamed only when it reads replica-identity columns (any column
// under REPLICA IDENTITY FULL) and the source is 15+. A time window on another column filters the snapshot only and
// the table streams unfiltered (rows inserted later fall inside the window anyway); any other `where` that cannot be
// streamed is refused with the choices. Pure.
import type { TableObject } from '../../model/schema.js';
import { quoteQualified } from '../../pg/sql/quote.js';
import { nonImmutableCalls } from '../../spec/non-immutable-calls.js';
import type { RowFilter } from './row-filter.js';

/** The columns that identify a row to subscribers: 'all' under FULL, null when there is none. */
export function identityColumns(t: TableObject): readonly string[] | 'all' | null {
  if (t.replicaIdentity === 'f') return 'all';
  if (t.replicaIdentity === 'n') return null;
  if (t.replicaIdentity === 'i') {
    const index = t.indexes.find((i) => i.isReplicaIdentity);
    return index === undefined ? null : columnList(index.definition.slice(index.definition.lastIndexOf(' USING ')));
  }
  const pk = t.constraints.find((c) => c.type === 'p');
  return pk === undefined ? null : columnList(pk.definition);
}

/**
 * `PRIMARY KEY (a, "B c")` or `USING btree (a, "B, c" DESC)` -> [a, B c] / [a, B, c]: the first parenthesised list,
 * split on commas outside quotes and parentheses, each entry's leading identifier (expressions name no column).
 */
function columnList(definition: string): string[] {
  const open = definition.indexOf('(');
  if (open < 0) return [];
  const entries: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = open + 1; i < definition.length; i++) {
    const ch = definition[i] as string;
    if (quoted) {
      current += ch;
      if (ch === '"') {
        if (definition[i + 1] === '"') current += definition[++i] as string;
        else quoted = false;
      }
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) break;
    else if (ch === ',' && depth === 0) {
      entries.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  entries.push(current);
  return entries.flatMap((e) => {
    const m = /^\s*(?:"((?:[^"]|"")*)"|([A-Za-z_][\w$]*)\b)(?!\s*\()/.exec(e);
    if (m === null) return [];
    return [m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] as string).toLowerCase()];
  });
}

/**
 * Column names an SQL expression reads, as far as a tokenizer can tell: quoted identifiers and bare words that name
 * a column of `t` (string literals, type names after `::` and function names before `(` are skipped).
 */
export function referencedColumns(expression: string, t: TableObject): string[] {
  const names = new Set(t.columns.map((c) => c.name));
  const out = new Set<string>();
  // A cast's type name is skipped, multi-word ones included (`::timestamp with time zone`, `::character varying(5)[]`).
  const re = /'(?:[^']|'')*'|"((?:[^"]|"")*)"|::\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*(?:\s+(?:varying|precision|with|without|time|zone)\b)*)(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\s*\[\])*|([A-Za-z_][\w$]*)(\s*\()?/g;
  for (let m = re.exec(expression); m !== null; m = re.exec(expression)) {
    if (m[1] !== undefined) {
      const name = m[1].replace(/""/g, '"');
      if (names.has(name)) out.add(name);
    } else if (m[2] !== undefined && m[3] === undefined) {
      const name = m[2].toLowerCase();
      if (names.has(name)) out.add(name);
    }
  }
  return [...out];
}

export type StreamFilter =
  | { readonly ok: true; readonly filter: string | null; readonly note: string | null }
  | { readonly ok: false; readonly message: string; readonly hints: readonly string[] };

/** The publication filter of `t` under `filter`, or why it cannot be streamed. */
export function streamFilter(t: TableObject, filter: RowFilter, sourceMajor: number, publishesChanges: boolean): StreamFilter {
  const q = quoteQualified(t.schema as string, t.name);
  if (filter.filter === null) return { ok: true, filter: null, note: null };
  const identity = identityColumns(t);
  const readable = (cols: readonly string[]): boolean => !publishesChanges || identity === 'all' || (identity !== null && cols.every((c) => identity.includes(c)));
  if (filter.where === null && filter.window !== null) {
    if (sourceMajor >= 15 && readable([filter.window.column])) return { ok: true, filter: filter.filter, note: null };
    return {
      ok: true, filter: null,
      note: `${q}: the time window on ${filter.window.column} filters the copy; the table streams unfiltered (${sourceMajor < 15 ? `the source runs PostgreSQL ${sourceMajor}, and row filters need 15` : `${filter.window.column} is not in its replica identity`}), and new rows fall inside the window anyway`,
    };
  }
  const where = filter.where as string;
  const columns = referencedColumns(where, t);
  const hints = [
    'copy it once without streaming: move the table to a database block with sync: false',
    `stream it unfiltered: drop the table filter`,
    ...(identity !== 'all' ? [`give it REPLICA IDENTITY FULL on the source (ALTER TABLE ${q} REPLICA IDENTITY FULL;), when every column type has an equality operator: pgrepl never changes the source's replica identity itself`] : []),
  ];
  if (sourceMajor < 15) {
    return { ok: false, message: `${q}: the filter ${where} cannot be streamed: the source runs PostgreSQL ${sourceMajor}, and publication row filters need 15`, hints };
  }
  // A publication refuses a filter that is not immutable (and one that moves with the clock or the session could not
  // say what the target holds anyway). It can still filter a one-off copy.
  const moving = nonImmutableCalls(where);
  if (moving.length > 0) {
    return {
      ok: false,
      message: `${q}: the filter ${where} calls ${moving.join(', ')}, which ${moving.length === 1 ? 'is' : 'are'} not immutable: PostgreSQL publications accept only immutable expressions, so it can filter a one-off copy but not a stream`,
      hints: [
        'copy it once without streaming: sync: false for its database (the old tool\'s flags: init --no-sync)',
        'for "rows of the last N days" write a time window (time_filters, or --time-filter "table:column:N days"): it is anchored once and streams',
        ...hints.slice(1),
      ],
    };
  }
  if (!readable(columns)) {
    const outside = identity === null ? columns : columns.filter((c) => !(identity as readonly string[]).includes(c));
    return {
      ok: false,
      message: `${q}: the filter ${where} reads ${outside.join(', ')}, outside the table's replica identity${identity === null ? ' (it has none)' : ` (${(identity as readonly string[]).join(', ')})`}: PostgreSQL would accept the publication and then fail every UPDATE and DELETE of the table on the source`,
      hints,
    };
  }
  if (filter.window === null) return { ok: true, filter: where, note: null };
  // A where and a time window: the window streams with it when its column may be read, else it filters the copy.
  if (readable([filter.window.column])) return { ok: true, filter: filter.filter, note: null };
  return {
    ok: true, filter: where,
    note: `${q}: the time window on ${filter.window.column} filters the copy; the stream is filtered by ${where} only (${filter.window.column} is not in its replica identity), and new rows fall inside the window anyway`,
  };
}
