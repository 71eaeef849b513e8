import type { KeyValue } from '../iterator.js';
import type { CompositeTimestamp, SegmentedBytesStore } from '../segmented.js';
import type { StoreLifecycle } from '../state-store.js';
import { BaseBytesStore } from './base-store.js';
import { Segments } from './segments.js';

/** In-memory SegmentedBytesStore: the window and session stores' innermost layer. */
export class InMemorySegmentedBytesStore extends BaseBytesStore implements SegmentedBytesStore {
  protected readonly segments: Segments;

  constructor(
    name: string,
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
    protected readonly timestampOf: CompositeTimestamp,
  ) {
    super(name);
    this.segments = new Segments(retentionMs, segmentIntervalMs);
  }

  get expiredWrites(): number {
    return this.segments.expiredPuts;
  }

  protected lifecycle(): StoreLifecycle {
    return {
      restore: (records) => {
        for (const r of records) this.segments.write(r.key, r.value, this.timestampOf(r.key));
      },
    };
  }

  write(composite: Buffer, value: Buffer | null): boolean {
    this.assertOpen();
    return this.segments.write(composite, value, this.timestampOf(composite));
  }

  get(composite: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.segments.get(composite, this.timestampOf(composite));
  }

  scan(
    low: Buffer | undefined,
    high: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): Iterator<KeyValue<Buffer, Buffer>> {
    this.assertOpen();
    return this.segments.scan(low, high, timeFrom, timeTo, reverse);
  }

  observedStreamTime(): number {
    return this.segments.observedStreamTime;
  }

  segmentId(timestamp: number): number {
    return this.segments.segmentId(timestamp);
  }

  approximateNumEntries(): number {
    return this.segments.size();
  }

  /** Live segment ids, ascending (tests and metrics). */
  segmentIds(): readonly number[] {
    return this.segments.segmentIds();
  }
}
