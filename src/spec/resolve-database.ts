// One database block (or the `defaults:` block) -> resolved settings. A key set in the database wins over the
// same key in `defaults:`; include_tables/exclude_tables travel as one pair; `subscription` merges key by key.
// Each problem is reported at the block the offending value came from.
import type { RawDatabase, RawDatabaseDefaults, RawSubscription } from './generated/spec-types.js';
import type {
  ColumnList,
  CopyMode,
  DatabaseSpec,
  PublishAction,
  ReplicationNames,
  RolesMode,
  SubscriptionSpec,
  TableFilter,
  TableName,
  TablePattern,
  TimeFilter,
} from './model.js';
import type { Reporter } from './reporter.js';
import type { SpecPath } from './spec-path.js';
import { formatTableName, tableMatches, tryParseTableName, tryParseTablePattern } from './table-pattern.js';
import { parseTimeWindow } from './time-window.js';

export type DatabaseSettings = Omit<DatabaseSpec, 'key' | 'targetDatabase' | 'position'>;

/** A block of settings and where it sits in the spec. */
export interface SettingsLayer {
  readonly raw: RawDatabase | RawDatabaseDefaults;
  readonly path: SpecPath;
}

/** A setting and the block it came from. */
interface Picked<T> {
  readonly value: T;
  readonly path: SpecPath;
  readonly fromDefaults: boolean;
}

interface Located<T> {
  readonly value: T;
  readonly path: SpecPath;
}

const PUBLISH_ORDER: readonly PublishAction[] = ['insert', 'update', 'delete', 'truncate'];

/**
 * Resolves `own` on top of `inherited` (the `defaults:` block; null when resolving `defaults:` itself).
 * Entries inherited from `defaults:` are marked `fromDefaults`: they apply where their table exists.
 */
export function resolveSettings(own: SettingsLayer, inherited: SettingsLayer | null, r: Reporter): DatabaseSettings {
  const pick = <K extends keyof RawDatabaseDefaults>(key: K): Picked<NonNullable<RawDatabaseDefaults[K]>> | undefined => {
    for (const layer of inherited ? [own, inherited] : [own]) {
      const value = (layer.raw as RawDatabaseDefaults)[key];
      if (value !== undefined && value !== null) {
        return { value: value as NonNullable<RawDatabaseDefaults[K]>, path: [...layer.path, key], fromDefaults: layer === inherited };
      }
    }
    return undefined;
  };

  // The table selection pair comes from one block: a database that names either key replaces both defaults.
  const ownSelects = own.raw.include_tables !== undefined || own.raw.exclude_tables !== undefined;
  const selectionLayer = ownSelects || !inherited ? own : inherited;
  const selectionFromDefaults = selectionLayer === inherited;
  const includeRaw = selectionLayer.raw.include_tables;
  const excludeRaw = selectionLayer.raw.exclude_tables;
  if (includeRaw !== undefined && excludeRaw !== undefined) {
    r.error(
      [...selectionLayer.path, 'exclude_tables'],
      'include_tables and exclude_tables cannot be used together: list the tables to copy, or the tables to leave out',
      'key',
    );
  }
  const includePick = includeRaw ? { value: includeRaw, path: [...selectionLayer.path, 'include_tables'], fromDefaults: selectionFromDefaults } : undefined;
  const excludePick = excludeRaw ? { value: excludeRaw, path: [...selectionLayer.path, 'exclude_tables'], fromDefaults: selectionFromDefaults } : undefined;
  const include = includePick ? patterns(includePick, r) : null;
  const exclude = excludePick ? patterns(excludePick, r) : [];
  const schemaOnlyPick = pick('schema_only');
  const schemaOnly = schemaOnlyPick ? patterns(schemaOnlyPick, r) : [];
  const scope: Scope = {
    include: include && { patterns: include, fromDefaults: selectionFromDefaults },
    exclude: { patterns: exclude, fromDefaults: selectionFromDefaults },
    schemaOnly: { patterns: schemaOnly, fromDefaults: schemaOnlyPick?.fromDefaults ?? false },
  };

  const tableFilters = resolveEntries(pick('table_filters'), 'table_filters', 'a table filter', scope, r, (f, t, path): TableFilter => {
    const position = r.position(path);
    return { ...t, where: f.where, ...(position ? { position } : {}) };
  });
  const timeFilters = resolveEntries(pick('time_filters'), 'time_filters', 'a time filter', scope, r, (f, t, path): TimeFilter | null => {
    const last = parseTimeWindow(f.last);
    if (!last) {
      r.error([...path, 'last'], `${r.show([...path, 'last'], f.last)} is not a window: write a positive whole number and a unit, e.g. 90 days`);
      return null;
    }
    const position = r.position(path);
    return { ...t, column: f.column, last, ...(position ? { position } : {}) };
  });
  const columnsPick = pick('columns');
  if (columnsPick && columnsPick.value.length > 0) r.notImplemented(columnsPick.path, 'columns');
  const columnLists = resolveEntries(columnsPick, 'columns', 'a column list', scope, r, (c, t, path): ColumnList => {
    const position = r.position(path);
    return { ...t, columns: [...c.columns], ...(position ? { position } : {}) };
  });

  const sync = pick('sync')?.value ?? true;
  const copyPick = pick('copy');
  const copy: CopyMode = copyPick?.value ?? 'stream';
  if (copyPick && copy === 'native') {
    if (!sync) r.error(copyPick.path, "copy: native is PostgreSQL's own table sync and needs sync: true; use copy: stream for a one-off copy");
  }
  const publishSet = new Set(pick('publish')?.value ?? PUBLISH_ORDER);
  const prunePick = pick('prune');
  const largePick = pick('large_objects');
  const roles: RolesMode = pick('roles')?.value ?? 'copy';

  return {
    include,
    exclude,
    schemaOnly,
    tableFilters: tableFilters.map((e) => e.value),
    timeFilters: timeFilters.map((e) => e.value),
    columnLists: columnLists.map((e) => e.value),
    sync,
    copy,
    // Canonical order, so two spellings of one set compare equal in plans and state.
    publish: PUBLISH_ORDER.filter((a) => publishSet.has(a)),
    prune: prunePick?.value ?? false,
    filteredForeignKeys: pick('filtered_foreign_keys')?.value ?? 'refuse',
    largeObjects: largePick?.value ?? false,
    roles,
    subscription: mergeSubscription(inherited?.raw.subscription, own.raw.subscription),
    names: resolveNames(own.raw as RawDatabase),
  };
}

