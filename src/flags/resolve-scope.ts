// FlagScope (names as written) + the live source catalog -> ResolvedScope (every table exact, per database).
//
// Databases: a source URL naming a database other than `postgres` replicates only it (`--include-databases` naming
// another is an error); otherwise `--include-databases` lists them, `--exclude-databases` takes every database but
// those (now and later), and nothing takes every database. With `--include-tables`, only the databases holding an
// included table are replicated.
//
// Tables: `db.schema.table` is exact. `a.b` is `db.table` (public schema) when `a` is a chosen database holding
// public.b, or `schema.table` in each chosen database holding a.b; both readings matching is refused as ambiguous,
// naming both and how to write each. A bare `t` is public.t in every chosen database that has it. A name that
// matches nothing is an error (a typo in an exclusion would otherwise copy what was meant to be left out).
//
// Filters: a `--table-filter` (or TOML `where`) of the form `<col> >[=] now() - interval '<N unit>'` on a date or
// timestamp column becomes a time window (a note says so). A table takes one predicate and one time window (ANDed). A flag's filter or
// schema-only table overrides the config's for that table (see parse-flags.ts); within one layer, two filters or
// a filter on a schema-only table are errors. Every problem is reported at once.
import { SYSTEM_DATABASES } from '../spec/select-databases.js';
import { formatTableName } from '../spec/table-pattern.js';
import { InputError, type Diagnostic } from '../util/errors.js';
import { closeMatches } from '../util/suggest.js';
import { nonImmutableCalls } from '../spec/non-immutable-calls.js';
import { nowWindow } from './now-predicate.js';
import type { CatalogTable, CatalogView, ExactTable, FlagScope, ResolvedDatabase, ResolvedScope, TableRef } from './types.js';

export interface ResolveScopeOptions {
  /** The database the source URL names (`postgres` when it names none). */
  readonly sourceDatabase: string;
  readonly catalog: CatalogView;
}

const MAINTENANCE_DATABASE = 'postgres';

interface Located extends ExactTable {
  readonly database: string;
}

interface FilterEntry extends Located {
  readonly ref: TableRef;
  readonly fromConfig: boolean;
  readonly filter: { readonly kind: 'where'; readonly where: string } | { readonly kind: 'window'; readonly column: string; readonly last: string };
}

const id = (t: Located) => JSON.stringify([t.database, t.schema, t.table]);
const show = (t: Located) => `${t.database}.${formatTableName(t)}`;
const fromConfig = (ref: TableRef) => ref.database !== undefined;

