import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES_BY_TYPE,
  METRIC_TYPES,
  MetricKeyError,
  formatMetricKey,
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
    expect(() => parseMetricKey(key)).toThrow(MetricKeyError);
    expect(() => parseMetricKey(key)).toThrow(reason);
    expect(() => parseMetricKey(key)).toThrow(JSON.stringify(key));
  });
});
