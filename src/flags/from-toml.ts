// `pgrepl spec from-toml FILE.toml`: the old tool's config as a spec, without a server. Under
// `[databases.<db>]` the database is known, so `a.b` can only be `schema.table` and nothing needs the catalog.
// Which databases: the source URL's database when it names one (other than postgres); otherwise every database
// (`exclude_databases: []`, as the old tool replicated every database and the config only added rules), with a
// block for each database the config names. Without --source/--target the spec reads `${SOURCE_URL}` and
// `${TARGET_URL}` from the environment.
import { readFile } from 'node:fs/promises';
import { parseConnString } from '../pg/conninfo/parse.js';
import { formatTableName } from '../spec/table-pattern.js';
import { InputError, PgreplError, type Diagnostic } from '../util/errors.js';
import { nowWindow } from './now-predicate.js';
import { rawSpecFromScope } from './raw-spec.js';
import { parseTomlConfig } from './toml-config.js';
import type { ExactTable, FlagScope, ResolvedDatabase, ResolvedScope, TableRef } from './types.js';

export interface FromTomlOptions {
  readonly source: string | null;
  readonly target: string | null;
  readonly sync: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const PLACEHOLDER_SOURCE = '${SOURCE_URL}';
const PLACEHOLDER_TARGET = '${TARGET_URL}';

export async function rawSpecFromToml(file: string, opts: FromTomlOptions): Promise<{ spec: Record<string, unknown>; notes: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PgreplError(code === 'ENOENT' ? `config file not found: ${file}` : `cannot read config file ${file}`, { cause: e });
  }
  return rawSpecFromTomlText(text, file, opts);
}

function exact(ref: TableRef): ExactTable {
  return { schema: ref.schema ?? (ref.parts.length === 2 ? (ref.parts[0] as string) : 'public'), table: ref.parts[ref.parts.length - 1] as string };
}

/** The scope of a TOML config, resolved offline (see the file header). Throws InputError listing every problem. */
export function scopeFromToml(scope: FlagScope, sourceDatabase: string | null): ResolvedScope {
  const notes: string[] = [];
  const problems: Diagnostic[] = [];
  const dbs = new Map<string, { schemaOnly: ExactTable[]; tableFilters: (ExactTable & { where: string })[]; timeFilters: (ExactTable & { column: string; last: string })[]; seen: Map<string, string> }>();
  const only = sourceDatabase !== null && sourceDatabase !== 'postgres' ? sourceDatabase : null;
  const skipped = new Set<string>();
  const entry = (ref: TableRef) => {
    const db = ref.database as string;
    if (only !== null && db !== only) {
      if (!skipped.has(db)) notes.push(`${ref.origin}: the rules for database ${db} are not used: the source URL names database ${only}`);
      skipped.add(db);
      return null;
    }
    let d = dbs.get(db);
    if (!d) {
      d = { schemaOnly: [], tableFilters: [], timeFilters: [], seen: new Map() };
      dbs.set(db, d);
    }
    return d;
  };
  for (const ref of scope.schemaOnlyTables ?? []) entry(ref)?.schemaOnly.push(exact(ref));
  const claim = (d: NonNullable<ReturnType<typeof entry>>, ref: TableRef, t: ExactTable, kind: 'where' | 'window'): boolean => {
    // One predicate and one time window per table (they are ANDed).
    const key = JSON.stringify([t.schema, t.table, kind]);
    const first = d.seen.get(key);
    const name = `${ref.database}.${formatTableName(t)}`;
    if (first !== undefined) {
      problems.push({ severity: 'error', message: `${name} has a second ${kind === 'where' ? 'predicate' : 'time window'} (the first is at ${first}): a table takes one of each`, ...(ref.position ? { position: ref.position } : {}) });
      return false;
    }
    if (d.schemaOnly.some((s) => s.schema === t.schema && s.table === t.table)) {
      problems.push({ severity: 'error', message: `a filter on ${name}, which is schema_only: it gets no rows`, ...(ref.position ? { position: ref.position } : {}) });
      return false;
    }
    d.seen.set(key, ref.origin);
    return true;
  };
  for (const f of scope.tableFilters ?? []) {
    const d = entry(f.ref);
    const t = exact(f.ref);
    const w = nowWindow(f.where);
    if (!d || !claim(d, f.ref, t, w === null ? 'where' : 'window')) continue;
    if (w !== null) {
      d.timeFilters.push({ ...t, column: w.column, last: w.last });
      notes.push(
        `${f.ref.origin}: ${f.where} became a time window (column ${w.column}, last ${w.last}) anchored at the first copy${w.strict ? ' (">" taken as ">=" at the anchored instant)' : ''}; ${w.column} must be a date or timestamp column`,
      );
    } else d.tableFilters.push({ ...t, where: f.where });
  }
  for (const f of scope.timeFilters ?? []) {
    const d = entry(f.ref);
    const t = exact(f.ref);
    if (d && claim(d, f.ref, t, 'window')) d.timeFilters.push({ ...t, column: f.column, last: f.last });
  }
  if (problems.length > 0) throw new InputError(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the config`, problems);
  const perDatabase: ResolvedDatabase[] = [...dbs].map(([name, d]) => ({
    name,
    includeTables: null,
    excludeTables: [],
    schemaOnly: d.schemaOnly,
    tableFilters: d.tableFilters,
    timeFilters: d.timeFilters,
  }));
  return { databases: only !== null ? { kind: 'only', names: [only] } : { kind: 'all-except', except: [] }, perDatabase, notes };
}

export function rawSpecFromTomlText(text: string, file: string, opts: FromTomlOptions): { spec: Record<string, unknown>; notes: string[] } {
  const env = opts.env ?? process.env;
  const scope = parseTomlConfig(text, file);
  const sourceDatabase = opts.source === null ? null : parseConnString(opts.source, { env, defaultDatabase: 'postgres', passfile: null }).database;
  const resolved = scopeFromToml(scope, sourceDatabase);
  const spec = rawSpecFromScope(resolved, {
    sourceUrl: opts.source ?? 'postgres://localhost/postgres',
    targetUrl: opts.target ?? 'postgres://localhost/postgres',
    sync: opts.sync,
    env,
  });
  // Placeholders are meant to be interpolated: set after rawSpecFromScope, which takes URLs literally.
  if (opts.source === null) spec['source'] = { url: PLACEHOLDER_SOURCE };
  if (opts.target === null) spec['target'] = { url: PLACEHOLDER_TARGET };
  const notes = [...resolved.notes];
  if (opts.source === null || opts.target === null) notes.push('The spec reads the servers from SOURCE_URL and TARGET_URL (set them, or pass --source/--target)');
  if (sourceDatabase === null || sourceDatabase === 'postgres') notes.push('Every source database is replicated (exclude_databases: []), the ones the config names with its rules, as the old tool did');
  return { spec, notes };
}
