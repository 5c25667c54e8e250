// Entry points of spec loading: YAML file or text -> positions -> ${ENV} interpolation -> JSON Schema check ->
// resolution. Every problem of every stage that can run is collected and thrown at once as one InputError,
// sorted by position, each as `file:line:column: path: message`.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, PgreplError, type Diagnostic } from '../util/errors.js';
import type { RawSpec } from './generated/spec-types.js';
import { interpolateSpec } from './interpolate.js';
import type { Spec } from './model.js';
import { NO_POSITIONS, type SpecLocator } from './positions.js';
import { Reporter } from './reporter.js';
import { resolveRawSpec } from './resolve-spec.js';
import { checkSchema } from './schema-check.js';
import { parseSpecYaml } from './yaml-source.js';

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Accept keys from the NOT_IMPLEMENTED list instead of refusing them. Only for tests of the work that
   * implements them; commands never set it.
   */
  readonly allowNotImplemented?: boolean;
}

/** Reads and resolves a YAML spec file. Throws InputError listing every problem, PgreplError if unreadable. */
export async function loadSpecFile(path: string, env: NodeJS.ProcessEnv = process.env, opts: Omit<LoadOptions, 'env'> = {}): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new PgreplError(code === 'ENOENT' ? `spec file not found: ${path}` : `cannot read spec file ${path}`, {
      cause: e,
      ...(code === 'ENOENT' ? { hints: ['pass --spec FILE, or run from the directory that holds pgrepl.yaml'] } : {}),
    });
  }
  return loadSpecText(text, path, { ...opts, env });
}

/**
 * Resolves YAML text. `file` is the path as the user wrote it: diagnostics show it as given, Spec.file is
 * absolute, and relative paths in the spec are resolved against its directory.
 */
export function loadSpecText(text: string, file: string, opts: LoadOptions = {}): Spec {
  const parsed = parseSpecYaml(text, file);
  if (parsed.diagnostics.length > 0) throw specError(file, parsed.diagnostics);
  const absolute = resolve(file);
  return resolveValue(parsed.value, parsed.locator, { file: absolute, display: file, baseDir: dirname(absolute), ...opts });
}

/**
 * Resolves a spec built in memory (from flags, the old tool's TOML, tests). No positions: diagnostics name the
 * path only. `file` (if any) becomes Spec.file; `baseDir` defaults to the file's directory, else the cwd.
 */
export function resolveSpecObject(
  raw: unknown,
  opts: { file: string | null; env?: NodeJS.ProcessEnv; baseDir?: string; allowNotImplemented?: boolean },
): Spec {
  const file = opts.file === null ? null : resolve(opts.file);
  const baseDir = opts.baseDir ?? (file === null ? process.cwd() : dirname(file));
  return resolveValue(raw, NO_POSITIONS, { file, display: opts.file, baseDir, ...(opts.env ? { env: opts.env } : {}), ...(opts.allowNotImplemented ? { allowNotImplemented: true } : {}) });
}

function resolveValue(
  value: unknown,
  locator: SpecLocator,
  opts: LoadOptions & { file: string | null; display: string | null; baseDir: string },
): Spec {
  const env = opts.env ?? process.env;
  const interpolated = interpolateSpec(value, env, locator);
  const problems: Diagnostic[] = [...interpolated.diagnostics];
  // A value whose variable is unset was replaced by ''; a "must not be empty" there would only repeat the cause.
  const schema = checkSchema(interpolated.value, locator, interpolated.unset);
  problems.push(...schema.diagnostics);
  const isObject = interpolated.value !== null && typeof interpolated.value === 'object' && !Array.isArray(interpolated.value);
  if (isObject) {
    // Values that failed the schema are left out (their types are not guaranteed); the rest is still checked.
    const reporter = new Reporter(locator, interpolated.interpolated, opts.allowNotImplemented ?? false);
    const spec = resolveRawSpec(interpolated.value as RawSpec, { file: opts.file, baseDir: opts.baseDir, invalid: schema.invalid }, reporter);
    problems.push(...reporter.diagnostics);
    if (problems.length === 0) return spec;
  }
  throw specError(opts.display, problems);
}

function specError(display: string | null, diagnostics: readonly Diagnostic[]): InputError {
  const sorted = [...diagnostics].sort(byPosition);
  const n = sorted.length;
  const what = display ?? 'the spec';
  return new InputError(`${what}: ${n} problem${n === 1 ? '' : 's'}`, sorted);
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  if (!a.position || !b.position) return a.position ? -1 : b.position ? 1 : 0;
  return a.position.line - b.position.line || a.position.column - b.position.column;
}