export async function resolveScope(scope: FlagScope, opts: ResolveScopeOptions): Promise<ResolvedScope> {
  const problems: Diagnostic[] = [];
  const notes: string[] = [];
  const { catalog, sourceDatabase } = opts;
  const available = catalog.databases;
  // A reference with a position (TOML) is placed there: its `file:line:col` origin is not repeated in the text.
  const fail = (message: string, ref?: TableRef, hints?: readonly string[]) =>
    problems.push({
      severity: 'error',
      message: ref?.position && message.startsWith(`${ref.origin}: `) ? message.slice(ref.origin.length + 2) : message,
      ...(ref?.position ? { position: ref.position } : {}),
      ...(hints && hints.length > 0 ? { hints } : {}),
    });

  // --- Databases.
  let databases: ResolvedScope['databases'];
  let chosen: string[];
  const exists = (name: string) => available.includes(name) || name === MAINTENANCE_DATABASE;
  const unknownDatabase = (flag: string, name: string) =>
    fail(`${flag}: the source has no database ${JSON.stringify(name)} (that accepts connections and is no template)`, undefined, didYouMean(name, available));
  if (sourceDatabase !== MAINTENANCE_DATABASE) {
    const others = (scope.includeDatabases ?? []).filter((d) => d !== sourceDatabase);
    if (others.length > 0) {
      fail(
        `--include-databases names ${others.map((d) => JSON.stringify(d)).join(', ')}, but the source URL names database ${JSON.stringify(sourceDatabase)}, so only that one is replicated`,
        undefined,
        ['to choose several databases, connect the source URL to the postgres database'],
      );
    }
    if (scope.excludeDatabases?.includes(sourceDatabase)) fail(`--exclude-databases names ${JSON.stringify(sourceDatabase)}, the only database the source URL replicates`);
    else if (scope.excludeDatabases !== undefined && scope.excludeDatabases.length > 0) {
      notes.push(`--exclude-databases is not needed: the source URL names database ${sourceDatabase}, and only it is replicated`);
    }
    databases = { kind: 'only', names: [sourceDatabase] };
    chosen = [sourceDatabase];
  } else if (scope.includeDatabases !== undefined) {
    for (const d of scope.includeDatabases) if (!exists(d)) unknownDatabase('--include-databases', d);
    chosen = scope.includeDatabases.filter(exists);
    databases = { kind: 'only', names: chosen };
  } else {
    const except = scope.excludeDatabases ?? [];
    for (const d of except) if (!available.includes(d)) unknownDatabase('--exclude-databases', d);
    databases = { kind: 'all-except', except };
    chosen = available.filter((d) => !SYSTEM_DATABASES.includes(d) && !except.includes(d));
  }

  // --- Catalog access, one read per database.
  const tableCache = new Map<string, Promise<readonly CatalogTable[]>>();
  const tablesOf = (db: string) => {
    let p = tableCache.get(db);
    if (!p) {
      p = catalog.tables(db);
      tableCache.set(db, p);
    }
    return p;
  };
  const find = async (db: string, schema: string, table: string) => (await tablesOf(db)).find((t) => t.schema === schema && t.table === table);

  /** Close tables in the chosen databases, compared in the shape the user wrote (`t`, `s.t` or `db.t`). */
  const similar = async (parts: readonly string[], within: readonly string[] = chosen): Promise<string[]> => {
    const spellings = new Map<string, string[]>();
    const add = (spelling: string, full: string) => spellings.set(spelling, [...(spellings.get(spelling) ?? []), full]);
    for (const db of within) {
      for (const t of await tablesOf(db)) {
        const full = `${db}.${formatTableName(t)}`;
        if (parts.length === 1) add(t.table, full);
        else if (parts.length === 2) {
          add(`${t.schema}.${t.table}`, full);
          if (t.schema === 'public') add(`${db}.${t.table}`, full);
        } else add(`${db}.${t.schema}.${t.table}`, full);
      }
    }
    const close = closeMatches(parts.join('.'), [...spellings.keys()]);
    const out = [...new Set(close.flatMap((c) => spellings.get(c) ?? []))];
    return out.length > 0 ? [`did you mean ${out.join(', ')}?`] : [];
  };
  const skippedConfigDatabases = new Set<string>();
  /** Every exact table a reference names; [] after reporting a problem (or for a config database not replicated). */
  const resolveRef = async (ref: TableRef): Promise<Located[]> => {
    const what = `${ref.origin}: ${JSON.stringify(ref.raw)}`;
    const exact = async (database: string, schema: string, table: string): Promise<Located[]> => {
      if (await find(database, schema, table)) return [{ database, schema, table }];
      const shape = ref.parts.length === 3 ? [database, schema, table] : ref.parts.length === 1 && ref.schema === undefined ? [table] : [schema, table];
      fail(`${what}: database ${JSON.stringify(database)} has no table ${formatTableName({ schema, table })}`, ref, await similar(shape, [database]));
      return [];
    };
    if (ref.database !== undefined) {
      if (!chosen.includes(ref.database)) {
        if (!exists(ref.database)) {
          if (!skippedConfigDatabases.has(ref.database)) unknownDatabase(`${ref.origin}: [databases.${ref.database}]`, ref.database);
        } else if (!skippedConfigDatabases.has(ref.database)) notes.push(`${ref.origin}: the rules for database ${ref.database} are not used: it is not replicated`);
        skippedConfigDatabases.add(ref.database);
        return [];
      }
      const schema = ref.schema ?? (ref.parts.length === 2 ? (ref.parts[0] as string) : 'public');
      return exact(ref.database, schema, ref.parts[ref.parts.length - 1] as string);
    }
    const [a, b, c] = ref.parts as [string, string | undefined, string | undefined];
    if (c !== undefined && b !== undefined) {
      if (!chosen.includes(a)) {
        fail(`${what}: names database ${JSON.stringify(a)}, which is not replicated`, ref, exists(a) ? [] : didYouMean(a, available));
        return [];
      }
      return exact(a, b, c);
    }
    if (b !== undefined) {
      const asDatabase = chosen.includes(a) && (await find(a, 'public', b)) !== undefined;
      const asSchema: string[] = [];
      for (const db of chosen) if (await find(db, a, b)) asSchema.push(db);
      if (asDatabase && asSchema.length > 0) {
        const q = (s: string) => formatTableName({ schema: 'x', table: s }).slice(2);
        fail(
          `${what} is ambiguous: it can be table public.${q(b)} of database ${a}, or table ${q(a)}.${q(b)} of database${asSchema.length === 1 ? '' : 's'} ${asSchema.join(', ')}`,
          ref,
          [`write ${q(a)}.public.${q(b)} for the first, ${asSchema.map((db) => `${q(db)}.${q(a)}.${q(b)}`).join(' or ')} for the second`],
        );
        return [];
      }
      if (asDatabase) return [{ database: a, schema: 'public', table: b }];
      if (asSchema.length > 0) return asSchema.map((database) => ({ database, schema: a, table: b }));
      const looked = [
        ...(chosen.includes(a) ? [`table public.${b} in database ${a}`] : exists(a) ? [`database ${a} (not replicated)`] : []),
        `table ${a}.${b} in ${chosen.length === 1 ? `database ${chosen[0]}` : `any of the databases ${chosen.join(', ')}`}`,
      ];
      fail(`${what}: no ${looked.join(', and no ')}`, ref, await similar(ref.parts));
      return [];
    }
    const hits: Located[] = [];
    for (const db of chosen) if (await find(db, 'public', a)) hits.push({ database: db, schema: 'public', table: a });
    if (hits.length === 0) {
      fail(`${what}: no table public.${formatTableName({ schema: 'x', table: a }).slice(2)} in ${chosen.length === 1 ? `database ${chosen[0]}` : chosen.length === 0 ? 'any replicated database' : `any of the databases ${chosen.join(', ')}`}`, ref, await similar(ref.parts));
    }
    return hits;
  };
  const resolveAll = async (refs: readonly TableRef[] | undefined) => {
    const out: { t: Located; ref: TableRef }[] = [];
    for (const ref of refs ?? []) for (const t of await resolveRef(ref)) out.push({ t, ref });
    return out;
  };

  const include = scope.includeTables === undefined ? null : await resolveAll(scope.includeTables);
  const exclude = await resolveAll(scope.excludeTables);
  let schemaOnly = await resolveAll(scope.schemaOnlyTables);
  const filters: FilterEntry[] = [];
  for (const f of scope.tableFilters ?? []) for (const t of await resolveRef(f.ref)) filters.push({ ...t, ref: f.ref, fromConfig: fromConfig(f.ref), filter: { kind: 'where', where: f.where } });
  for (const f of scope.timeFilters ?? []) {
    for (const t of await resolveRef(f.ref)) {
      const table = await find(t.database, t.schema, t.table);
      if (table && !table.timeColumns.includes(f.column)) {
        fail(
          `${f.ref.origin}: ${show(t)} has no date or timestamp column ${JSON.stringify(f.column)}`,
          f.ref,
          [table.timeColumns.length > 0 ? `its date/timestamp columns: ${table.timeColumns.join(', ')}` : 'it has no date or timestamp column'],
        );
        continue;
      }
      filters.push({ ...t, ref: f.ref, fromConfig: fromConfig(f.ref), filter: { kind: 'window', column: f.column, last: f.last } });
    }
  }

  // now() predicates -> windows.
  for (let i = 0; i < filters.length; i++) {
    const f = filters[i] as FilterEntry;
    if (f.filter.kind !== 'where') continue;
    const w = nowWindow(f.filter.where);
    if (w === null) continue;
    const table = await find(f.database, f.schema, f.table);
    if (!table?.timeColumns.includes(w.column)) {
      notes.push(`${show(f)}: ${f.filter.where} stays a predicate (${JSON.stringify(w.column)} is no date or timestamp column of the table), so it filters the copy only and cannot be streamed`);
      continue;
    }
    filters[i] = { ...f, filter: { kind: 'window', column: w.column, last: w.last } };
    notes.push(
      `${show(f)}: ${f.filter.where} became a time window (column ${w.column}, last ${w.last}), anchored at the first copy so it can be streamed${w.strict ? ' (">" is taken as ">=" at the anchored instant)' : ''}`,
    );
  }

  // Predicates that PostgreSQL will not take into a publication: say so now, the planner refuses to stream them.
  for (const f of filters) {
    if (f.filter.kind !== 'where') continue;
    const calls = nonImmutableCalls(f.filter.where);
    if (calls.length > 0) {
      notes.push(`${show(f)}: the filter calls ${calls.join(', ')}, which change with time or session, so it filters the copy only: the table cannot be kept in sync with it (use a time filter, or an immutable predicate)`);
    }
  }

  // Flags over config, per table and kind: a table may have one where and one time window (they are ANDed).
  const byTable = new Map<string, FilterEntry[]>();
  const slot = (f: FilterEntry): string => `${id(f)}\0${f.filter.kind}`;
  for (const f of filters) byTable.set(slot(f), [...(byTable.get(slot(f)) ?? []), f]);
  const kept: FilterEntry[] = [];
  const flagSchemaOnly = new Set(schemaOnly.filter((s) => !fromConfig(s.ref)).map((s) => id(s.t)));
  const configSchemaOnly = new Set(schemaOnly.filter((s) => fromConfig(s.ref)).map((s) => id(s.t)));
  const reclaimed = new Set<string>();
  for (const list of byTable.values()) {
    const flagged = list.filter((f) => !f.fromConfig);
    let layer = flagged.length > 0 ? flagged : list;
    const first = layer[0] as FilterEntry;
    const key = id(first);
    if (flagged.length > 0 && flagged.length < list.length) {
      notes.push(`${show(first)}: the flag's filter replaces the config's (${list.filter((f) => f.fromConfig).map((f) => f.ref.origin).join(', ')})`);
    }
    if (layer.length > 1) {
      fail(`${show(first)} has ${layer.length} ${first.filter.kind === 'where' ? 'predicates' : 'time windows'} (${layer.map((f) => `${describeFilter(f)} from ${f.ref.origin}`).join('; ')}): a table takes one of each`, first.ref, [
        'keep one, or fold them into one --table-filter predicate',
      ]);
      continue;
    }
    if (flagSchemaOnly.has(key) || configSchemaOnly.has(key)) {
      if (first.fromConfig && flagSchemaOnly.has(key)) {
        notes.push(`${show(first)}: --schema-only-tables drops the config's filter (${first.ref.origin})`);
        layer = [];
      } else if (!first.fromConfig && !flagSchemaOnly.has(key)) {
        notes.push(`${show(first)}: the flag's filter takes the table out of the config's schema_only`);
        reclaimed.add(key);
      } else {
        fail(`${first.ref.origin}: a filter on ${show(first)}, which is schema-only: it gets no rows`, first.ref);
        continue;
      }
    }
    kept.push(...layer);
  }
  schemaOnly = schemaOnly.filter((s) => !reclaimed.has(id(s.t)));

  // Filters and schema-only tables must be in scope.
  const included = include === null ? null : new Set(include.map((i) => id(i.t)));
  const excluded = new Set(exclude.map((e) => id(e.t)));
  const outOfScope = (t: Located) => (included !== null && !included.has(id(t))) || excluded.has(id(t));
  const scopeWord = include !== null ? 'which --include-tables does not name' : 'which --exclude-tables leaves out';
  const filtersInScope: FilterEntry[] = [];
  for (const f of kept) {
    if (!outOfScope(f)) filtersInScope.push(f);
    else if (f.fromConfig) notes.push(`${f.ref.origin}: the filter on ${show(f)} is not used: ${show(f)} is not copied (${scopeWord.replace('which ', '')})`);
    else fail(`${f.ref.origin}: a filter on ${show(f)}, ${scopeWord}`, f.ref);
  }
  const schemaOnlyInScope = schemaOnly.filter((s) => {
    if (!outOfScope(s.t)) return true;
    notes.push(`${s.ref.origin}: schema-only ${show(s.t)} is not used: the table is not copied at all`);
    return false;
  });

  if (problems.length > 0) throw new InputError(`${problems.length} problem${problems.length === 1 ? '' : 's'} with the tables and databases named`, problems);

  // With --include-tables, only the databases holding an included table.
  if (include !== null) {
    const holding = chosen.filter((db) => include.some((i) => i.t.database === db));
    const dropped = chosen.filter((db) => !holding.includes(db));
    if (dropped.length > 0) notes.push(`--include-tables names no table of database${dropped.length === 1 ? '' : 's'} ${dropped.join(', ')}: not replicated`);
    chosen = holding;
    databases = { kind: 'only', names: holding };
  }

  const perDatabase: ResolvedDatabase[] = [];
  for (const db of chosen) {
    const exact = (list: readonly { t: Located }[]) => unique(list.map((x) => x.t).filter((t) => t.database === db));
    const inc = include === null ? null : exact(include);
    const d: ResolvedDatabase = {
      name: db,
      includeTables: inc,
      excludeTables: exact(exclude),
      schemaOnly: exact(schemaOnlyInScope),
      tableFilters: filtersInScope.filter((f) => f.database === db && f.filter.kind === 'where').map((f) => ({ schema: f.schema, table: f.table, where: (f.filter as { where: string }).where })),
      timeFilters: filtersInScope
        .filter((f) => f.database === db && f.filter.kind === 'window')
        .map((f) => ({ schema: f.schema, table: f.table, column: (f.filter as { column: string }).column, last: (f.filter as { last: string }).last })),
    };
    if (d.includeTables !== null || d.excludeTables.length + d.schemaOnly.length + d.tableFilters.length + d.timeFilters.length > 0) perDatabase.push(d);
  }
  return { databases, perDatabase, notes };
}

function unique(list: readonly Located[]): ExactTable[] {
  const seen = new Set<string>();
  const out: ExactTable[] = [];
  for (const t of list) {
    if (seen.has(id(t))) continue;
    seen.add(id(t));
    out.push({ schema: t.schema, table: t.table });
  }
  return out;
}

function describeFilter(f: FilterEntry): string {
  return f.filter.kind === 'where' ? JSON.stringify(f.filter.where) : `window ${f.filter.column} last ${f.filter.last}`;
}

function didYouMean(name: string, candidates: readonly string[]): string[] {
  const close = closeMatches(name, candidates);
  return close.length > 0 ? [`did you mean ${close.join(', ')}?`] : [];
}
