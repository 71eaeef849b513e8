/**
 * When a partition's open segment is written out as objects.
 *
 * `maxRecords` and `maxBytes` are functions of the record sequence alone (counted from the
 * segment's first offset), so after a crash the same segments recur from the committed offset.
 * `maxAgeMs` depends on wall time; segments it closes are pinned by a segment marker written
 * before any of their objects (see segment-marker.ts), which is what keeps re-runs deterministic.
 */
export interface RollPolicy {
  /** Records (good and dead-lettered) per segment. */
  maxRecords: number;
  /** Input bytes (key + value) per segment: a bound on memory and object size. */
  maxBytes: number;
  /** Longest time a segment stays open, so a quiet partition still reaches the lake. */
  maxAgeMs: number;
}

export const DEFAULT_ROLL_POLICY: RollPolicy = {
  maxRecords: 200_000,
  maxBytes: 32 * 1024 * 1024,
  maxAgeMs: 60_000,
};
