import type { KeyValue } from './iterator.js';
import type { StateStore } from './state-store.js';

/**
 * The byte-level store under window and session stores: time segments of composite keys
 * (keys/window-key-schema.ts, keys/session-key-schema.ts). The schema decides which timestamp a
 * composite is segmented by (window start, session end). Implemented in memory and in Redis;
 * wrapped by change logging; queried by the typed window/session stores.
 */
export interface SegmentedBytesStore extends StateStore {
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  /** Put (value bytes) or delete (null). Returns false when dropped as expired. */
  write(composite: Buffer, value: Buffer | null): boolean;
  get(composite: Buffer): Buffer | undefined;
  /**
   * Entries with low ≤ composite ≤ high (undefined = open) in the live segments covering
   * [timeFrom, timeTo]: segment by segment ascending (all descending when `reverse`).
   */
  scan(
    low: Buffer | undefined,
    high: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
    reverse: boolean,
  ): Iterator<KeyValue<Buffer, Buffer>>;
  /** Largest segmenting timestamp written so far (−∞ when empty). */
  observedStreamTime(): number;
  segmentId(timestamp: number): number;
  /** Number of stored entries. */
  approximateNumEntries(): number;
  /** Writes dropped because their timestamp had expired. */
  readonly expiredWrites: number;
}

/** Which timestamp of a composite key segments it. */
export type CompositeTimestamp = (composite: Buffer) => number;
