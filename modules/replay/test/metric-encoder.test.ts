import { describe, expect, it } from 'vitest';
import { type Metric, metricAvroSerde, metricJsonSerde } from '@meterstream/common';
import { createMetricEncoder } from '@meterstream/replay';

const metrics: Metric[] = [
  {
    gateway: '0',
    metricType: 'ELECTRICITY',
    metricAttribute: 'ACTIVE_POWER',
    timestamp: 1_166_286_240_000,
    value: 4.216,
  },
  {
    gateway: '0',
    metricType: 'ELECTRICITY',
    metricAttribute: 'REACTIVE_POWER',
    timestamp: 1_166_286_240_000,
    value: 0.418,
  },
  {
    gateway: '99',
    metricType: 'WATER',
    metricAttribute: 'WATER_SUMMATION',
    timestamp: 1_333_263_600_000,
    value: 45287.625,
  },
  {
    gateway: 'site-é.3',
    metricType: 'GAS',
    metricAttribute: 'GAS_IDD',
    timestamp: 1_333_263_600_123,
    value: -1e-9,
  },
  {
    gateway: 'g'.repeat(200),
    metricType: 'GAS',
    metricAttribute: 'GAS_SUMMATION',
    timestamp: 0,
    value: 1e300,
  },
  // The optional unit (added to metric.avsc later): written as the union's string branch.
  {
    gateway: '7',
    metricType: 'ELECTRICITY',
    metricAttribute: 'ACTIVE_POWER',
    timestamp: 1_333_263_600_000,
    value: 1500,
    unit: 'W',
  },
];

describe('createMetricEncoder', () => {
  it('plain Avro: byte-identical to common metricAvroSerde, key from formatMetricKey', () => {
    const encode = createMetricEncoder('avro');
    for (const metric of metrics) {
      const { key, value } = encode(metric);
      expect(value.equals(metricAvroSerde.serialize(metric))).toBe(true);
      expect(key.toString()).toBe(`${metric.gateway}.${metric.metricType}.${metric.metricAttribute}`);
      expect(metricAvroSerde.deserialize(value)).toEqual(metric);
    }
  });

  it('registry Avro: Confluent framing (magic 0, big-endian schema id) around the same body', () => {
    const encode = createMetricEncoder('avro-registry', 258);
    for (const metric of metrics) {
      const { value } = encode(metric);
      expect([...value.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
      expect(value.subarray(5).equals(metricAvroSerde.serialize(metric))).toBe(true);
    }
    expect(() => createMetricEncoder('avro-registry')).toThrow(/schema id/);
  });

  it('JSON goes through metricJsonSerde', () => {
    const encode = createMetricEncoder('json');
    expect(metricJsonSerde.deserialize(encode(metrics[0]!).value)).toEqual(metrics[0]);
  });

  it('refuses non-finite values like the common serdes do', () => {
    const encode = createMetricEncoder('avro');
    expect(() => encode({ ...metrics[0]!, value: Number.NaN })).toThrow(RangeError);
  });
});
