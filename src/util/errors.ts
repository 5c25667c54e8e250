// Errors that pgrepl reports to the user. The CLI wrapper (src/cli/run.ts) is the only place that prints them
// and picks the exit code (CONTRACTS.md: 1 = pgrepl could not do the job).

/** A position in a user-supplied file, 1-based like editors show it. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem found in user input, with where it is when we know. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Dotted path inside the spec, e.g. `databases.shop.table_filters[1].where`. */
  readonly path?: string;
  readonly position?: SourcePosition;
  /** Extra lines: hints, "did you mean", the SQL that fixes it. */
  readonly hints?: readonly string[];
}

/** Base class: a failure with a message written for the user (exit code 1). */
export class PgreplError extends Error {
  readonly exitCode: number = 1;
  readonly hints: readonly string[];
  constructor(message: string, options: { hints?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PgreplError';
    this.hints = options.hints ?? [];
  }
}

/** Invalid input that was fully checked: every problem is listed at once. */
export class InputError extends PgreplError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(summary: string, diagnostics: readonly Diagnostic[]) {
    super(summary);
    this.name = 'InputError';
    this.diagnostics = diagnostics;
  }
}

/** Formats `file:line:column: path: message` the way compilers do, so editors can jump to it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.position ? `${d.position.file}:${d.position.line}:${d.position.column}: ` : '';
  const path = d.path ? `${d.path}: ` : '';
  const head = `${where}${path}${d.message}`;
  return d.hints && d.hints.length > 0 ? [head, ...d.hints.map((h) => `  ${h}`)].join('\n') : head;
}

/** Narrows an unknown thrown value to an Error without `any`. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
