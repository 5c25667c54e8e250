// Parse, don't validate (STYLE.md 5): state file text -> a checked StateDocument of the current format, or a
// PgreplError listing every problem. Messages name JSON paths, never values: attributes may hold anything.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { PgreplError } from '../util/errors.js';
import type { StateDocument } from './state-document.js';
import { upgradeState } from './upgrade-state.js';

// src/state/ and dist/state/ are both two levels below the package root, where schemas/ ships.
const SCHEMA_URL = new URL('../../schemas/state.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
  // allowUnionTypes: `spec` is an object or null.
  compiled = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  return compiled;
}

/** `text` is the file's content; `source` names it in errors (the path, or `<stdin>`). */
export function parseState(text: string, source: string): StateDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e: unknown) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new PgreplError(`${source} is not a pgrepl state file: not valid JSON (${reason})`, {
      hints: [`the previous version is kept in ${source}.backup`],
    });
  }
  const doc = upgradeState(raw, source);
  const validate = validator();
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((err) => `${err.instancePath === '' ? '(top level)' : err.instancePath}: ${err.message ?? 'is invalid'}`);
    throw new PgreplError(`${source} is not a valid pgrepl state file`, { hints: [...new Set(problems)] });
  }
  const state = doc as unknown as StateDocument;
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of state.resources) {
    if (seen.has(r.address)) duplicates.add(r.address);
    seen.add(r.address);
  }
  if (duplicates.size > 0) {
    throw new PgreplError(`${source} is not a valid pgrepl state file: a resource address is recorded twice`, {
      hints: [...duplicates].map((a) => `/resources: ${a} appears more than once`),
    });
  }
  return state;
}
