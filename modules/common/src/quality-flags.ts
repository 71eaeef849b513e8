/**
 * The bits of a clean reading's `quality` bitmask the aggregates act on. The quality stage owns the
 * full table (modules/quality/src/quality-bits.ts, README); these values are the same bits, kept
 * here because the aggregate function (both layers) lives in common and may not import the stage.
 * A test in modules/quality holds the two to the same values.
 */

/** ZERO_RUN (16) | CONSTANT_RUN (32): the meter is flagged faulty; excluded from the peak (max). */
export const FLAGGED_QUALITY_MASK = (1 << 4) | (1 << 5);

/** LONG_GAP (256): the first reading after a gap too long to fill; its window is incomplete. */
export const LONG_GAP_QUALITY_BIT = 1 << 8;

/** The quality fields a clean reading carries beside its value (absent on raw `metrics`). */
export interface ReadingQuality {
  /** The quality stage's bitmask; absent: 0. */
  quality?: number;
  /** Interpolated into a short gap; absent: false. */
  estimated?: boolean;
  /**
   * On a LONG_GAP reading: the time of the series' last reading before the gap (epoch ms), so the
   * aggregates can mark every window the gap touches, not only the one it ended in. Absent otherwise.
   */
  gapFrom?: number;
}

export function isFlaggedQuality(quality: number | undefined): boolean {
  return quality !== undefined && (quality & FLAGGED_QUALITY_MASK) !== 0;
}

export function isLongGapQuality(quality: number | undefined): boolean {
  return quality !== undefined && (quality & LONG_GAP_QUALITY_BIT) !== 0;
}
