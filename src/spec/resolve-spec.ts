// A schema-valid raw spec -> the trusted Spec: defaults applied, paths made absolute, names checked, and the
// rules a JSON Schema cannot say well (mutually exclusive keys, uniqueness across databases) enforced.
import { resolve as resolvePath } from 'node:path';
import type { RawCutover, RawSpec, RawState } from './generated/spec-types.js';
import { parseLagLimit } from './lag-limit.js';
import type { CutoverSpec, DatabaseSelection, DatabaseSpec, ServerSpec, Spec, StateBackend } from './model.js';
import type { Reporter } from './reporter.js';
import { resolveSettings, type SettingsLayer } from './resolve-database.js';
import { globMatches, isGlob } from './glob.js';
import type { SpecPath } from './spec-path.js';
import { ValidParts } from './valid-parts.js';

export const DEFAULT_STATE_PATH = '.pgrepl/state.json';
// PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; a longer name would silently mean another one.
const MAX_IDENTIFIER_BYTES = 63;
// Databases nobody can connect to: they cannot be a source.
const UNCONNECTABLE = new Set(['template0']);

export interface ResolveOptions {
  /** Absolute path of the spec file, or null for a spec built from flags. */
  readonly file: string | null;
  /** Directory that relative paths (state.path) are resolved against. */
  readonly baseDir: string;
  /** JSON pointers that failed the JSON Schema (see ValidParts); resolution skips them. Default: none. */
  readonly invalid?: readonly string[];
}

export function resolveRawSpec(raw: RawSpec, opts: ResolveOptions, r: Reporter): Spec {
  const parts = new ValidParts(opts.invalid);
  const server = (key: 'source' | 'target'): ServerSpec => {
    const position = r.position([key, 'url']);
    return { url: parts.whole([key]) ? raw[key].url : '', ...(position ? { position } : {}) };
  };

  const rawDefaults = parts.keys(raw.defaults, ['defaults']);
  const defaultsLayer: SettingsLayer | null = rawDefaults ? { raw: rawDefaults, path: ['defaults'] } : null;
  // The defaults as a database found by rule gets them: every entry marked as inherited.
  const defaults = resolveSettings({ raw: {}, path: ['defaults'] }, defaultsLayer, r);

  const databases: DatabaseSpec[] = [];
  for (const [key, rawBlock] of parts.entries(raw.databases, ['databases'])) {
    const path: SpecPath = ['databases', key];
    // `shop:` alone (null) takes every default.
    const block = rawBlock === null ? {} : parts.keys(rawBlock, path);
    if (!block) continue;
    checkIdentifier(key, path, 'key', 'database name', r);
    if (UNCONNECTABLE.has(key)) r.error(path, `${key} accepts no connections and cannot be replicated`, 'key');
    if (block.target_database !== undefined) checkIdentifier(block.target_database, [...path, 'target_database'], 'value', 'target database name', r);
    const position = r.keyPosition(path);
    databases.push({
      key,
      targetDatabase: block.target_database ?? key,
      ...resolveSettings({ raw: block, path }, defaultsLayer, r),
      ...(position ? { position } : {}),
    });
  }

  const selection = parts.whole(['include_databases']) && parts.whole(['exclude_databases']) ? resolveSelection(raw, r) : null;
  const listsDatabases = raw.databases !== undefined && Object.keys(raw.databases).length > 0;
  if (parts.whole(['databases']) && !listsDatabases && raw.include_databases === undefined && raw.exclude_databases === undefined) {
    r.error(['databases'], 'the spec selects no database: list them under `databases:`, or use include_databases or exclude_databases', 'key');
  }
  if (selection) {
    for (const db of databases) {
      const hit = selection.exclude.find((p) => globMatches(p, isGlob(p), db.key));
      if (hit) r.error(['databases', db.key], `listed under databases: but excluded by exclude_databases (${JSON.stringify(hit)})`, 'key');
    }
  }
  checkUnique(databases, r);

  return {
    version: 1,
    file: opts.file,
    source: server('source'),
    target: server('target'),
    state: resolveState(parts.keys(raw.state, ['state']), opts.baseDir, r),
    databases,
    selection,
    defaults,
    cutover: resolveCutover(parts.keys(raw.cutover, ['cutover']), r),
  };
}


