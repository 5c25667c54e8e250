// A failed table copy: names the table and carries the server's error fields whole, so the CLI wrapper can show
// SQLSTATE, message, detail, hint and context (the COPY context line names the failing row).
import { PgreplError, asError } from '../../util/errors.js';

export interface ServerErrorFields {
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly where?: string;
}

function field(e: Error, key: string): string | undefined {
  const v = (e as unknown as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export class CopyError extends PgreplError {
  /** `schema.table` (the table's address inside its database). */
  readonly address: string;
  readonly side: 'source' | 'target' | 'local';
  readonly sqlstate: string | undefined;
  readonly detail: string | undefined;
  readonly where: string | undefined;

  constructor(address: string, side: 'source' | 'target' | 'local', cause: unknown, extraHints: readonly string[] = []) {
    const err = asError(cause);
    const sqlstate = field(err, 'code');
    const detail = field(err, 'detail');
    const hint = field(err, 'hint');
    const where = field(err, 'where');
    const state = sqlstate !== undefined && /^[0-9A-Z]{5}$/.test(sqlstate) ? sqlstate : undefined;
    const hints = [
      ...(detail === undefined ? [] : [`DETAIL: ${detail}`]),
      ...(hint === undefined ? [] : [`HINT: ${hint}`]),
      ...(where === undefined ? [] : [`CONTEXT: ${where}`]),
      ...extraHints,
    ];
    super(`copying ${address} failed on the ${side}: ${err.message}${state === undefined ? '' : ` (SQLSTATE ${state})`}`, { hints, cause: err });
    this.name = 'CopyError';
    this.address = address;
    this.side = side;
    this.sqlstate = state;
    this.detail = detail;
    this.where = where;
  }
}

/** The copy was cancelled through its AbortSignal. */
export class CopyCancelledError extends PgreplError {
  constructor(reason?: unknown) {
    super('the data copy was cancelled; the target transactions were rolled back', reason === undefined ? {} : { cause: reason });
    this.name = 'CopyCancelledError';
  }
}

/**
 * The target stored another number of rows than the source sent (the two COPY command tags): a target trigger
 * enabled ALWAYS that returns NULL fires even under session_replication_role = replica and drops rows silently.
 */
export function rowCountMismatch(address: string, sent: number | null | undefined, stored: number | null | undefined): CopyError {
  return new CopyError(address, 'local', new Error(`the source sent ${String(sent)} rows (COPY ${String(sent)}) and the target stored ${String(stored)} (COPY ${String(stored)})`), [
    'a trigger on the target table enabled ALWAYS (ALTER TABLE … ENABLE ALWAYS TRIGGER) fires during the load and may skip rows; disable it or make it ENABLE (ORIGIN) for the copy',
  ]);
}
