// Bounded parallelism without a dependency: `workers` loops take the next item as each becomes free, so the
// largest items (sorted first by the caller) start first and small ones fill the gaps.

/** Runs `work(worker, item)` for every item; each worker context is created once and given all its items. */
export async function runQueue<I, W>(
  items: readonly I[],
  workers: number,
  open: () => Promise<W>,
  work: (worker: W, item: I) => Promise<void>,
  close: (worker: W) => Promise<void>,
): Promise<void> {
  let next = 0;
  const count = Math.max(1, Math.min(Math.floor(workers), items.length));
  const loop = async (): Promise<void> => {
    const worker = await open();
    try {
      while (next < items.length) {
        const item = items[next] as I;
        next += 1;
        await work(worker, item);
      }
    } finally {
      await close(worker);
    }
  };
  // allSettled, not all: every worker must have closed its connections before the caller sees the outcome.
  const outcomes = await Promise.allSettled(Array.from({ length: items.length === 0 ? 0 : count }, loop));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
