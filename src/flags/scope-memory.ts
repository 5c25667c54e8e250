// What a flag-mode run chose, remembered next to its state (`.pgrepl/flags-<hash>.scope.json`), so the old tool's
// habit of repeating only some flags keeps working: the guide runs `init --time-filter … --schema-only-tables …`
// and then `sync --time-filter …` without the schema-only list. A later `sync`, `status` or `verify` of the same
// source and target inherits every KIND of setting it does not give itself (databases, tables, schema-only tables,
// table filters, time filters, sync on/off) from the last successful run, and says which it inherited. A kind that
// is given replaces the remembered one whole (`--schema-only-tables ""` clears it).
//
// The file holds flag values as written (table names, predicates), never a URL or password.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { PgreplError } from '../util/errors.js';
import type { FlagScope } from './types.js';

const MEMORY_VERSION = 1;

export interface ScopeMemory {
  readonly scope: FlagScope;
  /** Whether the run streamed (init without --no-sync, or sync). */
  readonly sync: boolean;
}

/** `.pgrepl/flags-<hash>.json` -> `.pgrepl/flags-<hash>.scope.json`. */
export function scopeMemoryPath(statePath: string): string {
  return statePath.replace(/\.json$/, '') + '.scope.json';
}

export async function readScopeMemory(statePath: string): Promise<ScopeMemory | null> {
  const file = scopeMemoryPath(statePath);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PgreplError(`cannot read ${file}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PgreplError(`${file} is not JSON: remove it to start the flags afresh`, { cause: e });
  }
  const r = raw as { version?: unknown; sync?: unknown; scope?: unknown };
  if (r.version !== MEMORY_VERSION || typeof r.sync !== 'boolean' || typeof r.scope !== 'object' || r.scope === null) {
    throw new PgreplError(`${file} was not written by this pgrepl (version ${String(r.version)}): remove it to start the flags afresh`);
  }
  return { sync: r.sync, scope: r.scope as FlagScope };
}

export async function writeScopeMemory(statePath: string, memory: ScopeMemory): Promise<void> {
  const file = scopeMemoryPath(statePath);
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify({ version: MEMORY_VERSION, ...memory }, null, 2)}\n`, { mode: 0o600 });
}

/** The kinds of setting, each given or inherited whole; `flag` names them in the notice. */
const KINDS = [
  { keys: ['includeDatabases', 'excludeDatabases'], flag: '--include-databases/--exclude-databases' },
  { keys: ['includeTables', 'excludeTables'], flag: '--include-tables/--exclude-tables' },
  { keys: ['schemaOnlyTables'], flag: '--schema-only-tables' },
  { keys: ['tableFilters'], flag: '--table-filter' },
  { keys: ['timeFilters'], flag: '--time-filter' },
] as const satisfies readonly { keys: readonly (keyof FlagScope)[]; flag: string }[];

export interface Inherited {
  readonly scope: FlagScope;
  /** The flags whose values came from the memory and are not empty there, for a notice. */
  readonly inherited: readonly string[];
}

/** `given` with every kind it lacks taken from `remembered`. */
export function inheritScope(given: FlagScope, remembered: FlagScope | null): Inherited {
  if (remembered === null) return { scope: given, inherited: [] };
  const out: Record<string, unknown> = { ...given };
  const inherited: string[] = [];
  for (const kind of KINDS) {
    if (kind.keys.some((k) => given[k] !== undefined)) continue;
    let any = false;
    for (const k of kind.keys) {
      const v = remembered[k];
      if (v === undefined) continue;
      out[k] = v;
      if (v.length > 0) any = true;
    }
    if (any) inherited.push(kind.flag);
  }
  return { scope: out as FlagScope, inherited };
}
