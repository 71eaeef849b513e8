import type { MetricAttribute, MetricType, Serde } from '@meterstream/common';
import { jsonSerde } from '@meterstream/common';

/** A valid reading on `metrics-clean` (JSON; `timestamp` and `value` read as a MetricReading). */
export interface CleanReading {
  gateway: string;
  metricType: MetricType;
  metricAttribute: MetricAttribute;
  /** ISO-8601 UTC. */
  timestamp: string;
  /** In the canonical unit. */
  value: number;
  /** The canonical unit, or null when the series has none configured and the reading had none. */
  unit: string | null;
  /** QualityBit flags (README table). */
  quality: number;
  /** Interpolated into a gap, not measured. */
  estimated: boolean;
  /** LONG_GAP: ISO-8601 time of the series' last reading before the gap; absent otherwise. */
  gapFrom?: string;
}

/** Why and where from: a reading on `metrics-quarantine`. */
export interface QuarantinedReading {
  rule: string;
  reason: string;
  source: { topic: string; partition: number; offset: number } | null;
  /** As received (a non-finite value as the string "NaN", "Infinity" or "-Infinity"). */
  reading: { timestamp: string; value: number | string; unit: string | null };
}

export type MeterAlertType = 'meter-flagged' | 'meter-recovered' | 'long-gap' | 'unit-error';

/** An event on `meter-alerts`. */
export interface MeterAlert {
  type: MeterAlertType;
  gateway: string;
  metricType: MetricType;
  metricAttribute: MetricAttribute;
  /** ISO-8601 UTC: when the condition was seen (the reading that raised it). */
  timestamp: string;
  /** meter-flagged / meter-recovered: `zero-run` or `constant-run`; unit-error: the rule. */
  reason: string;
  /** Type-specific details: the run's start, the gap's bounds and missing readings, the unit. */
  details: Record<string, string | number | null>;
}

const identity = <T>(value: T): T => value;
const asIs = <T>(name: string): Serde<T> => jsonSerde(name, identity<T>, (decoded) => decoded as T);

export const cleanReadingSerde = asIs<CleanReading>('CleanReading');
export const quarantinedReadingSerde = asIs<QuarantinedReading>('QuarantinedReading');
export const meterAlertSerde = asIs<MeterAlert>('MeterAlert');
