// Runs DDL statements on one session, as pg_dump's output runs under psql: search_path = '' (every name in the
// DDL is qualified) and check_function_bodies = off (a function may name a table created later). Consecutive
// transactional statements share one transaction; a non-transactional one runs alone; a `commitAfter`
// statement (enum ADD VALUE) is committed before the next runs. The session's settings are restored at the end.
//
// A transaction goes to the server as few simple-query strings (`BEGIN; s1; s2; …; COMMIT`), not one round trip
// per statement: on 1,000 small tables the round trips, not the server's work, were most of pre- and post-data (the
// target's sessions sat "idle in transaction" between statements). The server runs such a string statement by
// statement (each sees the ones before it) and stops at the first error, leaving the transaction aborted. An error's
// position is then relative to the whole string, and node-postgres drops the results before it, so on ANY error the
// transaction is rolled back and run again one statement per round trip: the error that surfaces names the exact
// statement with its own position, and a transient error (a deadlock, a lock timeout) that does not recur costs only
// the repeat.
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import type { DdlStatement } from './types.js';

export interface ExecuteDdlOptions {
  /** Called before each statement runs (progress, logging). */
  readonly onStatement?: (statement: DdlStatement, index: number, total: number) => void;
  /** Bounds of one round trip; default DDL_BATCH_LIMITS (tests lower them). */
  readonly limits?: DdlBatchLimits;
}

interface ServerFields {
  readonly code?: unknown;
  readonly detail?: unknown;
  readonly hint?: unknown;
  readonly position?: unknown;
  readonly where?: unknown;
}

