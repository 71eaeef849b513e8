/**
 * The `quality` bitmask of a reading on `metrics-clean` (the README's table is the reference).
 * A clean reading with quality 0 passed every check unremarked.
 */
export const QualityBit = {
  /** Deviates more than k·σ from the series' rolling mean. */
  SPIKE: 1 << 0,
  /** Below the configured ratio of the series' hour-of-day (UTC) profile mean. */
  LOW_CONSUMPTION: 1 << 1,
  /** A VOLTAGE reading outside the configured range (default [210, 250] V). */
  VOLTAGE_OUT_OF_RANGE: 1 << 2,
  /** The first reading after missing ones (a data dropout), whether the gap was filled or not. */
  DROPOUT: 1 << 3,
  /** The meter is flagged: zero readings for longer than the zero-run threshold. */
  ZERO_RUN: 1 << 4,
  /** The meter is flagged: the same non-zero value for longer than the constant-run threshold. */
  CONSTANT_RUN: 1 << 5,
  /** The value was converted to the canonical unit (W → kW, Wh → kWh). */
  UNIT_CONVERTED: 1 << 6,
  /** Arrived after a later reading of its series (within retention): not used to update series state. */
  OUT_OF_ORDER: 1 << 7,
  /** The first reading after a gap too long to fill (a `long-gap` alert): its aggregate windows are incomplete. */
  LONG_GAP: 1 << 8,
} as const;

export type QualityBitName = keyof typeof QualityBit;

/** The names of the bits set in `quality`, lowest first (for logs and tests). */
export function qualityBitNames(quality: number): QualityBitName[] {
  return (Object.keys(QualityBit) as QualityBitName[]).filter((name) => (quality & QualityBit[name]) !== 0);
}
