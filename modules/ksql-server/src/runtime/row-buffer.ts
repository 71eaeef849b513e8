/**
 * The rows of a push query between the query (which pushes them as it processes records) and its
 * reader (who pulls them): bounded by backpressure, not by dropping. When `capacity` rows wait,
 * `onFull` is called (the query pauses its input); once the reader has taken the buffer down to
 * half, `onSpace` (it resumes). Rows pushed while paused — the rest of the batch in flight — are
 * kept, so the buffer holds at most capacity plus one fetched batch.
 */
export class RowBuffer<T> implements AsyncIterable<T> {
  private readonly rows: T[] = [];
  private head = 0;
  private paused = false;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onFull: () => void,
    private readonly onSpace: () => void,
    /** Called when the reader stops early (break, return): the query can stop. */
    private readonly onAbandoned: () => void,
  ) {
    if (!(capacity > 0)) throw new RangeError(`row buffer capacity must be positive, got ${capacity}`);
  }

  /** Rows waiting for the reader. */
  get size(): number {
    return this.rows.length - this.head;
  }

  /** Whether the buffer asked the query to stop taking input. */
  get isPaused(): boolean {
    return this.paused;
  }

  push(row: T): void {
    if (this.ended) return;
    this.rows.push(row);
    if (!this.paused && this.size >= this.capacity) {
      this.paused = true;
      this.onFull();
    }
    this.notify();
  }

  /** No more rows: the reader gets what is buffered, then the end (or `error`, thrown to it). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (;;) {
        if (this.size > 0) {
          const row = this.rows[this.head] as T;
          this.rows[this.head] = undefined as T;
          this.head++;
          this.compact();
          if (this.paused && !this.ended && this.size <= this.capacity / 2) {
            this.paused = false;
            this.onSpace();
          }
          yield row;
          continue;
        }
        if (this.ended) {
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      if (!this.ended || this.size > 0) this.onAbandoned();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Drops taken rows from the front once they are half the array (amortised O(1) per row). */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows.splice(0, this.head);
      this.head = 0;
    }
  }
}
