/**
 * Running estimate of a store's serialized value size, so the cache can charge typed (not yet
 * serialized) values to its byte budget without serializing them on every put.
 */
export class ValueSizeEstimate {
  private total = 0;
  private count = 0;

  constructor(private readonly initial = 64) {}

  observe(bytes: number): void {
    // Keep a moving window: halve the history now and then so the estimate follows drifts.
    if (this.count >= 1024) {
      this.total /= 2;
      this.count /= 2;
    }
    this.total += bytes;
    this.count++;
  }

  get bytes(): number {
    return this.count === 0 ? this.initial : Math.ceil(this.total / this.count);
  }
}
