import type { MetricAttribute, MetricType } from '@meterstream/common';

/**
 * The rules of one series (one metric type and attribute), after merging the file's `defaults`,
 * its `series.<TYPE>` and its `series.<TYPE>.<ATTRIBUTE>` sections. Durations in seconds; null
 * disables a rule (or, for expectedIntervalSec, means "learn it").
 */
export interface SeriesRules {
  /** The canonical unit of the attribute; null accepts any known unit (converted by `units`). */
  unit: string | null;
  /** Values below 0 are quarantined (`negative`). */
  nonNegative: boolean;
  /** Inclusive bounds of a plausible value (`out-of-bounds`); null: unbounded on that side. */
  min: number | null;
  max: number | null;
  /** Expected time between readings; null: learned as the smallest interval seen (after 3). */
  expectedIntervalSec: number | null;
  /** Gaps of up to this many missing readings are filled by linear interpolation (estimated). */
  maxFillReadings: number;
  /** Zero readings for at least this long flag the meter (`zero-run`); null: off. */
  zeroRunSec: number | null;
  /** The same non-zero value for at least this long flags the meter (`constant-run`); null: off. */
  constantRunSec: number | null;
  /** Spike: |value − rolling mean| > spikeK · rolling σ, and from the hour-of-day profile alike; null: off. */
  spikeK: number | null;
  /** Readings the exponentially weighted mean/σ spans (α = 2 / (n + 1)). */
  spikeWindow: number;
  /** Readings seen before spikes are judged. */
  spikeMinSamples: number;
  /** Low consumption: value < ratio · the hour-of-day profile mean; null: off. */
  lowConsumptionRatio: number | null;
  /** Readings an hour-of-day slot must have seen before it is judged against. */
  lowConsumptionMinSamples: number;
  /** VOLTAGE_OUT_OF_RANGE when the value lies outside [low, high]; null: off. */
  voltageRange: readonly [number, number] | null;
}

export interface UnitConversion {
  /** The canonical unit the reading is converted to. */
  to: string;
  factor: number;
}

/** The whole rules file, resolved. */
export interface QualityRules {
  defaults: SeriesRules;
  /** `<TYPE>` or `<TYPE>.<ATTRIBUTE>` → overrides (the attribute's win over the type's). */
  series: Readonly<Record<string, Partial<SeriesRules>>>;
  /** Known units: anything else is `unit-unknown`. */
  units: Readonly<Record<string, UnitConversion>>;
  /** A reading later than wall-clock now + this is `timestamp-future`. */
  futureToleranceSec: number;
  /** A reading earlier than the stage's stream time − this is `timestamp-too-old`. */
  retentionSec: number;
}

/**
 * The defaults, as documented in the README and in quality-rules.yaml (a test holds the file to
 * them). Intervals of 60 s are AMPds2's and UCI's cadence.
 */
export const DEFAULT_RULES: QualityRules = {
  defaults: {
    unit: null,
    nonNegative: false,
    min: null,
    max: null,
    expectedIntervalSec: 60,
    maxFillReadings: 5,
    zeroRunSec: null,
    constantRunSec: 21_600,
    spikeK: 3,
    spikeWindow: 60,
    spikeMinSamples: 30,
    lowConsumptionRatio: null,
    lowConsumptionMinSamples: 180,
    voltageRange: null,
  },
  series: {
    'ELECTRICITY.ACTIVE_POWER': {
      unit: 'kW',
      nonNegative: true,
      max: 100,
      zeroRunSec: 21_600,
      lowConsumptionRatio: 0.1,
    },
    'ELECTRICITY.REACTIVE_POWER': { unit: 'kVAR', max: 100 },
    'ELECTRICITY.VOLTAGE': { unit: 'V', nonNegative: true, max: 500, voltageRange: [210, 250] },
    'ELECTRICITY.INTENSITY': { unit: 'A', nonNegative: true, max: 500 },
    WATER: { nonNegative: true },
    GAS: { nonNegative: true },
  },
  units: {
    W: { to: 'kW', factor: 0.001 },
    kW: { to: 'kW', factor: 1 },
    Wh: { to: 'kWh', factor: 0.001 },
    kWh: { to: 'kWh', factor: 1 },
    VAR: { to: 'kVAR', factor: 0.001 },
    kVAR: { to: 'kVAR', factor: 1 },
    V: { to: 'V', factor: 1 },
    A: { to: 'A', factor: 1 },
    L: { to: 'L', factor: 1 },
    m3: { to: 'm3', factor: 1 },
  },
  futureToleranceSec: 300,
  retentionSec: 86_400,
};

/** The rules of one series: defaults, then the type's overrides, then the attribute's. */
export function rulesFor(rules: QualityRules, type: MetricType, attribute: MetricAttribute): SeriesRules {
  return { ...rules.defaults, ...rules.series[type], ...rules.series[`${type}.${attribute}`] };
}
