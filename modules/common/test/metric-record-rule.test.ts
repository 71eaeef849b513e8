import { describe, expect, it } from 'vitest';
import {
  DeserializationError,
  type InvalidRecordReason,
  METRIC_TIME_RANGE,
  type Metric,
  type MetricReading,
  type Serde,
  formatInstant,
  metricAvroSerde,
  metricKeySerde,
  metricReadingAvroSerde,
  validateMetricRecord,
} from '../src/index.js';
import { CORRUPTIONS, CORRUPTION_KINDS, corruptRecord } from '@meterstream/test-support';

const metric: Metric = {
  gateway: '7',
  metricType: 'WATER',
  metricAttribute: 'WATER_IDD',
  timestamp: Date.UTC(2024, 0, 1, 12),
  value: 3.5,
};

/**
 * How the aggregator decides, step by step as its runtime does: nulls refused by the runtime
 * (deadLetterNulls), then the key serde, then the value serde. Returns the reason or the reading.
 */
function aggregatorVerdict(
  key: Buffer | null,
  value: Buffer | null,
  valueSerde: Serde<MetricReading>,
): InvalidRecordReason | MetricReading {
  if (key === null) return 'null-key';
  if (value === null) return 'null-value';
  try {
    metricKeySerde.deserialize(key);
    return valueSerde.deserialize(value);
  } catch (error) {
    if (!(error instanceof DeserializationError)) throw error;
    return error.kind;
  }
}

describe('validateMetricRecord: the one rule of a valid metric record', () => {
  const kinds = CORRUPTION_KINDS.filter((kind) => kind !== 'bad-schema-id'); // plain Avro: no ids
  it.each(kinds)('refuses a record corrupted by %s with its reason, as the aggregator does', (kind) => {
    const { key, value } = corruptRecord(kind, metric, null);
    const verdict = validateMetricRecord(key, value, metricReadingAvroSerde.deserialize, {
      topic: 'metrics',
      partition: 2,
      offset: 41,
    });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error.kind).toBe(CORRUPTIONS[kind]);
    expect(verdict.error.part).toBe(kind === 'malformed-key' || kind === 'null-key' ? 'key' : 'value');
    // The aggregator's serdes reach the same verdict for the same bytes.
    expect(aggregatorVerdict(key, value, metricReadingAvroSerde)).toBe(CORRUPTIONS[kind]);
    const headers = verdict.error.toHeaders('meterstream-sink-s3');
    expect(headers).toMatchObject({
      'error.reason': CORRUPTIONS[kind],
      'error.part': verdict.error.part,
      'error.topic': 'metrics',
      'error.partition': '2',
      'error.offset': '41',
      'error.application': 'meterstream-sink-s3',
    });
  });

  it('names the first failing check in the order of the streams runtime: nulls, then the key, then the value', () => {
    const reason = (key: Buffer | null, value: Buffer | null) => {
      const verdict = validateMetricRecord(key, value, metricReadingAvroSerde.deserialize);
      return verdict.ok ? 'accepted' : verdict.error.kind;
    };
    const badKey = Buffer.from('7.WATER');
    const badValue = Buffer.from('not avro');
    expect(reason(badKey, null)).toBe('null-value');
    expect(aggregatorVerdict(badKey, null, metricReadingAvroSerde)).toBe('null-value');
    expect(reason(badKey, badValue)).toBe('malformed-key');
    expect(aggregatorVerdict(badKey, badValue, metricReadingAvroSerde)).toBe('malformed-key');
    expect(reason(null, null)).toBe('null-key');
  });

  it('accepts a good record, reading its time and value; the identity is the key', () => {
    const verdict = validateMetricRecord(
      Buffer.from('7.WATER.WATER_IDD'),
      metricAvroSerde.serialize(metric),
      metricReadingAvroSerde.deserialize,
    );
    expect(verdict).toEqual({
      ok: true,
      key: '7.WATER.WATER_IDD',
      reading: { timestamp: metric.timestamp, value: 3.5 },
    });
  });

  it('accepts the first instant of the range and refuses its end', () => {
    const at = (timestamp: number) =>
      validateMetricRecord(
        Buffer.from('7.WATER.WATER_IDD'),
        metricAvroSerde.serialize({ ...metric, timestamp }),
        metricReadingAvroSerde.deserialize,
      );
    expect(at(METRIC_TIME_RANGE.from).ok).toBe(true);
    expect(at(METRIC_TIME_RANGE.to - 1).ok).toBe(true);
    const end = at(METRIC_TIME_RANGE.to);
    expect(end.ok ? 'accepted' : end.error.kind).toBe('timestamp-out-of-range');
    expect(end.ok ? '' : end.error.message).toContain(formatInstant(METRIC_TIME_RANGE.to));
    // The full Metric reader (JSON/Avro consumers of whole metrics) applies the same range.
    const full = metricAvroSerde.serialize({ ...metric, timestamp: METRIC_TIME_RANGE.to });
    expect(() => metricAvroSerde.deserialize(full)).toThrow(/lies outside/);
  });
});
