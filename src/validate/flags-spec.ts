// The spec `pgrepl validate --source … --target …` checks: the database named in the source URL (into the one
// the target URL names, unless that is `postgres`), or, when the source URL names `postgres` (or none), every
// database a rule may choose (not templates, postgres or provider databases); `--include-databases a,b` names
// them instead. Built as a raw spec so it goes through the same resolution as a file.
import { parseConnString } from '../pg/conninfo/parse.js';
import { resolveSpecObject } from '../spec/load.js';
import type { Spec } from '../spec/model.js';

export interface FlagsSpecOptions {
  readonly source: string;
  readonly target: string;
  readonly includeDatabases?: readonly string[];
  readonly excludeDatabases?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** A URL from the command line is taken literally: `$` is escaped so spec interpolation leaves it alone. */
export function literalValue(text: string): string {
  return text.replace(/\$/g, () => '$$');
}

export function rawSpecFromFlags(opts: FlagsSpecOptions, sourceDatabase: string, targetDatabase = 'postgres'): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    version: 1,
    source: { url: literalValue(opts.source) },
    target: { url: literalValue(opts.target) },
  };
  const include = (opts.includeDatabases ?? []).map((d) => d.trim()).filter((d) => d !== '');
  const exclude = (opts.excludeDatabases ?? []).map((d) => d.trim()).filter((d) => d !== '');
  if (include.length > 0) raw['include_databases'] = [...new Set(include)];
  else if (exclude.length > 0) raw['exclude_databases'] = [...new Set(exclude)];
  else if (sourceDatabase !== 'postgres') {
    const rename = targetDatabase !== 'postgres' && targetDatabase !== sourceDatabase ? { target_database: targetDatabase } : {};
    raw['databases'] = { [sourceDatabase]: rename };
  } else raw['exclude_databases'] = [];
  return raw;
}

export function specFromFlags(opts: FlagsSpecOptions): Spec {
  const env = opts.env ?? process.env;
  const source = parseConnString(opts.source, { env, defaultDatabase: 'postgres', passfile: null }).database;
  const target = parseConnString(opts.target, { env, defaultDatabase: 'postgres', passfile: null }).database;
  return resolveSpecObject(rawSpecFromFlags(opts, source, target), { file: null, env });
}
