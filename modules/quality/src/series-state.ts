import { formatInstant } from '@meterstream/common';
import { QualityBit } from './quality-bits.js';
import type { SeriesRules } from './rules-config.js';

export type FaultReason = 'zero-run' | 'constant-run';

/**
 * What the stage remembers of one series between readings, kept in the `quality-series` store
 * (change-logged), so a restart — in the middle of a gap or of a zero run — continues where it was.
 */
export interface SeriesState {
  /** The latest reading's time and value (the left end of the next gap); null before the first. */
  lastTs: number | null;
  lastValue: number;
  /** Smallest positive interval seen, and how many intervals were seen (interval learning). */
  minDeltaMs: number | null;
  deltas: number;
  /** Exponentially weighted mean and variance, and how many readings fed them. */
  mean: number;
  variance: number;
  samples: number;
  /** Start of the current run of zeros / of the same non-zero value (null: no run). */
  zeroSince: number | null;
  constSince: number | null;
  constValue: number | null;
  flagged: FaultReason | null;
  /** Hour-of-day (UTC) profile: weighted mean, variance and count per hour. */
  profileMean: number[];
  /** Absent in states stored before the spike rule used the profile: read as 0 (no spread known). */
  profileVariance?: number[];
  profileCount: number[];
  /** The unit last alerted as an error (one alert per wrong unit, until a good reading). */
  unitAlerted: string | null;
}

export function initialSeriesState(): SeriesState {
  return {
    lastTs: null,
    lastValue: 0,
    minDeltaMs: null,
    deltas: 0,
    mean: 0,
    variance: 0,
    samples: 0,
    zeroSince: null,
    constSince: null,
    constValue: null,
    flagged: null,
    profileMean: new Array<number>(24).fill(0),
    profileVariance: new Array<number>(24).fill(0),
    profileCount: new Array<number>(24).fill(0),
    unitAlerted: null,
  };
}

/** Intervals seen before a learned interval is trusted for gap detection. */
const LEARN_AFTER = 3;
/** Weight of a new reading in its hour's profile mean. */
const PROFILE_ALPHA = 0.05;

export interface AlertDraft {
  type: 'meter-flagged' | 'meter-recovered' | 'long-gap';
  reason: string;
  details: Record<string, string | number | null>;
}

export interface Observation {
  quality: number;
  /** Interpolated readings to emit before this one, oldest first. */
  estimated: { timestamp: number; value: number }[];
  alerts: AlertDraft[];
  /** LONG_GAP: the series' last reading before the gap (epoch ms), carried by this reading. */
  gapFrom?: number;
}

/** The interval gaps are measured in: configured, else learned, else unknown (no gap detection). */
export function expectedIntervalMs(state: SeriesState, rules: SeriesRules): number | null {
  if (rules.expectedIntervalSec !== null) return rules.expectedIntervalSec * 1000;
  return state.deltas >= LEARN_AFTER ? state.minDeltaMs : null;
}

/**
 * Stateless-with-respect-to-update checks: spike against the current statistics, voltage range.
 * A spike is more than k·σ from the rolling mean AND, once the reading's hour of day has
 * `spikeMinSamples` readings in the profile, more than k·σ from that hour's mean: a level the
 * series reaches at that hour every day (a morning peak) is not a spike, however far it is from
 * the readings just before it.
 */
export function judge(state: SeriesState, value: number, timestamp: number, rules: SeriesRules): number {
  let quality = 0;
  const hour = new Date(timestamp).getUTCHours();
  if (rules.spikeK !== null && state.samples >= rules.spikeMinSamples) {
    const sigma = Math.sqrt(state.variance);
    if (sigma > 0 && Math.abs(value - state.mean) > rules.spikeK * sigma) {
      const profiled = state.profileCount[hour]! >= rules.spikeMinSamples;
      const hourSigma = Math.sqrt(state.profileVariance?.[hour] ?? 0);
      if (!profiled || Math.abs(value - state.profileMean[hour]!) > rules.spikeK * hourSigma)
        quality |= QualityBit.SPIKE;
    }
  }
  if (rules.lowConsumptionRatio !== null) {
    const mean = state.profileMean[hour]!;
    if (state.profileCount[hour]! >= rules.lowConsumptionMinSamples && mean > 0)
      if (value < rules.lowConsumptionRatio * mean) quality |= QualityBit.LOW_CONSUMPTION;
  }
  if (rules.voltageRange !== null && (value < rules.voltageRange[0] || value > rules.voltageRange[1]))
    quality |= QualityBit.VOLTAGE_OUT_OF_RANGE;
  return quality;
}

