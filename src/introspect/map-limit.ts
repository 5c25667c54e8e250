// Bounded parallelism with results in input order: at most `limit` calls run at once. Every started call is
// awaited before a failure is rethrown, so no session is left open behind the caller's back.
export async function mapLimit<I, R>(items: readonly I[], limit: number, fn: (item: I, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    // After a failure no new item starts; those running finish (or fail) on their own.
    while (!failed && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as I, index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const count = Math.max(1, Math.min(Math.floor(limit), items.length));
  const outcomes = await Promise.allSettled(Array.from({ length: items.length === 0 ? 0 : count }, worker));
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
  return results;
}
