// Checks a spec value against schemas/spec.schema.json (the single source of truth) with ajv, reporting every
// problem at once, each rewritten for people (unknown keys with "did you mean", allowed values listed) and
// placed at the YAML node it is about. Messages never include the offending value: it may be a secret.
//
// The validator is ajv's standalone code for the schema (generated/spec-validator.ts, kept fresh by
// test/unit/generated-validators.test.ts), so a run neither loads ajv nor compiles the schema: that was ~0.2 s of
// every plan and apply. Its options: allErrors; verbose (errors carry parentSchema, where the known keys and custom
// messages are); strict; allowUnionTypes (`shop:` with no settings is null, which a database block accepts); and the
// editor-only keyword patternErrorMessage (VS Code and yaml-language-server show it; we show it too).
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../util/errors.js';
import { closeMatches } from '../util/suggest.js';
import { validate as generatedValidate } from './generated/spec-validator.js';
import type { SpecLocator } from './positions.js';
import { formatPath, pathFromPointer, type PathSegment } from './spec-path.js';

// src/spec/ and dist/spec/ are both two levels below the package root, where schemas/ ships.
const SCHEMA_URL = new URL('../../schemas/spec.schema.json', import.meta.url);

const validate = generatedValidate as unknown as ValidateFunction;

let parsedSchema: SchemaNode | undefined;

interface SchemaNode {
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
  readonly patternErrorMessage?: string;
}

/** The parsed JSON Schema (for docs and tests). */
export function specJsonSchema(): SchemaNode {
  parsedSchema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as SchemaNode;
  return parsedSchema;
}

// Keys that belong to a database; written at the top level they get a hint instead of a near-miss guess.
const DATABASE_LEVEL_KEYS = new Set(['include_tables', 'exclude_tables', 'schema_only', 'table_filters', 'time_filters', 'columns', 'sync', 'copy', 'publish', 'prune', 'large_objects', 'roles', 'subscription', 'target_database', 'names']);

export interface SchemaCheck {
  readonly diagnostics: Diagnostic[];
  /**
   * JSON pointers of the values that failed (a missing required key counts as its own pointer): resolution
   * skips blocks holding one and still checks the rest, so cross-field problems are reported in the same run.
   */
  readonly invalid: readonly string[];
}

/** `quiet`: pointers whose own value errors are not reported (their cause is reported elsewhere). */
export function checkSchema(value: unknown, locator: SpecLocator, quiet: ReadonlySet<string> = new Set()): SchemaCheck {
  if (validate(value)) return { diagnostics: [], invalid: [] };
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const invalid: string[] = [];
  for (const error of validate.errors ?? []) {
    if (isNullBranchNoise(error)) continue;
    invalid.push(invalidPointer(error));
    if (quiet.has(error.instancePath)) continue;
    const d = describe(error, value, locator);
    const id = `${d.path ?? ''}\u0000${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    diagnostics.push(d);
  }
  return { diagnostics, invalid };
}

/**
 * `anyOf: [{ $ref: block }, { type: null }]` (an empty `shop:` is allowed) makes ajv add "must be null" and
 * "must match a schema in anyOf" to every problem inside the block; the block's own errors say it all.
 */
function isNullBranchNoise(error: ErrorObject): boolean {
  if (error.keyword === 'anyOf') return true;
  return error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null' && /\/anyOf\/\d+\/type$/.test(error.schemaPath);
}

function invalidPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child = error.keyword === 'required' ? params['missingProperty'] : error.keyword === 'additionalProperties' ? params['additionalProperty'] : undefined;
  return child === undefined ? error.instancePath : `${error.instancePath}/${String(child).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function describe(error: ErrorObject, root: unknown, locator: SpecLocator): Diagnostic {
  const path: PathSegment[] = pathFromPointer(root, error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const make = (at: PathSegment[], message: string, where: 'key' | 'value' = 'value'): Diagnostic => ({
    severity: 'error',
    path: formatPath(at),
    message,
    position: where === 'key' ? locator.key(at) : locator.value(at),
  });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys(parent.properties ?? {});
      const guesses = closeMatches(key, known);
      let message = 'unknown key';
      if (path.length === 0 && DATABASE_LEVEL_KEYS.has(key)) message += '; it is a database setting: put it under `defaults:` or `databases.<name>:`';
      else if (guesses.length > 0) message += `; did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?`;
      else if (known.length > 0) message += `; known keys: ${known.join(', ')}`;
      return make([...path, key], message, 'key');
    }
    case 'required':
      if (path.length === 0 && (root === null || root === undefined)) return make(path, 'the spec is empty');
      return make(path, `missing required key "${String(params['missingProperty'])}"`, 'key');
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[] | undefined) ?? [];
      return make(path, `must be one of: ${allowed.map((v) => String(v)).join(', ')}`);
    }
    case 'const':
      return make(path, `must be ${JSON.stringify(params['allowedValue'])}`);
    case 'pattern':
      return make(path, parent.patternErrorMessage ?? `must match ${String(params['pattern'])}`);
    case 'type': {
      const type = String(params['type']);
      if (path.length === 0) return make(path, root === null || root === undefined ? 'the spec is empty' : 'the spec must be a mapping (key: value lines)');
      const words: Record<string, string> = { object: 'must be a mapping (key: value)', array: 'must be a list' };
      return make(path, words[type] ?? `must be ${type}`);
    }
    case 'uniqueItems': {
      const later = Math.max(Number(params['i']), Number(params['j']));
      const earlier = Math.min(Number(params['i']), Number(params['j']));
      return make([...path, later], `duplicate of item [${earlier}]`);
    }
    case 'minItems':
      return make(path, Number(params['limit']) === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} items`);
    case 'minLength':
      return make(path, Number(params['limit']) === 1 ? 'must not be empty' : `must have at least ${String(params['limit'])} characters`);
    default:
      return make(path, error.message ?? `fails ${error.keyword}`);
  }
}