/**
 * Takes an in-order reading (later than the series' last one) into the state: gap check (fill or
 * alert), fault runs (flag / recover), statistics. Mutates `state`; returns what to emit.
 */
export function observe(
  state: SeriesState,
  timestamp: number,
  value: number,
  rules: SeriesRules,
): Observation {
  let quality = judge(state, value, timestamp, rules);
  const estimated: Observation['estimated'] = [];
  const alerts: AlertDraft[] = [];
  let gapFrom: number | undefined;

  if (state.lastTs !== null) {
    const interval = expectedIntervalMs(state, rules);
    const delta = timestamp - state.lastTs;
    if (interval !== null) {
      const missing = Math.round(delta / interval) - 1;
      if (missing >= 1) {
        quality |= QualityBit.DROPOUT;
        if (missing <= rules.maxFillReadings) {
          for (let k = 1; k <= missing; k++) {
            const at = state.lastTs + k * interval;
            const share = (at - state.lastTs) / delta;
            estimated.push({ timestamp: at, value: state.lastValue + share * (value - state.lastValue) });
          }
        } else {
          quality |= QualityBit.LONG_GAP;
          gapFrom = state.lastTs;
          alerts.push({
            type: 'long-gap',
            reason: `${missing} readings missing`,
            details: {
              from: formatInstant(state.lastTs),
              to: formatInstant(timestamp),
              missing,
              intervalSec: interval / 1000,
            },
          });
        }
      }
    }
    state.minDeltaMs = state.minDeltaMs === null ? delta : Math.min(state.minDeltaMs, delta);
    state.deltas++;
  }

  quality |= trackFaults(state, timestamp, value, rules, alerts);

  const alpha = 2 / (rules.spikeWindow + 1);
  if (state.samples === 0) {
    state.mean = value;
    state.variance = 0;
  } else {
    const diff = value - state.mean;
    const increment = alpha * diff;
    state.mean += increment;
    state.variance = (1 - alpha) * (state.variance + diff * increment);
  }
  state.samples++;
  const hour = new Date(timestamp).getUTCHours();
  const count = state.profileCount[hour]!;
  state.profileVariance ??= new Array<number>(24).fill(0);
  const profileVariance = state.profileVariance;
  if (count === 0) {
    state.profileMean[hour] = value;
    profileVariance[hour] = 0;
  } else {
    // The rolling statistics' exponentially weighted update, per hour of day.
    const diff = value - state.profileMean[hour]!;
    const increment = PROFILE_ALPHA * diff;
    state.profileMean[hour]! += increment;
    profileVariance[hour] = (1 - PROFILE_ALPHA) * (profileVariance[hour]! + diff * increment);
  }
  state.profileCount[hour] = count + 1;
  state.lastTs = timestamp;
  state.lastValue = value;
  return { quality, estimated, alerts, ...(gapFrom !== undefined && { gapFrom }) };
}

/** Zero and constant runs: flag once when a run reaches its threshold, recover when it ends. */
function trackFaults(
  state: SeriesState,
  timestamp: number,
  value: number,
  rules: SeriesRules,
  alerts: AlertDraft[],
): number {
  if (value === 0) state.zeroSince ??= timestamp;
  else state.zeroSince = null;
  if (value !== 0 && value === state.constValue) state.constSince ??= timestamp;
  else {
    state.constValue = value === 0 ? null : value;
    state.constSince = value === 0 ? null : timestamp;
  }
  const zeroFor = state.zeroSince === null ? -1 : timestamp - state.zeroSince;
  const constFor = state.constSince === null ? -1 : timestamp - state.constSince;
  const fault: FaultReason | null =
    rules.zeroRunSec !== null && zeroFor >= rules.zeroRunSec * 1000
      ? 'zero-run'
      : rules.constantRunSec !== null && constFor >= rules.constantRunSec * 1000
        ? 'constant-run'
        : null;
  if (fault !== state.flagged) {
    if (state.flagged !== null)
      alerts.push({ type: 'meter-recovered', reason: state.flagged, details: { value } });
    if (fault !== null)
      alerts.push({
        type: 'meter-flagged',
        reason: fault,
        details: {
          since: formatInstant((fault === 'zero-run' ? state.zeroSince : state.constSince)!),
          value,
        },
      });
    state.flagged = fault;
  }
  if (fault === 'zero-run') return QualityBit.ZERO_RUN;
  if (fault === 'constant-run') return QualityBit.CONSTANT_RUN;
  return 0;
}