function checkIdentifier(name: string, path: SpecPath, where: 'key' | 'value', what: string, r: Reporter): void {
  if (name === '') r.error(path, `empty ${what}`, where);
  else if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    r.error(path, `${what} longer than ${MAX_IDENTIFIER_BYTES} bytes: PostgreSQL would truncate it`, where);
  }
}

function resolveSelection(raw: RawSpec, r: Reporter): DatabaseSelection | null {
  const { include_databases: include, exclude_databases: exclude } = raw;
  if (include !== undefined && exclude !== undefined) {
    r.error(['exclude_databases'], 'include_databases and exclude_databases cannot be used together: list the databases to copy, or those to leave out', 'key');
  }
  if (include === undefined && exclude === undefined) return null;
  const positions: Record<string, NonNullable<ReturnType<Reporter['position']>>> = {};
  const note = (key: 'include_databases' | 'exclude_databases', list: readonly string[] | undefined) =>
    list?.forEach((name, i) => {
      const p = r.position([key, i]);
      if (p) positions[name] = p;
    });
  note('include_databases', include);
  note('exclude_databases', exclude);
  return {
    include: include ? [...include] : null,
    exclude: exclude ? [...exclude] : [],
    ...(Object.keys(positions).length > 0 ? { positions } : {}),
  };
}

/** Two source databases cannot land in one target database, and slots are cluster-wide on the source. */
function checkUnique(databases: readonly DatabaseSpec[], r: Reporter): void {
  const targets = new Map<string, string>();
  const slots = new Map<string, string>();
  for (const db of databases) {
    const path: SpecPath = ['databases', db.key];
    const other = targets.get(db.targetDatabase);
    if (other !== undefined) {
      r.error(
        db.targetDatabase === db.key ? path : [...path, 'target_database'],
        `target database ${JSON.stringify(db.targetDatabase)} is also the target of ${JSON.stringify(other)}: each source database needs its own`,
        db.targetDatabase === db.key ? 'key' : 'value',
      );
    } else targets.set(db.targetDatabase, db.key);
    const slot = db.names.slot;
    if (slot !== undefined) {
      const owner = slots.get(slot);
      if (owner !== undefined) r.error([...path, 'names', 'slot'], `slot name ${slot} is also used by ${JSON.stringify(owner)}: slots are shared by the whole source server`);
      else slots.set(slot, db.key);
    }
  }
}

function resolveState(raw: RawState | undefined, baseDir: string, r: Reporter): StateBackend {
  const backend = raw?.backend ?? 'local';
  if (backend === 'local') {
    for (const key of ['url', 'schema', 'name'] as const) {
      if (raw?.[key] !== undefined) r.error(['state', key], 'only with backend: postgres', 'key');
    }
    return { backend: 'local', path: resolvePath(baseDir, raw?.path ?? DEFAULT_STATE_PATH) };
  }
  if (raw?.path !== undefined) r.error(['state', 'path'], 'only with backend: local', 'key');
  if (raw?.url === undefined) r.error(['state'], 'missing required key "url" (backend: postgres keeps the state in that database)', 'key');
  return { backend: 'postgres', url: raw?.url ?? '', schema: raw?.schema ?? 'pgrepl', name: raw?.name ?? 'default' };
}

function resolveCutover(raw: RawCutover | undefined, r: Reporter): CutoverSpec {
  const fence = raw?.fence ?? 'none';
  const fenceRoles = [...(raw?.fence_roles ?? [])];
  if (fence !== 'none' && fenceRoles.length === 0) r.error(['cutover', 'fence'], `fence: ${fence} needs fence_roles: the source roles whose writes to stop`);
  const maxLag = raw?.max_lag ?? null;
  const maxLagLimit = maxLag === null ? null : parseLagLimit(maxLag);
  if (maxLag !== null && maxLagLimit === null) r.error(['cutover', 'max_lag'], 'must be a duration (30s, 5min) or a size (64MB)');
  return { fence, fenceRoles, maxLag, maxLagLimit, sequenceMargin: raw?.sequence_margin ?? 0, after: raw?.after ?? 'keep' };
}
