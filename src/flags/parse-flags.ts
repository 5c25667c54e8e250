// The old tool's scope flags (yargs values) -> FlagScope, and how they combine with its TOML config.
//
// Merge rule (`--config FILE.toml` below, flags on top: "CLI flags merge on top of the file so you can override a
// single table without editing the config"):
// - Databases: `--include-databases` / `--exclude-databases` are one pair; a flag of the pair replaces the
//   config's pair (the TOML has none today, so this only matters for remembered scopes).
// - Tables: `--include-tables` / `--exclude-tables` are one pair, replaced the same way (as `include_tables` /
//   `exclude_tables` travel together in a spec's `defaults:`).
// - `--schema-only-tables` ADDS to the config's `schema_only` lists: both name tables to copy without rows, and
//   the TOML lists are per database while the flag is one list for the run.
// - `--table-filter` / `--time-filter` are kept beside the config's filters; resolve-scope.ts then lets a flag's
//   filter (of either kind) replace the config's filter for the same exact table, and lets a flag's schema-only
//   table drop the config's filter for it, or a flag's filter take a config schema-only table back to rows.
//   A TableRef that came from the config carries `database` (its `[databases.<db>]` header); flag refs never
//   do, and that is how the two are told apart after merging.
import { InputError, type Diagnostic } from '../util/errors.js';
import { tryParseTableFilterFlag } from './table-filter-flag.js';
import { parseTableRefList, splitCommaList } from './table-ref.js';
import { tryParseTimeFilterFlag } from './time-filter-flag.js';
import type { FlagScope, FlagTableFilter, FlagTimeFilter } from './types.js';

type Values = string | readonly string[];

/** The flags read here, as yargs gives them (kebab-case keys; lists as one comma string or repeated). */
export interface ScopeFlagValues {
  readonly 'include-databases'?: Values;
  readonly 'exclude-databases'?: Values;
  readonly 'include-tables'?: Values;
  readonly 'exclude-tables'?: Values;
  readonly 'schema-only-tables'?: Values;
  readonly 'table-filter'?: Values;
  readonly 'time-filter'?: Values;
}

const DATABASES_EXCLUSIVE =
  'Database filters are mutually exclusive - you cannot use both --include-databases and --exclude-databases at the same time';
const TABLES_EXCLUSIVE = 'Table filters are mutually exclusive - you cannot use both --include-tables and --exclude-tables at the same time';

/** `"my,db"` -> `my,db`; otherwise the name as written (dots are fine in a database name). */
function unquoteName(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

function databaseList(values: Values): string[] {
  const out: string[] = [];
  for (const v of typeof values === 'string' ? [values] : values) for (const item of splitCommaList(v)) out.push(unquoteName(item));
  return [...new Set(out)];
}

/** Throws InputError listing every problem of every flag at once. */
export function parseScopeFlags(args: ScopeFlagValues): FlagScope {
  const problems: Diagnostic[] = [];
  const incDb = args['include-databases'];
  const excDb = args['exclude-databases'];
  const incT = args['include-tables'];
  const excT = args['exclude-tables'];
  if (incDb !== undefined && excDb !== undefined) problems.push({ severity: 'error', message: DATABASES_EXCLUSIVE });
  if (incT !== undefined && excT !== undefined) problems.push({ severity: 'error', message: TABLES_EXCLUSIVE });

  const scope: {
    -readonly [K in keyof FlagScope]: FlagScope[K];
  } = {};
  if (incDb !== undefined) {
    scope.includeDatabases = databaseList(incDb);
    if (scope.includeDatabases.length === 0) problems.push({ severity: 'error', message: '--include-databases names no database' });
  }
  if (excDb !== undefined) scope.excludeDatabases = databaseList(excDb);
  if (incT !== undefined) {
    scope.includeTables = parseTableRefList(incT, '--include-tables', problems);
    if (scope.includeTables.length === 0 && !problems.some((p) => p.message.startsWith('--include-tables'))) {
      problems.push({ severity: 'error', message: '--include-tables names no table' });
    }
  }
  if (excT !== undefined) scope.excludeTables = parseTableRefList(excT, '--exclude-tables', problems);
  const so = args['schema-only-tables'];
  if (so !== undefined) scope.schemaOnlyTables = parseTableRefList(so, '--schema-only-tables', problems);

  const tf = args['table-filter'];
  if (tf !== undefined) {
    const list: FlagTableFilter[] = [];
    for (const v of typeof tf === 'string' ? [tf] : tf) {
      const f = tryParseTableFilterFlag(v);
      if ('severity' in f) problems.push(f);
      else list.push(f);
    }
    scope.tableFilters = list;
  }
  const wf = args['time-filter'];
  if (wf !== undefined) {
    const list: FlagTimeFilter[] = [];
    for (const v of typeof wf === 'string' ? [wf] : wf) {
      const f = tryParseTimeFilterFlag(v);
      if ('severity' in f) problems.push(f);
      else list.push(f);
    }
    scope.timeFilters = list;
  }
  if (problems.length > 0) throw new InputError(problems.length === 1 ? (problems[0] as Diagnostic).message : `${problems.length} problems in the flags`, problems);
  return scope;
}

/** `top` (the flags) on `base` (the TOML config): see the file header for the rule. */
export function mergeScope(base: FlagScope, top: FlagScope): FlagScope {
  const topDatabases = top.includeDatabases !== undefined || top.excludeDatabases !== undefined;
  const databases = topDatabases ? top : base;
  const topTables = top.includeTables !== undefined || top.excludeTables !== undefined;
  const tables = topTables ? top : base;
  const both = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined): readonly T[] | undefined =>
    a === undefined ? b : b === undefined ? a : [...a, ...b];
  const schemaOnly = both(base.schemaOnlyTables, top.schemaOnlyTables);
  const tableFilters = both(base.tableFilters, top.tableFilters);
  const timeFilters = both(base.timeFilters, top.timeFilters);
  return {
    ...(databases.includeDatabases !== undefined ? { includeDatabases: databases.includeDatabases } : {}),
    ...(databases.excludeDatabases !== undefined ? { excludeDatabases: databases.excludeDatabases } : {}),
    ...(tables.includeTables !== undefined ? { includeTables: tables.includeTables } : {}),
    ...(tables.excludeTables !== undefined ? { excludeTables: tables.excludeTables } : {}),
    ...(schemaOnly !== undefined ? { schemaOnlyTables: schemaOnly } : {}),
    ...(tableFilters !== undefined ? { tableFilters } : {}),
    ...(timeFilters !== undefined ? { timeFilters } : {}),
  };
}
