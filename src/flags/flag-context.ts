// The old tool's invocation (`--source/--target` and its scope flags, `--config FILE.toml`, or the picker's
// choices) turned into the same SpecContext a spec file gives, so `init`, `sync`, `status`, `verify` and `validate`
// run the one plan/apply engine. State lives in `.pgrepl/flags-<hash of source and target identity>.json`
// (CONTRACTS.md) and the scope a run used is remembered beside it (scope-memory.ts).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { specContextFromSpec, type SpecContext } from '../cli/plan-session.js';
import { identity } from '../pg/conninfo/display.js';
import { connStringWithDatabase } from '../pg/conninfo/with-database.js';
import { literalValue } from '../validate/flags-spec.js';
import { parseConnString } from '../pg/conninfo/index.js';
import { resolveSpecObject } from '../spec/load.js';
import { flagsStatePath } from '../state/flags-path.js';
import { InputError, PgreplError } from '../util/errors.js';
import type { ScopeFlagArgs } from '../cli/flag-options.js';
import { openLiveCatalog } from './catalog.js';
import { mergeScope, parseScopeFlags } from './parse-flags.js';
import { rawSpecFromScope } from './raw-spec.js';
import { resolveScope } from './resolve-scope.js';
import { inheritScope, readScopeMemory, type ScopeMemory } from './scope-memory.js';
import { parseTomlConfig } from './toml-config.js';
import type { CatalogView, FlagScope, ResolvedScope } from './types.js';

export interface FlagContextOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Stream after the copy; null = what the remembered run did (status, verify), else true. */
  readonly sync: boolean | null;
  /** Inherit the kinds of scope setting not given from the last run of this pair (sync, status, verify). */
  readonly inherit: boolean;
  /** The interactive picker, when it is to choose instead of the flags (init/sync/validate in a terminal). */
  readonly pick?: (catalog: CatalogView) => Promise<ResolvedScope>;
}

export interface FlagContext {
  readonly ctx: SpecContext;
  /** The raw spec (YAML shape) the context was resolved from: `--emit-spec` writes it. */
  readonly raw: Record<string, unknown>;
  /** What the run chose, for scope-memory.ts after a successful apply. */
  readonly memory: ScopeMemory;
  /** Lines for stderr: the state path, inherited flags, filters turned into windows, and the like. */
  readonly notes: readonly string[];
}

/** Reads --source/--target; both are needed. */
export function requireServers(args: ScopeFlagArgs, command: string): { source: string; target: string } {
  const missing = (['source', 'target'] as const).filter((k) => args[k] === undefined || args[k] === '');
  if (missing.length > 0) {
    throw new InputError(`${missing.map((m) => `--${m}`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`, [
      { severity: 'error', message: `pgrepl ${command} without a spec needs --source URL and --target URL (or use --spec FILE)` },
    ]);
  }
  return { source: args.source as string, target: args.target as string };
}

/** The scope the flags and the TOML file give (flags on top), before inheritance. */
export async function givenScope(args: ScopeFlagArgs): Promise<FlagScope> {
  const flags = parseScopeFlags(args);
  if (args.config === undefined) return flags;
  let text: string;
  try {
    text = await readFile(args.config, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PgreplError(code === 'ENOENT' ? `config file not found: ${args.config}` : `cannot read config file ${args.config}`, { cause: e });
  }
  return mergeScope(parseTomlConfig(text, args.config), flags);
}

export async function loadFlagContext(args: ScopeFlagArgs, command: string, opts: FlagContextOptions): Promise<FlagContext> {
  const servers = requireServers(args, command);
  const source = parseConnString(servers.source, { env: opts.env, defaultDatabase: 'postgres' });
  const target = parseConnString(servers.target, { env: opts.env, defaultDatabase: 'postgres' });
  const statePath = flagsStatePath(opts.cwd, identity(source), identity(target));
  const notes: string[] = [`State: ${path.relative(opts.cwd, statePath)} (flag mode: kept for this source and target)`];

  const remembered = opts.inherit ? await readScopeMemory(statePath) : null;
  const given = await givenScope(args);
  const { scope, inherited } = inheritScope(given, remembered?.scope ?? null);
  if (inherited.length > 0) notes.push(`Using ${inherited.join(', ')} of the last run for this source and target (give the flag to change it)`);
  const sync = opts.sync ?? remembered?.sync ?? true;

  // After init, sync/status/verify of the pair use what init chose instead of asking again.
  const pick = remembered === null ? opts.pick : undefined;
  if (opts.pick !== undefined && pick === undefined) notes.push('Using the databases and tables the last run chose for this source and target (give scope flags to change them)');
  const catalog = await openLiveCatalog(source, { env: opts.env });
  let resolved: ResolvedScope;
  try {
    resolved = pick !== undefined ? await pick(catalog) : await resolveScope(scope, { sourceDatabase: source.database, catalog });
  } finally {
    await catalog.close();
  }
  notes.push(...resolved.notes);

  const raw = rawSpecFromScope(resolved, { sourceUrl: servers.source, targetUrl: servers.target, sync, statePath });
  if (intoTargetDatabase(raw, target.database)) {
    // `--target …/shop` names the database to replicate into, which may not exist yet: reach the server via postgres.
    raw['target'] = { url: literalValue(connStringWithDatabase(servers.target, 'postgres')) };
  }
  const spec = resolveSpecObject(raw, { file: null, env: opts.env });
  // The basis of a saved plan and the state's spec record: a hash of what was chosen, never of a URL or password.
  const specHash = createHash('sha256').update(JSON.stringify({ ...raw, source: identity(source), target: identity(target) })).digest('hex');
  const ctx = specContextFromSpec(spec, `(flags: ${command} --source … --target …)`, specHash, opts.env);
  return { ctx, raw, memory: { scope: pick !== undefined ? scopeOfResolved(resolved) : scope, sync }, notes };
}

/** The target URL names a database the spec replicates into (by key or target_database). */
function intoTargetDatabase(raw: Record<string, unknown>, database: string): boolean {
  if (database === 'postgres') return false;
  const dbs = (raw['databases'] ?? {}) as Record<string, { target_database?: unknown }>;
  return Object.entries(dbs).some(([key, d]) => (typeof d.target_database === 'string' ? d.target_database : key) === database);
}

/** The picker's choices as flag values, so a later `sync` or `status` of the pair inherits them. */
function scopeOfResolved(resolved: ResolvedScope): FlagScope {
  const ref = (database: string, schema: string, table: string): FlagScope['excludeTables'] extends readonly (infer R)[] | undefined ? R : never => ({
    parts: [database, schema, table], raw: `${database}.${schema}.${table}`, origin: 'the picker',
  });
  const dbs = resolved.perDatabase;
  return {
    ...(resolved.databases.kind === 'only' ? { includeDatabases: resolved.databases.names } : { excludeDatabases: resolved.databases.except }),
    excludeTables: dbs.flatMap((d) => d.excludeTables.map((t) => ref(d.name, t.schema, t.table))),
    schemaOnlyTables: dbs.flatMap((d) => d.schemaOnly.map((t) => ref(d.name, t.schema, t.table))),
    tableFilters: dbs.flatMap((d) => d.tableFilters.map((t) => ({ ref: ref(d.name, t.schema, t.table), where: t.where }))),
    timeFilters: dbs.flatMap((d) => d.timeFilters.map((t) => ({ ref: ref(d.name, t.schema, t.table), column: t.column, last: t.last }))),
  };
}
