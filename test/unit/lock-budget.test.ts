// The lock budget: chunks of a list whose locks stay within a few connections' share of the server's lock table.
import { describe, expect, it, vi } from 'vitest';
import { chunkByLocks, chunksForServer, LOCK_BUDGET_CONNECTIONS, lockBudget, MAX_CHUNK_ITEMS, MIN_MAX_LOCKS, releaseLocksSql } from '../../src/pg/lock-budget.js';

describe('lockBudget', () => {
  it('is a few connections worth of max_locks_per_transaction; a setting it cannot read counts as the default', () => {
    expect(lockBudget(64)).toBe(LOCK_BUDGET_CONNECTIONS * 64);
    expect(lockBudget(10)).toBe(LOCK_BUDGET_CONNECTIONS * 10);
    expect(lockBudget(Number.NaN)).toBe(lockBudget(64));
    expect(lockBudget(0)).toBe(lockBudget(64));
  });
});

describe('chunkByLocks', () => {
  it('keeps the order and fills each chunk up to the budget', () => {
    expect(chunkByLocks([1, 2, 3, 4, 5, 6, 7], () => 1, 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(chunkByLocks(['a', 'b', 'c'], (s) => (s === 'b' ? 2 : 1), 3)).toEqual([['a', 'b'], ['c']]);
  });

  it('puts an item heavier than the budget alone, and counts a weight below one as one', () => {
    expect(chunkByLocks([1, 9, 1], (n) => n, 4)).toEqual([[1], [9], [1]]);
    expect(chunkByLocks([0, 0, 0], (n) => n, 2)).toEqual([[0, 0], [0]]);
    expect(chunkByLocks([], () => 1, 5)).toEqual([]);
  });

  it('holds at most MAX_CHUNK_ITEMS items whatever the budget (a statement of bounded size)', () => {
    const items = Array.from({ length: 2 * MAX_CHUNK_ITEMS + 5 }, (_, i) => i);
    expect(chunkByLocks(items, () => 1, lockBudget(100_000)).map((c) => c.length)).toEqual([MAX_CHUNK_ITEMS, MAX_CHUNK_ITEMS, 5]);
  });
});

describe('chunksForServer', () => {
  it('asks the server only for a list longer than the lowest possible budget', async () => {
    const ask = vi.fn(async () => 64);
    const few = Array.from({ length: lockBudget(MIN_MAX_LOCKS) }, (_, i) => i);
    expect(await chunksForServer(few, ask)).toEqual([few]);
    expect(ask).not.toHaveBeenCalled();
    const many = Array.from({ length: 600 }, (_, i) => i);
    const chunks = await chunksForServer(many, ask);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(chunks.map((c) => c.length)).toEqual([256, 256, 88]);
    expect(chunks.flat()).toEqual(many);
  });
});

describe('releaseLocksSql', () => {
  it('a savepoint, a rollback to it after each chunk, and its release', () => {
    expect([releaseLocksSql.begin('x'), releaseLocksSql.release('x'), releaseLocksSql.end('x')]).toEqual(['SAVEPOINT x', 'ROLLBACK TO SAVEPOINT x', 'RELEASE SAVEPOINT x']);
  });
});
