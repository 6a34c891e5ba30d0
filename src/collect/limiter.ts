/** AWS requests in flight at once per Region when the command line or the Lambda names none. */
export const DEFAULT_CONCURRENCY = 16;

/** A counting semaphore that caps how many AWS requests are in flight at once. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`the concurrency limit must be a whole number of 1 or more, not ${max}`);
    }
  }

  /** Runs the task once a slot is free; tasks that wait start in the order they arrived. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // Hands the slot straight to the next waiter, so the count of active tasks stays the same.
    if (next) next();
    else this.active -= 1;
  }
}
