import { setTimeout as sleep } from 'node:timers/promises';

export interface TokenBucketOptions {
  /** Tokens (messages) per second; must be > 0. */
  rate: number;
  /**
   * Most tokens that may accumulate, i.e. the largest burst after a pause. Default one second of
   * tokens, which also lets the bucket catch up when a timer fires late on a busy machine.
   */
  capacity?: number;
  /** Injected for tests of the arithmetic; real time by default. */
  now?: () => number;
}

/**
 * A token bucket holding fractional tokens, refilled continuously from the clock. It starts empty so
 * the first second is not a burst. `take(n)` resolves once n tokens were available and removed; n
 * may exceed the capacity (the caller then waits for the deficit to refill).
 */
export class TokenBucket {
  readonly rate: number;
  readonly capacity: number;
  private tokens = 0;
  private last: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate))
      throw new RangeError(`rate must be a positive number, got ${options.rate}`);
    this.rate = options.rate;
    this.capacity = options.capacity ?? Math.max(1, options.rate);
    this.now = options.now ?? (() => performance.now());
    this.last = this.now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }

  /** Takes n tokens now if available (returns true), otherwise takes nothing. */
  tryTake(n: number): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds until n tokens will be available (0 if they are now). */
  waitTime(n: number): number {
    this.refill();
    return this.tokens >= n ? 0 : ((n - this.tokens) * 1000) / this.rate;
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    this.refill();
    // Going into debt (negative tokens) lets a request larger than the capacity through at the
    // right pace: the next caller waits for the debt to be repaid.
    if (n > this.capacity) {
      this.tokens -= n;
      if (this.tokens < 0) await sleep((-this.tokens * 1000) / this.rate, undefined, { signal });
      return;
    }
    for (;;) {
      const wait = this.waitTime(n);
      if (wait === 0) {
        this.tokens -= n;
        return;
      }
      await sleep(Math.max(1, wait), undefined, { signal });
    }
  }
}
