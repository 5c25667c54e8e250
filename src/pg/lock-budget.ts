// How many relations one transaction of pgrepl may lock at a time. PostgreSQL keeps every lock on a relation until
// its transaction ends, in ONE shared table sized about max_locks_per_transaction × (max_connections +
// max_prepared_transactions): 6,400 relations with the defaults, for all sessions together. A read that names every
// table of a 5,000-table database in one statement (each table and its indexes) ran out of it ("out of shared
// memory", 53200), which is also pg_dump's classic failure on such databases. Reads that touch many tables go in
// chunks of at most this many relations instead, each chunk's locks let go before the next (see
// releaseLocksSql): a few connections' worth of the table, so pgrepl leaves room to everyone else.
// Pure but for readMaxLocks.

/** Per chunk, this many times the server's max_locks_per_transaction (its average per connection). */
export const LOCK_BUDGET_CONNECTIONS = 4;

/** The server's max_locks_per_transaction as `max_locks` (an integer setting, 10 at least), for a select list. */
export const MAX_LOCKS_COLUMN = "pg_catalog.current_setting('max_locks_per_transaction')::integer AS max_locks";
export const MAX_LOCKS_SQL = `SELECT ${MAX_LOCKS_COLUMN}`;

/** The server's max_locks_per_transaction, asked on the session given. */
export async function readMaxLocks(client: { query<R extends Record<string, unknown>>(sql: string): Promise<{ rows: R[] }> }): Promise<number> {
  return (await client.query<{ max_locks: number }>(MAX_LOCKS_SQL)).rows[0]?.max_locks ?? 64;
}

/** PostgreSQL's lowest max_locks_per_transaction: a list this budget holds fits any server without asking it. */
export const MIN_MAX_LOCKS = 10;

export function lockBudget(maxLocksPerTransaction: number): number {
  const perConnection = Number.isFinite(maxLocksPerTransaction) && maxLocksPerTransaction > 0 ? maxLocksPerTransaction : 64;
  return LOCK_BUDGET_CONNECTIONS * perConnection;
}

/**
 * Items a chunk holds at most, whatever the budget: a server configured with a large max_locks_per_transaction
 * must not get one statement of unbounded size. A UNION ALL of 8,000 sequence reads exceeded PostgreSQL's
 * max_stack_depth (2 MB: `stack depth limit exceeded`, 54001); 4,000 did not.
 */
export const MAX_CHUNK_ITEMS = 1_000;

/**
 * The items in order, cut into chunks whose locks add up to at most `budget` (and at most MAX_CHUNK_ITEMS items);
 * an item heavier than the budget goes alone (it cannot be split, and the server may still have room for it).
 */
export function chunkByLocks<T>(items: readonly T[], locks: (item: T) => number, budget: number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let used = 0;
  for (const item of items) {
    const weight = Math.max(1, locks(item));
    if (chunk.length > 0 && (used + weight > budget || chunk.length >= MAX_CHUNK_ITEMS)) {
      chunks.push(chunk);
      chunk = [];
      used = 0;
    }
    chunk.push(item);
    used += weight;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Chunks of one-lock items (sequences) for a session: asks the server for its setting only when the list may need it. */
export async function chunksForServer<T>(items: readonly T[], maxLocks: () => Promise<number>): Promise<T[][]> {
  const budget = items.length <= lockBudget(MIN_MAX_LOCKS) ? items.length : lockBudget(await maxLocks());
  return chunkByLocks(items, () => 1, Math.max(1, budget));
}

/**
 * Around each chunk inside a transaction: locks taken after a savepoint are let go when the transaction rolls back to
 * it (PostgreSQL docs, "Explicit Locking"), and a REPEATABLE READ transaction keeps its snapshot. The chunk's rows
 * are read before the rollback, which undoes nothing else (the reads write nothing).
 */
export const releaseLocksSql = {
  begin: (name: string): string => `SAVEPOINT ${name}`,
  /** After each chunk: its locks go; the savepoint stays for the next chunk. */
  release: (name: string): string => `ROLLBACK TO SAVEPOINT ${name}`,
  end: (name: string): string => `RELEASE SAVEPOINT ${name}`,
} as const;
