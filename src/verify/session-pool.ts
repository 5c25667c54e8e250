// A fixed set of session pairs (one source and one target session each, `--jobs` of them) that chunk checks take
// turns on: work is parallel across tables and chunks while the number of sessions stays bounded.
export class SessionPool<T> {
  private readonly idle: T[];
  private readonly waiting: ((item: T) => void)[] = [];

  constructor(readonly items: readonly T[]) {
    if (items.length === 0) throw new Error('a session pool needs at least one session');
    this.idle = [...items];
  }

  async use<R>(fn: (item: T) => Promise<R>): Promise<R> {
    const item = this.idle.pop() ?? (await new Promise<T>((resolve) => this.waiting.push(resolve)));
    try {
      return await fn(item);
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next(item);
      else this.idle.push(item);
    }
  }
}
