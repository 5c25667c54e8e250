// Errors of the apply engine. A failure names the plan step it happened in and keeps the server's fields (SQLSTATE,
// detail, hint, context, statement, position) as properties, the way src/cli/server-error.ts reads them, and as
// hint lines, which the CLI wrapper prints for every PgreplError today.
import { PgreplError, asError } from '../util/errors.js';

interface ServerFields {
  readonly code?: unknown;
  readonly sqlstate?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
  readonly position?: unknown;
  readonly where?: unknown;
  readonly statement?: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The statement with a caret under the server's 1-based `position`, indented as a hint block. */
export function statementLines(statement: string, position?: number): string[] {
  const out = ['STATEMENT:'];
  let offset = 0;
  for (const line of statement.split('\n')) {
    out.push(`  ${line}`);
    if (position !== undefined && position > offset && position <= offset + line.length + 1) {
      out.push(`  ${' '.repeat(Math.max(0, position - offset - 1))}^`);
    }
    offset += line.length + 1;
  }
  return out;
}

/** A step failed: `address` is the plan step's, `cause` the original error (DdlExecutionError, CopyError, …). */
export class ApplyStepError extends PgreplError {
  readonly address: string;
  readonly step: number;
  /** SQLSTATE, when the server gave one. */
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly where?: string;
  readonly statement?: string;
  readonly position?: string;

  constructor(step: { readonly index: number; readonly address: string }, cause: unknown) {
    const err = asError(cause);
    const f = err as ServerFields;
    const rawCode = text(f.code) ?? text(f.sqlstate);
    const code = rawCode !== undefined && /^[0-9A-Z]{5}$/.test(rawCode) ? rawCode : undefined;
    const detail = text(f.detail);
    const hint = text(f.hint);
    const where = text(f.where);
    const statement = text(f.statement);
    const position = text(f.position);
    // A PgreplError (CopyError) already carries DETAIL/HINT/CONTEXT lines and the SQLSTATE in its message.
    const own = err instanceof PgreplError ? err.hints : [];
    const hints = err instanceof PgreplError && own.length > 0 ? [...own] : [
      ...own,
      ...(detail === undefined ? [] : [`DETAIL: ${detail}`]),
      ...(hint === undefined ? [] : [`HINT: ${hint}`]),
      ...(where === undefined ? [] : [`CONTEXT: ${where}`]),
    ];
    if (statement !== undefined) hints.push(...statementLines(statement, position === undefined ? undefined : Number(position)));
    const state = code !== undefined && !err.message.includes(code) ? ` (SQLSTATE ${code})` : '';
    super(`${step.address}: ${err.message}${state}`, { hints, cause });
    this.name = 'ApplyStepError';
    this.address = step.address;
    this.step = step.index;
    if (code !== undefined) this.code = code;
    if (detail !== undefined) this.detail = detail;
    if (hint !== undefined) this.hint = hint;
    if (where !== undefined) this.where = where;
    if (statement !== undefined) this.statement = statement;
    if (position !== undefined) this.position = position;
  }
}

/** ApplyOptions.signal fired: running statements and COPYs were cut and rolled back; the state holds what finished. */
export class ApplyCancelledError extends PgreplError {
  constructor(during: string, reason?: unknown) {
    super(`apply was cancelled during ${during}; open transactions were rolled back and the state records every finished step`, {
      hints: ['run apply again to continue from there'],
      ...(reason === undefined ? {} : { cause: reason }),
    });
    this.name = 'ApplyCancelledError';
  }
}
