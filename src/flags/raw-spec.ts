// ResolvedScope + the servers -> the raw spec object (the YAML shape of docs/spec.md), which resolveSpecObject
// turns into the Spec the plan/apply engine runs, and which emit-spec.ts writes out for `--emit-spec`.
//
// - Databases chosen by name (`only`) are listed under `databases:` (exact keys, never globs); `all-except` is
//   `exclude_databases:` (every database now and later, minus those) plus a `databases:` block for each database
//   with settings of its own. A listed database is always replicated, and with `sync` in `defaults:` every one
//   gets it, listed or found by the rule (src/spec/resolve-spec.ts, select-databases.ts).
// - One source database and a target URL naming another database (not postgres) = `target_database`.
// - Table names are written so src/spec/table-pattern.ts reads back exactly the same names (formatTableName
//   quotes anything but [A-Za-z0-9_$-], `*` and `?` included); filters use `schema` + literal `table`.
// - Every string value is taken literally: `$` is doubled so `${…}` interpolation leaves it alone.
import { parseConnString } from '../pg/conninfo/parse.js';
import { formatTableName } from '../spec/table-pattern.js';
import { InputError } from '../util/errors.js';
import { literalValue } from '../validate/flags-spec.js';
import type { ResolvedDatabase, ResolvedScope } from './types.js';

export interface RawSpecOptions {
  readonly sourceUrl: string;
  readonly targetUrl: string;
  /** Stream after the copy (`init` without `--no-sync`, `sync`). */
  readonly sync: boolean;
  /** Where the state lives (flag mode: `.pgrepl/flags-<hash>.json`); absent = the spec default. */
  readonly statePath?: string;
  /** For the target URL's database (PGDATABASE and the like). Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const MAINTENANCE_DATABASE = 'postgres';

function block(d: ResolvedDatabase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = (list: readonly { schema: string; table: string }[]) => list.map((t) => literalValue(formatTableName(t)));
  if (d.includeTables !== null) {
    if (d.includeTables.length === 0) throw new InputError(`database ${d.name}: no table is included`, [{ severity: 'error', message: `database ${JSON.stringify(d.name)} includes no table: leave it out, or include a table` }]);
    out['include_tables'] = names(d.includeTables);
  }
  if (d.excludeTables.length > 0) out['exclude_tables'] = names(d.excludeTables);
  if (d.schemaOnly.length > 0) out['schema_only'] = names(d.schemaOnly);
  if (d.tableFilters.length > 0) {
    out['table_filters'] = d.tableFilters.map((f) => ({ schema: literalValue(f.schema), table: literalValue(f.table), where: literalValue(f.where) }));
  }
  if (d.timeFilters.length > 0) {
    out['time_filters'] = d.timeFilters.map((f) => ({ schema: literalValue(f.schema), table: literalValue(f.table), column: literalValue(f.column), last: f.last }));
  }
  return out;
}

export function rawSpecFromScope(resolved: ResolvedScope, opts: RawSpecOptions): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    version: 1,
    source: { url: literalValue(opts.sourceUrl) },
    target: { url: literalValue(opts.targetUrl) },
  };
  if (opts.statePath !== undefined) raw['state'] = { path: literalValue(opts.statePath) };
  // The old tool's pg_dump ran with --blobs: its users' large objects are copied too.
  raw['defaults'] = { sync: opts.sync, large_objects: true };

  const settings = new Map(resolved.perDatabase.map((d) => [d.name, block(d)]));
  const databases: Record<string, Record<string, unknown>> = {};
  if (resolved.databases.kind === 'only') {
    const names = resolved.databases.names;
    for (const name of names) databases[name] = settings.get(name) ?? {};
    const target = parseConnString(opts.targetUrl, { env: opts.env ?? process.env, defaultDatabase: MAINTENANCE_DATABASE, passfile: null }).database;
    const only = names.length === 1 ? (names[0] as string) : null;
    if (only !== null && target !== MAINTENANCE_DATABASE && target !== only) databases[only] = { target_database: literalValue(target), ...databases[only] };
  } else {
    raw['exclude_databases'] = [...resolved.databases.except];
    for (const [name, b] of settings) databases[name] = b;
  }
  if (Object.keys(databases).length > 0) raw['databases'] = databases;
  return raw;
}
