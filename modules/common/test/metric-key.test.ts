import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES_BY_TYPE,
  METRIC_TYPES,
  DeserializationError,
  MetricKeyError,
  formatMetricKey,
  isMetricKeyBytes,
  metricKeySerde,
  parseMetricKey,
} from '../src/index.js';

describe('metric key', () => {
  it('formats <gateway>.<TYPE>.<ATTRIBUTE>', () => {
    expect(
      formatMetricKey({ gateway: '0', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' }),
    ).toBe('0.ELECTRICITY.ACTIVE_POWER');
  });

  it('round-trips every type/attribute pair, including gateways that contain dots', () => {
    for (const metricType of METRIC_TYPES) {
      for (const metricAttribute of ATTRIBUTES_BY_TYPE[metricType]) {
        for (const gateway of ['0', '9999', 'site-3.floor.2', 'gw_ä']) {
          const id = { gateway, metricType, metricAttribute };
          expect(parseMetricKey(formatMetricKey(id))).toEqual(id);
        }
      }
    }
  });

  it.each([
    ['', 'expected <gateway>.<TYPE>.<ATTRIBUTE>'],
    ['0', 'expected <gateway>.<TYPE>.<ATTRIBUTE>'],
    ['0.ELECTRICITY', 'expected <gateway>.<TYPE>.<ATTRIBUTE>'],
    ['.ELECTRICITY.ACTIVE_POWER', 'empty gateway'],
    ['0.STEAM.ACTIVE_POWER', 'unknown metric type "STEAM"'],
    ['0.ELECTRICITY.POWER', 'unknown metric attribute "POWER"'],
    ['0.electricity.ACTIVE_POWER', 'unknown metric type "electricity"'],
    ['0.ELECTRICITY.ACTIVE_POWER.', 'unknown metric type "ACTIVE_POWER"'],
  ])('rejects %j: %s', (key, reason) => {
    expect(isMetricKeyBytes(Buffer.from(key))).toBe(false);
    expect(() => metricKeySerde.deserialize(Buffer.from(key))).toThrow(DeserializationError);
    expect(() => metricKeySerde.deserialize(Buffer.from(key))).toThrow(reason);
    expect(() => parseMetricKey(key)).toThrow(MetricKeyError);
    expect(() => parseMetricKey(key)).toThrow(reason);
    expect(() => parseMetricKey(key)).toThrow(JSON.stringify(key));
  });
});

describe('isMetricKeyBytes and metricKeySerde (the aggregator checks every input key)', () => {
  it('accept exactly the keys parseMetricKey accepts', () => {
    const parses = (key: string) => {
      try {
        parseMetricKey(key);
        return true;
      } catch {
        return false;
      }
    };
    const parts = [
      '',
      '.',
      '0',
      'a.b',
      'ELECTRICITY',
      'WATER',
      'GAS',
      'ACTIVE_POWER',
      'GAS_IDD',
      'VOLTAGE',
      'ELECTRICITYX',
      'GA',
    ];
    let accepted = 0;
    for (const a of parts)
      for (const b of parts)
        for (const c of parts)
          for (const key of [`${a}.${b}.${c}`, `${a}${b}.${c}`, `${a}.${b}${c}`, `\uFEFF${a}.${b}.${c}`]) {
            const bytes = Buffer.from(key, 'utf8');
            expect(isMetricKeyBytes(bytes), key).toBe(parses(key));
            if (!parses(key)) continue;
            accepted++;
            // What the serde hands on is the key the check accepted (a leading BOM is not stripped).
            expect(metricKeySerde.deserialize(bytes)).toBe(key);
          }
    expect(accepted).toBeGreaterThan(50);
  });

  it('deserializes a valid key to itself and names the problem of an invalid one', () => {
    expect(metricKeySerde.deserialize(Buffer.from('site-3.floor.2.WATER.WATER_IDD'))).toBe(
      'site-3.floor.2.WATER.WATER_IDD',
    );
    expect(metricKeySerde.serialize('0.GAS.GAS_IDD').toString()).toBe('0.GAS.GAS_IDD');
    const where = { topic: 'metrics', partition: 3, offset: 9 };
    expect(() => metricKeySerde.deserialize(Buffer.from('0.GAS.VOLTS'), where)).toThrow(
      /metric-key: malformed metric key "0.GAS.VOLTS": unknown metric attribute "VOLTS".*offset 9/,
    );
    expect(() => metricKeySerde.deserialize(Buffer.from([0x30, 0x2e, 0xff]), where)).toThrow(/invalid UTF-8/);
  });
});
