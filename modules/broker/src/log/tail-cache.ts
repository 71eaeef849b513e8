import { batchRecordCount } from './record-batch.js';
import type { ReadResult } from './segment-reads.js';

/** Bytes held by the tail caches of all partitions together (shared object). */
export interface CacheBudget {
  used: number;
  max: number;
}

/**
 * The most recent batches of one partition, in memory, so that consumers that keep up are served
 * without touching files. Bounded by the partition's own cap and by a budget all partitions share.
 */
export class TailCache {
  private readonly batches: Buffer[] = [];
  /** Base offset of each batch. */
  private readonly bases: number[] = [];
  private bytes = 0;

  constructor(private readonly budget: CacheBudget) {}

  /**
   * Adds the batch stored at `base`, then evicts the oldest batches past `capBytes`, or while all
   * caches together are over the shared budget (the appending partition pays, so the budget holds
   * overall). The newest batch always stays.
   */
  add(base: number, batch: Buffer, capBytes: number): void {
    this.batches.push(batch);
    this.bases.push(base);
    this.bytes += batch.length;
    this.budget.used += batch.length;
    while (this.batches.length > 1 && (this.bytes > capBytes || this.budget.used > this.budget.max)) {
      this.dropOldest();
    }
  }

  /** Forgets batches below an offset (after deletion or compaction rewrote them). */
  dropBelow(offset: number): void {
    while (this.batches.length > 0 && this.bases[0] < offset) this.dropOldest();
  }

  /** Whether a read from `offset` is served from the cache alone. */
  covers(offset: number): boolean {
    return this.batches.length > 0 && offset >= this.bases[0];
  }

  /**
   * Appends to `out` the cached batches from the one holding `offset` up to (excluding)
   * `upperBound`, about maxBytes in total but always including one batch with records.
   */
  read(offset: number, maxBytes: number, upperBound: number, out: ReadResult): void {
    let hasRecords = false;
    for (let i = Math.max(0, lastAtOrBelow(this.bases, offset)); i < this.batches.length; i++) {
      if (this.bases[i] >= upperBound) break;
      const b = this.batches[i];
      if (hasRecords && out.bytes + b.length > maxBytes) break;
      out.batches.push(b);
      out.bytes += b.length;
      if (batchRecordCount(b) > 0) hasRecords = true;
    }
  }

  private dropOldest(): void {
    const gone = this.batches.shift()!.length;
    this.bases.shift();
    this.bytes -= gone;
    this.budget.used -= gone;
  }
}

/** Index of the last element <= x (-1 if none). */
function lastAtOrBelow(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
