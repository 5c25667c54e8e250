// The spec `pgrepl validate --source … --target …` checks: the database named in the source URL, or, when that
// is `postgres` (or absent), every database a rule may choose (not templates, postgres or provider databases);
// `--include-databases a,b` names them instead. Built as a raw spec so it goes through the same resolution.
import { parseConnString } from '../pg/conninfo/parse.js';
import { resolveSpecObject } from '../spec/load.js';
import type { Spec } from '../spec/model.js';

export interface FlagsSpecOptions {
  readonly source: string;
  readonly target: string;
  readonly includeDatabases?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export function rawSpecFromFlags(opts: FlagsSpecOptions, sourceDatabase: string): Record<string, unknown> {
  const raw: Record<string, unknown> = { version: 1, source: { url: opts.source }, target: { url: opts.target } };
  const include = (opts.includeDatabases ?? []).map((d) => d.trim()).filter((d) => d !== '');
  if (include.length > 0) raw['include_databases'] = [...new Set(include)];
  else if (sourceDatabase !== 'postgres') raw['databases'] = { [sourceDatabase]: {} };
  else raw['exclude_databases'] = [];
  return raw;
}

export function specFromFlags(opts: FlagsSpecOptions): Spec {
  const env = opts.env ?? process.env;
  const database = parseConnString(opts.source, { env, defaultDatabase: 'postgres' }).database;
  // The URLs hold secrets: they are passed through untouched (no ${VAR} in them is expected from a shell).
  return resolveSpecObject(rawSpecFromFlags(opts, database), { file: null, env });
}
