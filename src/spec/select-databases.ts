// Which source databases a spec replicates, given the names on the source: the listed ones (own settings) plus
// those chosen by include_databases / exclude_databases (the defaults). Pure: introspection supplies the names.
import { closeMatches } from '../util/suggest.js';
import { globMatches, isGlob } from './glob.js';
import type { DatabaseSpec, Spec } from './model.js';
import type { SourcePosition } from '../util/errors.js';

/**
 * Never chosen by a rule (a glob or exclude_databases); a name written out still selects one. template0/1 by
 * name, because a caller that passes templates expects them skipped; `postgres` is the maintenance database;
 * the rest belong to managed-service providers (RDS, Azure, Cloud SQL) and cannot be replicated.
 */
export const SYSTEM_DATABASES: readonly string[] = ['template0', 'template1', 'postgres', 'rdsadmin', 'azure_maintenance', 'azure_sys', 'cloudsqladmin'];

export interface UnmatchedDatabase {
  readonly name: string;
  /** Close database names on the source, best first (at most 3). */
  readonly suggestions: string[];
  readonly source: 'databases' | 'include_databases' | 'exclude_databases';
  readonly position?: SourcePosition;
}

export interface DatabaseConflict {
  readonly name: string;
  readonly message: string;
}

export interface DatabaseChoice {
  /** Listed databases first (file order), then those chosen by rule (in `available` order). */
  readonly databases: DatabaseSpec[];
  readonly unmatched: UnmatchedDatabase[];
  /** Databases a rule would add but that cannot be (their target is already taken); they are left out. */
  readonly conflicts: DatabaseConflict[];
}

/**
 * `available`: the source's database names; pass only those that accept connections (`datallowconn`) and are
 * not templates (`datistemplate`), since only template0/template1 are known here by name.
 */
export function selectDatabases(spec: Spec, available: readonly string[]): DatabaseChoice {
  const exists = new Set(available);
  const unmatched: UnmatchedDatabase[] = [];
  const conflicts: DatabaseConflict[] = [];
  const databases: DatabaseSpec[] = [];
  for (const db of spec.databases) {
    if (exists.has(db.key)) databases.push(db);
    else unmatched.push({ name: db.key, suggestions: closeMatches(db.key, available), source: 'databases', ...(db.position ? { position: db.position } : {}) });
  }

  const sel = spec.selection;
  if (sel) {
    const listed = new Set(spec.databases.map((d) => d.key));
    const targets = new Map(spec.databases.map((d) => [d.targetDatabase, d.key]));
    const matches = (pattern: string, name: string) => {
      const glob = isGlob(pattern);
      // A glob never reaches system databases; a name written out is a deliberate choice.
      return glob ? !SYSTEM_DATABASES.includes(name) && globMatches(pattern, true, name) : pattern === name;
    };
    const chosen = (name: string) =>
      sel.include ? sel.include.some((p) => matches(p, name)) : !SYSTEM_DATABASES.includes(name) && !sel.exclude.some((p) => matches(p, name));
    for (const name of available) {
      if (listed.has(name) || !chosen(name)) continue;
      const taken = targets.get(name);
      if (taken !== undefined) {
        conflicts.push({ name, message: `${JSON.stringify(name)} is chosen by ${sel.include ? 'include_databases' : 'exclude_databases'} but ${JSON.stringify(taken)} is already replicated into a target database of that name` });
        continue;
      }
      databases.push({ ...spec.defaults, key: name, targetDatabase: name });
    }
    const report = (source: 'include_databases' | 'exclude_databases', patterns: readonly string[]) => {
      for (const p of patterns) {
        if (available.some((name) => matches(p, name))) continue;
        const position = sel.positions?.[p];
        unmatched.push({ name: p, suggestions: closeMatches(p, available), source, ...(position ? { position } : {}) });
      }
    };
    report('include_databases', sel.include ?? []);
    report('exclude_databases', sel.exclude);
  }
  return { databases, unmatched, conflicts };
}
