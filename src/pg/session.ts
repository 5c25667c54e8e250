// Session helpers around connect(): a client that is always ended, and the two ways a source session may write.
// Source sessions start with default_transaction_read_only=on, so every statement that is not inside one of
// these runs READ ONLY (CONTRACTS.md, Sessions).
import type pg from 'pg';
import { PgreplError } from '../util/errors.js';
import { connect, type ConnectOptions } from './connect.js';
import type { ConnInfo } from './conninfo/types.js';

export { connect, type ConnectOptions, type Side } from './connect.js';

/** Runs `fn` with a fresh session and ends it afterwards, also when `fn` throws. */
export async function withClient<T>(ci: ConnInfo, opts: ConnectOptions, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(ci, opts);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `fn` in a READ WRITE transaction that commits: for the few source statements that must write
 * (CREATE/ALTER PUBLICATION, COMMENT ON PUBLICATION, dropping a slot pgrepl owns). Rolls back if `fn` throws, and
 * fails if the transaction was aborted behind `fn`'s back (COMMIT of an aborted transaction silently rolls back).
 */
export async function withSourceWrite<T>(client: pg.Client, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  assertIdle(client);
  await client.query('BEGIN READ WRITE');
  let result: T;
  try {
    result = await fn(client);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  const commit = await client.query('COMMIT');
  if (commit.command === 'ROLLBACK') {
    throw new PgreplError('the write transaction failed and was rolled back (an error inside it was caught and ignored)');
  }
  return result;
}

/**
 * Runs `fn` inside `BEGIN READ WRITE … ROLLBACK` and always rolls back, so a probe (a CREATE PUBLICATION with a
 * row filter, a CREATE SUBSCRIPTION that only connects) leaves nothing behind, on the source as on the target.
 */
export async function probeInRollback<T>(client: pg.Client, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  assertIdle(client);
  await client.query('BEGIN READ WRITE');
  let result: T;
  try {
    result = await fn(client);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined); // keep fn's error, not a follow-up one
    throw e;
  }
  await client.query('ROLLBACK');
  return result;
}

/** A nested BEGIN is only a warning in PostgreSQL, and the ROLLBACK would then undo the caller's transaction. */
function assertIdle(client: pg.Client): void {
  const status = client.getTransactionStatus();
  if (status !== 'I' && status !== null) {
    throw new PgreplError(`internal error: a write or probe transaction was opened inside another transaction (status ${status})`);
  }
}