function field(e: ServerFields, name: keyof ServerFields): string | undefined {
  const v = e[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A statement the server refused. The fields match what src/cli/server-error.ts prints: SQLSTATE in `code`,
 * the statement with a caret at `position`, the object key in `address`. Statements before it in the same
 * transaction were rolled back; `committed` of them are in the database.
 */
export class DdlExecutionError extends PgreplError {
  readonly statement: string;
  readonly address: string;
  readonly ddl: DdlStatement;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;
  readonly where?: string;
  /** How many statements were committed before the failure (the resume point). */
  readonly committed: number;
  constructor(ddl: DdlStatement, cause: unknown, committed: number) {
    const error = asError(cause);
    super(error.message, { cause });
    this.name = 'DdlExecutionError';
    this.ddl = ddl;
    this.statement = ddl.sql;
    this.address = ddl.object;
    this.committed = committed;
    const fields = error as ServerFields;
    const code = field(fields, 'code');
    if (code !== undefined) this.code = code;
    const detail = field(fields, 'detail');
    if (detail !== undefined) this.detail = detail;
    const hint = field(fields, 'hint');
    if (hint !== undefined) this.hint = hint;
    const position = field(fields, 'position');
    if (position !== undefined) this.position = position;
    const where = field(fields, 'where');
    if (where !== undefined) this.where = where;
  }
}

interface SettingRow { readonly search_path: string; readonly check_function_bodies: string }

export interface ExecuteDdlResult {
  readonly executed: number;
}

/** Bounds of one simple-query string: the server parses it whole before running any of it, and logs it whole. */
export interface DdlBatchLimits {
  readonly statements: number;
  readonly bytes: number;
}

export const DDL_BATCH_LIMITS: DdlBatchLimits = { statements: 1_000, bytes: 1_048_576 };

/** Statements [start, end) of a run: one transaction, or one non-transactional statement (run alone). */
export interface DdlRun {
  readonly start: number;
  readonly end: number;
  readonly transactional: boolean;
}

/** Cuts statements into transactions: a non-transactional statement runs alone, a `commitAfter` one ends its transaction. */
export function ddlRuns(statements: readonly DdlStatement[]): DdlRun[] {
  const runs: DdlRun[] = [];
  let start = -1;
  const close = (end: number): void => {
    if (start !== -1) runs.push({ start, end, transactional: true });
    start = -1;
  };
  statements.forEach((statement, i) => {
    if (!statement.transactional) {
      close(i);
      runs.push({ start: i, end: i + 1, transactional: false });
      return;
    }
    if (start === -1) start = i;
    if (statement.commitAfter === true) close(i + 1);
  });
  close(statements.length);
  return runs;
}

/** Cuts one transaction's statements into strings within `limits`; a statement above the byte bound goes alone. */
export function ddlPieces(sqls: readonly string[], limits: DdlBatchLimits = DDL_BATCH_LIMITS): [start: number, end: number][] {
  const pieces: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  sqls.forEach((sql, i) => {
    const size = Buffer.byteLength(sql) + 3;
    if (i > start && (i - start >= limits.statements || bytes + size > limits.bytes)) {
      pieces.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  });
  if (sqls.length > 0) pieces.push([start, sqls.length]);
  return pieces;
}

/**
 * One simple-query string of a transaction. The `;` goes on a line of its own: a statement ending in a `--` comment
 * would otherwise swallow it (a statement ending in `;` only adds an empty statement, which the server skips).
 */
export function ddlBatchText(sqls: readonly string[], begin: boolean, commit: boolean): string {
  return `${begin ? 'BEGIN;\n' : ''}${sqls.map((sql) => `${sql}\n;\n`).join('')}${commit ? 'COMMIT' : ''}`;
}

/** The old path, one statement per round trip; throws the failing statement's DdlExecutionError. */
async function runOneByOne(client: pg.ClientBase, statements: readonly DdlStatement[], transactional: boolean, committed: number): Promise<void> {
  if (transactional) await client.query('BEGIN');
  let open = transactional;
  try {
    for (const statement of statements) {
      try {
        await client.query(statement.sql);
      } catch (e) {
        throw new DdlExecutionError(statement, e, committed);
      }
    }
    if (transactional) {
      open = false;
      try {
        await client.query('COMMIT');
      } catch (e) {
        // A check deferred to COMMIT failed: the whole transaction is gone; blame its last statement.
        throw new DdlExecutionError(statements[statements.length - 1] as DdlStatement, e, committed);
      }
    }
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** One transaction in few round trips; on any error rolled back and run again one statement at a time. */
async function runTransaction(client: pg.ClientBase, statements: readonly DdlStatement[], committed: number, limits: DdlBatchLimits): Promise<void> {
  const sqls = statements.map((s) => s.sql);
  const pieces = ddlPieces(sqls, limits);
  let failed: { readonly error: unknown; readonly first: DdlStatement } | undefined;
  for (const [at, [start, end]] of pieces.entries()) {
    try {
      await client.query(ddlBatchText(sqls.slice(start, end), at === 0, at === pieces.length - 1));
    } catch (e) {
      failed = { error: e, first: statements[start] as DdlStatement };
      break;
    }
  }
  if (failed === undefined) return;
  // No transaction may be open (a syntax error stops the string before its BEGIN runs): ROLLBACK then only warns.
  // When even ROLLBACK fails the session is gone (a cancel cuts the socket): nothing to re-run on.
  const usable = await client.query('ROLLBACK').then(() => true, () => false);
  if (!usable) throw new DdlExecutionError(failed.first, failed.error, committed);
  await runOneByOne(client, statements, true, committed);
}

export async function executeDdl(client: pg.ClientBase, statements: readonly DdlStatement[], opts: ExecuteDdlOptions = {}): Promise<ExecuteDdlResult> {
  const saved = (await client.query<SettingRow>(
    "SELECT current_setting('search_path') AS search_path, current_setting('check_function_bodies') AS check_function_bodies",
  )).rows[0] as SettingRow;
  await client.query("SELECT pg_catalog.set_config('search_path', '', false), pg_catalog.set_config('check_function_bodies', 'off', false)");
  let committed = 0;
  try {
    for (const run of ddlRuns(statements)) {
      const part = statements.slice(run.start, run.end);
      // Called before the run is sent: a cancel (onStatement throws) stops before anything of the run ran.
      part.forEach((statement, i) => opts.onStatement?.(statement, run.start + i, statements.length));
      if (run.transactional) await runTransaction(client, part, committed, opts.limits ?? DDL_BATCH_LIMITS);
      else await runOneByOne(client, part, false, committed);
      committed += part.length;
    }
  } finally {
    await client.query('SELECT pg_catalog.set_config($1, $2, false), pg_catalog.set_config($3, $4, false)', [
      'search_path', saved.search_path, 'check_function_bodies', saved.check_function_bodies,
    ]).catch(() => undefined);
  }
  return { executed: committed };
}
