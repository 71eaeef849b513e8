import type { ReadingQuality } from './quality-flags.js';

export const METRIC_TYPES = ['ELECTRICITY', 'WATER', 'GAS'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export const METRIC_ATTRIBUTES = [
  'ACTIVE_POWER',
  'REACTIVE_POWER',
  'VOLTAGE',
  'INTENSITY',
  'WATER_SUMMATION',
  'WATER_IDD',
  'GAS_SUMMATION',
  'GAS_IDD',
] as const;
export type MetricAttribute = (typeof METRIC_ATTRIBUTES)[number];

/** Which attributes a meter of each type reports. */
export const ATTRIBUTES_BY_TYPE: Readonly<Record<MetricType, readonly MetricAttribute[]>> = {
  ELECTRICITY: ['ACTIVE_POWER', 'REACTIVE_POWER', 'VOLTAGE', 'INTENSITY'],
  WATER: ['WATER_SUMMATION', 'WATER_IDD'],
  GAS: ['GAS_SUMMATION', 'GAS_IDD'],
};

/** The identity of a time series: one attribute of one meter type at one gateway. */
export interface MetricIdentity {
  gateway: string;
  metricType: MetricType;
  metricAttribute: MetricAttribute;
}

/**
 * One reading. In memory the timestamp is epoch milliseconds (UTC); on the wire (JSON and Avro) it
 * is an ISO-8601 string such as `2006-12-16T17:24:00Z`.
 */
export interface Metric extends MetricIdentity {
  timestamp: number;
  value: number;
  /**
   * The unit the meter reported `value` in (W, kW, Wh, kWh, V, A, …), added to the schema after its
   * first version; absent: the attribute's canonical unit. The quality stage converts to canonical.
   */
  unit?: string;
}

/**
 * The part of a Metric payload a reader needs when the series identity comes from the record key
 * (the aggregator): the key names gateway, type and attribute; the value says when and how much,
 * and on `metrics-clean` (JSON CleanReading) how far to trust it: `quality` and `estimated`.
 */
export type MetricReading = Pick<Metric, 'timestamp' | 'value'> & ReadingQuality;

const TYPE_SET: ReadonlySet<unknown> = new Set(METRIC_TYPES);
const ATTRIBUTE_SET: ReadonlySet<unknown> = new Set(METRIC_ATTRIBUTES);

export function isMetricType(value: unknown): value is MetricType {
  return TYPE_SET.has(value);
}

export function isMetricAttribute(value: unknown): value is MetricAttribute {
  return ATTRIBUTE_SET.has(value);
}

/**
 * The event times a metric may carry, epoch ms, [from, to): 1970-01-01 to 2100-01-01 UTC. It is
 * fixed rather than "±100 years of now" so every consumer — the aggregator today, the batch job
 * next week — decides the same for the same record. It starts at the epoch because Kafka record
 * timestamps and stream time are non-negative (the streams runtime would otherwise skip such a
 * record as an invalid timestamp instead of dead-lettering it).
 */
export const METRIC_TIME_RANGE = { from: 0, to: Date.UTC(2100, 0, 1) } as const;

/** Whether `epochMs` lies in METRIC_TIME_RANGE. */
export function isMetricTime(epochMs: number): boolean {
  return epochMs >= METRIC_TIME_RANGE.from && epochMs < METRIC_TIME_RANGE.to;
}
