import type { KeyValue } from '../iterator.js';
import type { SegmentedBytesStore } from '../segmented.js';
import type { StateStore, StateStoreContext } from '../store.js';

/**
 * Change logging for window and session stores: the changelog key is the composite
 * (`[key][start][seq]` / `[key][end][start]`), so restore needs no other information. Writes the
 * store drops as expired are not logged (they would be dropped again on restore).
 */
export class ChangeLoggingSegmentedBytesStore implements SegmentedBytesStore {
  private context: StateStoreContext | undefined;

  constructor(private readonly inner: SegmentedBytesStore) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }
  get segmentIntervalMs(): number {
    return this.inner.segmentIntervalMs;
  }
  get expiredWrites(): number {
    return this.inner.expiredWrites;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    this.inner.init(context, root);
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  write(composite: Buffer, value: Buffer | null): boolean {
    const accepted = this.inner.write(composite, value);
    const context = this.context;
    if (accepted) context?.logChange?.(this.inner.name, composite, value, context.recordContext().timestamp);
    return accepted;
  }

  get(composite: Buffer): Buffer | undefined {
    return this.inner.get(composite);
  }

  scan(
    low: Buffer | undefined,
    high: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): Iterator<KeyValue<Buffer, Buffer>> {
    return this.inner.scan(low, high, timeFrom, timeTo, reverse);
  }

  observedStreamTime(): number {
    return this.inner.observedStreamTime();
  }

  segmentId(timestamp: number): number {
    return this.inner.segmentId(timestamp);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }
}
