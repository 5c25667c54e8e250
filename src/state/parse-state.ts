// Parse, don't validate (STYLE.md 5): state file text -> a checked StateDocument of the current format, or a
// PgreplError listing every problem. Messages name JSON paths, never values: attributes may hold anything.
import type { ValidateFunction } from 'ajv';
import { PgreplError } from '../util/errors.js';
import { validate as generatedValidate } from './generated/state-validator.js';
import type { StateDocument } from './state-document.js';
import { upgradeState } from './upgrade-state.js';

// ajv's standalone code for schemas/state.schema.json (kept fresh by test/unit/generated-validators.test.ts), with
// allErrors, strict and allowUnionTypes (`spec` is an object or null): no ajv load nor schema compile per run.
const validate = generatedValidate as unknown as ValidateFunction;

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
