// The engine of `plan --check-ddl`: run planned DDL on the target inside one transaction that is always rolled
// back, with the executor's settings (search_path = '', check_function_bodies = off, set LOCAL so the rollback
// takes them back too), and report what the server refused as the executor would (DdlExecutionError).
//
// Two kinds of statement cannot be checked this way and are reported as skipped, never silently passed:
// - non-transactional ones (CREATE DATABASE, … refuse to run in a transaction block);
// - whatever follows an enum `ADD VALUE` (`commitAfter`): the server refuses to use a value added in the same
//   transaction ("unsafe use of new value"), also behind a SAVEPOINT, so from there on only further ADD VALUEs
//   run (they name uncommitted values only in BEFORE/AFTER, which the server allows); the rest is skipped.
import type pg from 'pg';
import { DdlExecutionError } from './execute.js';
import type { DdlStatement } from './types.js';

/** How long one statement may wait for a lock on a live target before the check fails (SQLSTATE 55P03). */
export const CHECK_DDL_LOCK_TIMEOUT_MS = 5_000;

export interface CheckDdlOptions {
  /** Default CHECK_DDL_LOCK_TIMEOUT_MS: the check takes the same locks as the real run, held until the rollback. */
  readonly lockTimeoutMs?: number;
}

export interface SkippedDdl {
  readonly statement: DdlStatement;
  readonly reason: string;
}

export interface CheckDdlResult {
  /** Statements the target ran (and then rolled back). */
  readonly checked: number;
  readonly skipped: readonly SkippedDdl[];
}

const NON_TRANSACTIONAL = 'cannot run inside a transaction block, so it is not checked';

function afterAddValue(addValue: DdlStatement): string {
  return `follows ${addValue.sql}: a value added to an enum cannot be used before it commits, and the check never commits; not checked`;
}

/**
 * Run `statements` on the target inside BEGIN … ROLLBACK. Stops at the first statement the server refuses and
 * throws a DdlExecutionError (statement, object key, SQLSTATE, position; `committed` is always 0). Whatever
 * happens, the transaction is rolled back and the session's settings are as before. The session must not be in a
 * transaction already (its ROLLBACK would end the caller's).
 */
export async function checkDdlInRollback(
  client: pg.ClientBase, statements: readonly DdlStatement[], opts: CheckDdlOptions = {},
): Promise<CheckDdlResult> {
  const skipped: SkippedDdl[] = [];
  let checked = 0;
  let addValue: DdlStatement | undefined;
  let failed = false;
  await client.query('BEGIN');
  try {
    await client.query(
      "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('check_function_bodies', 'off', true), pg_catalog.set_config('lock_timeout', $1, true)",
      [`${String(opts.lockTimeoutMs ?? CHECK_DDL_LOCK_TIMEOUT_MS)}ms`],
    );
    for (const statement of statements) {
      if (!statement.transactional) {
        skipped.push({ statement, reason: NON_TRANSACTIONAL });
        continue;
      }
      if (addValue !== undefined && statement.commitAfter !== true) {
        skipped.push({ statement, reason: afterAddValue(addValue) });
        continue;
      }
      try {
        await client.query(statement.sql);
      } catch (e) {
        failed = true;
        throw new DdlExecutionError(statement, e, 0);
      }
      checked++;
      if (statement.commitAfter === true) addValue ??= statement;
    }
  } finally {
    // Also after a refused statement: the aborted transaction ends here, and with it the LOCAL settings. A
    // failing ROLLBACK (connection gone, so is the transaction) must not hide the statement's own error.
    await client.query('ROLLBACK').catch((e: unknown) => {
      if (!failed) throw e;
    });
  }
  return { checked, skipped };
}
