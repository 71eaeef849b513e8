import type { KeyValue } from '../iterator.js';
import type { SegmentedBytesStore } from '../segmented.js';
import type { StateStore, StateStoreContext } from '../state-store.js';
import { WrappedStore } from '../wrapped-store.js';

/**
 * Change logging for window and session stores: the changelog key is the composite
 * (`[key][start][seq]` / `[key][end][start]`), so restore needs no other information. Writes the
 * store drops as expired are not logged (they would be dropped again on restore).
 */
export class ChangeLoggingSegmentedBytesStore
  extends WrappedStore<SegmentedBytesStore>
  implements SegmentedBytesStore
{
  private context: StateStoreContext | undefined;

  get retentionMs(): number {
    return this.inner.retentionMs;
  }
  get segmentIntervalMs(): number {
    return this.inner.segmentIntervalMs;
  }
  get expiredWrites(): number {
    return this.inner.expiredWrites;
  }

  override init(context: StateStoreContext, root: StateStore): void {
    this.context = context;
    super.init(context, root);
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
