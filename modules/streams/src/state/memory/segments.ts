import type { KeyValue } from '../iterator.js';
import { SortedBytesMap } from './sorted-bytes-map.js';

/** Observer of segment changes (the Redis backend's write-behind buffer). */
export interface SegmentChangeTracker {
  changed(segmentId: number, composite: Buffer, value: Buffer | null): void;
  dropped(segmentId: number): void;
}

/**
 * Kafka Streams' default segment interval for segmented stores: half the retention, at least one
 * minute, so retention drops whole segments while at most ~3 segments are live.
 */
export function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

/**
 * Time-segmented sorted byte maps. Each segment holds composite keys (window or session key
 * schema) whose timestamp falls in [id × interval, (id + 1) × interval). Observed stream time is
 * the largest timestamp put; data with timestamp ≤ streamTime − retention is expired: puts of it
 * are dropped, reads skip it, and segments entirely older than that are removed whole.
 */
export class Segments {
  private readonly segments = new Map<number, SortedBytesMap<Buffer>>();
  /** Live segment ids, ascending. */
  private ids: number[] = [];
  observedStreamTime = Number.NEGATIVE_INFINITY;
  /** Puts dropped because their timestamp had already expired. */
  expiredPuts = 0;
  tracker: SegmentChangeTracker | undefined;

  constructor(
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
  ) {}

  segmentId(timestamp: number): number {
    return Math.floor(timestamp / this.segmentIntervalMs);
  }

  /** Smallest timestamp still readable. */
  minLiveTime(): number {
    return this.observedStreamTime - this.retentionMs + 1;
  }

  /** Put or delete (value null); returns false when the timestamp has expired. */
  write(composite: Buffer, value: Buffer | null, timestamp: number): boolean {
    if (timestamp > this.observedStreamTime) {
      this.observedStreamTime = timestamp;
      this.dropExpiredSegments();
    }
    if (timestamp < this.minLiveTime()) {
      this.expiredPuts++;
      return false;
    }
    const id = this.segmentId(timestamp);
    let segment = this.segments.get(id);
    if (value === null) {
      if (!segment || segment.delete(composite) === undefined) return true;
    } else {
      if (!segment) segment = this.createSegment(id);
      segment.set(composite, value);
    }
    this.tracker?.changed(id, composite, value);
    return true;
  }

  /**
   * Puts an entry read back from a durable copy: no expiry check and no change tracking, so the
   * copy in memory equals the one persisted (expired entries included, as before the restart).
   * Call `dropExpiredSegments()` once loading is done.
   */
  load(composite: Buffer, value: Buffer, timestamp: number): void {
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    const id = this.segmentId(timestamp);
    (this.segments.get(id) ?? this.createSegment(id)).set(composite, value);
  }

  get(composite: Buffer, timestamp: number): Buffer | undefined {
    if (timestamp < this.minLiveTime()) return undefined;
    return this.segments.get(this.segmentId(timestamp))?.get(composite);
  }

  /**
   * Entries with from ≤ composite ≤ to in the segments covering [timeFrom, timeTo], segment by
   * segment (ascending, or all descending when `reverse`). Callers filter by decoded key/time.
   */
  *scan(
    from: Buffer | undefined,
    to: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): Generator<KeyValue<Buffer, Buffer>> {
    const first = this.segmentId(Math.max(timeFrom, this.minLiveTime()));
    const last = this.segmentId(timeTo);
    const ids = this.ids.filter((id) => id >= first && id <= last);
    if (reverse) ids.reverse();
    for (const id of ids) {
      const segment = this.segments.get(id);
      if (!segment) continue;
      for (const entry of segment.iterate(from, to, false, reverse)) {
        if (!entry.removed) yield { key: entry.key, value: entry.value };
      }
    }
  }

  /** Number of entries over all live segments. */
  size(): number {
    let n = 0;
    for (const segment of this.segments.values()) n += segment.size;
    return n;
  }

  segmentIds(): readonly number[] {
    return this.ids;
  }

  clear(): void {
    for (const segment of this.segments.values()) segment.clear();
    this.segments.clear();
    this.ids = [];
  }

  private createSegment(id: number): SortedBytesMap<Buffer> {
    const segment = new SortedBytesMap<Buffer>();
    this.segments.set(id, segment);
    this.ids.push(id);
    if (this.ids.length > 1 && this.ids[this.ids.length - 2]! > id) this.ids.sort((a, b) => a - b);
    return segment;
  }

  dropExpiredSegments(): void {
    // A segment whose newest possible timestamp is below the live range can go as a whole.
    const minLiveSegment = this.segmentId(this.minLiveTime());
    while (this.ids.length > 0 && this.ids[0]! < minLiveSegment) {
      const id = this.ids.shift()!;
      this.segments.get(id)?.clear();
      this.segments.delete(id);
      this.tracker?.dropped(id);
    }
  }
}
