// Runs DDL statements on one session, as pg_dump's output runs under psql: search_path = '' (every name in the
// DDL is qualified) and check_function_bodies = off (a function may name a table created later). Consecutive
// transactional statements share one transaction; a non-transactional one runs alone; a `commitAfter`
// statement (enum ADD VALUE) is committed before the next runs. The session's settings are restored at the end.
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import type { DdlStatement } from './types.js';

export interface ExecuteDdlOptions {
  /** Called before each statement runs (progress, logging). */
  readonly onStatement?: (statement: DdlStatement, index: number, total: number) => void;
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

export async function executeDdl(client: pg.ClientBase, statements: readonly DdlStatement[], opts: ExecuteDdlOptions = {}): Promise<ExecuteDdlResult> {
  const saved = (await client.query<SettingRow>(
    "SELECT current_setting('search_path') AS search_path, current_setting('check_function_bodies') AS check_function_bodies",
  )).rows[0] as SettingRow;
  await client.query("SELECT pg_catalog.set_config('search_path', '', false), pg_catalog.set_config('check_function_bodies', 'off', false)");
  let inTransaction = false;
  let committed = 0;
  let pending = 0;
  let last: DdlStatement | undefined;
  const commit = async (): Promise<void> => {
    if (inTransaction) {
      inTransaction = false;
      try {
        await client.query('COMMIT');
      } catch (e) {
        // A check deferred to COMMIT failed: the whole open transaction is gone; blame its last statement.
        pending = 0;
        throw new DdlExecutionError(last as DdlStatement, e, committed);
      }
    }
    committed += pending;
    pending = 0;
  };
  try {
    for (const [index, statement] of statements.entries()) {
      opts.onStatement?.(statement, index, statements.length);
      if (!statement.transactional) await commit();
      else if (!inTransaction) {
        await client.query('BEGIN');
        inTransaction = true;
      }
      last = statement;
      try {
        await client.query(statement.sql);
      } catch (e) {
        if (inTransaction) {
          inTransaction = false;
          pending = 0;
          await client.query('ROLLBACK').catch(() => undefined);
        }
        throw new DdlExecutionError(statement, e, committed);
      }
      pending++;
      if (!statement.transactional || statement.commitAfter === true) await commit();
    }
    await commit();
  } finally {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    await client.query('SELECT pg_catalog.set_config($1, $2, false), pg_catalog.set_config($3, $4, false)', [
      'search_path', saved.search_path, 'check_function_bodies', saved.check_function_bodies,
    ]).catch(() => undefined);
  }
  return { executed: committed };
}