interface ScopePart {
  readonly patterns: readonly TablePattern[];
  readonly fromDefaults: boolean;
}

interface Scope {
  readonly include: ScopePart | null;
  readonly exclude: ScopePart;
  readonly schemaOnly: ScopePart;
}

function patterns(src: Picked<readonly string[]>, r: Reporter): TablePattern[] {
  const out: TablePattern[] = [];
  src.value.forEach((text, i) => {
    const itemPath = [...src.path, i];
    const p = tryParseTablePattern(text, r.position(itemPath));
    if ('error' in p) r.error(itemPath, `invalid table pattern: ${p.error}`);
    else out.push(src.fromDefaults ? { ...p, fromDefaults: true } : p);
  });
  return out;
}

interface TableEntry {
  readonly schema?: string;
  readonly table: string;
}

/**
 * Resolves the entries of table_filters / time_filters / columns: the exact table each names (explicit
 * `schema` + literal `table`, or `table` parsed as `schema.table`), checked against the block's selection, at
 * most one entry per table.
 */
function resolveEntries<E extends TableEntry, T extends TableName>(
  src: Picked<readonly E[]> | undefined,
  kind: string,
  what: string,
  scope: Scope,
  r: Reporter,
  build: (entry: E, table: TableName, path: SpecPath) => T | null,
): Located<T>[] {
  if (!src) return [];
  const seen = new Map<string, SpecPath>();
  const out: Located<T>[] = [];
  src.value.forEach((entry, i) => {
    const path = [...src.path, i];
    const t = entryTable(entry, path, r);
    if (!t) return;
    const id = JSON.stringify([t.schema, t.table]);
    const first = seen.get(id);
    if (first) {
      r.error(path, `a second ${kind} entry for ${formatTableName(t)} (the first is ${r.describe(first)}): a table takes one`);
      return;
    }
    seen.set(id, path);
    checkInScope(t, path, what, src.fromDefaults, scope, r);
    const value = build(entry, t, path);
    if (value) out.push({ value: src.fromDefaults ? { ...value, fromDefaults: true } : value, path });
  });
  return out;
}

function entryTable(entry: TableEntry, path: SpecPath, r: Reporter): TableName | null {
  if (entry.schema !== undefined) return { schema: entry.schema, table: entry.table };
  const t = tryParseTableName(entry.table);
  if ('error' in t) {
    r.error([...path, 'table'], `invalid table name: ${t.error}`);
    return null;
  }
  return t;
}

/**
 * An entry for a table that can never get rows is a mistake, and saying so now beats a silent no-op. Entries
 * inherited from `defaults:` are checked only against selections also written there: a database may narrow
 * its own scope below a default filter.
 */
function checkInScope(t: TableName, path: SpecPath, what: string, entryFromDefaults: boolean, scope: Scope, r: Reporter): void {
  const applies = (part: ScopePart) => !entryFromDefaults || part.fromDefaults;
  const name = formatTableName(t);
  const so = applies(scope.schemaOnly) ? scope.schemaOnly.patterns.find((p) => tableMatches(p, t)) : undefined;
  if (so) r.error(path, `${what} on ${name}, which is schema_only (${so.raw}): it gets no rows`);
  if (scope.include && applies(scope.include) && !scope.include.patterns.some((p) => tableMatches(p, t))) {
    r.error(path, `${what} on ${name}, which include_tables does not select`);
  }
  const ex = applies(scope.exclude) ? scope.exclude.patterns.find((p) => tableMatches(p, t)) : undefined;
  if (ex) r.error(path, `${what} on ${name}, which exclude_tables leaves out (${ex.raw})`);
}

function mergeSubscription(inherited: RawSubscription | undefined, own: RawSubscription | undefined): SubscriptionSpec {
  const conninfo = own?.conninfo ?? inherited?.conninfo;
  const options: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries({ ...inherited?.options, ...own?.options })) {
    if (v !== undefined) options[k] = v;
  }
  return {
    enabled: own?.enabled ?? inherited?.enabled ?? true,
    options,
    ...(conninfo !== undefined ? { conninfo } : {}),
  };
}

function resolveNames(raw: RawDatabase): ReplicationNames {
  const n = raw.names ?? {};
  return {
    ...(n.publication !== undefined ? { publication: n.publication } : {}),
    ...(n.slot !== undefined ? { slot: n.slot } : {}),
    ...(n.subscription !== undefined ? { subscription: n.subscription } : {}),
  };
}
