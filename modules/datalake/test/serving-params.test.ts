import { InvalidParameterError, parseServingQuery } from '@meterstream/datalake';
import { describe, expect, it } from 'vitest';

const good = {
  gateway: '0',
  metricType: 'ELECTRICITY',
  attribute: 'ACTIVE_POWER',
  window: '3600',
  from: '2006-12-16',
  to: '2006-12-17T06:00:00Z',
};

function errorOf(query: Record<string, unknown>): InvalidParameterError {
  try {
    parseServingQuery(query);
  } catch (error) {
    if (error instanceof InvalidParameterError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('serving query parameters', () => {
  it('parses a valid query (dates are UTC midnight)', () => {
    expect(parseServingQuery({ ...good, limit: '10' })).toEqual({
      gateway: '0',
      metricType: 'ELECTRICITY',
      attribute: 'ACTIVE_POWER',
      window: 3600,
      from: Date.UTC(2006, 11, 16),
      to: Date.UTC(2006, 11, 17, 6),
      limit: 10,
    });
  });

  it('takes the type and the attribute in any case', () => {
    const parsed = parseServingQuery({ ...good, metricType: 'water', attribute: 'Water_Idd' });
    expect(parsed.metricType).toBe('WATER');
    expect(parsed.attribute).toBe('WATER_IDD');
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing gateway', { ...good, gateway: undefined }, 'gateway', /required/],
    ['unknown type', { ...good, metricType: 'STEAM' }, 'metricType', /unknown metric type "STEAM"/],
    [
      'attribute of another type',
      { ...good, attribute: 'GAS_IDD' },
      'attribute',
      /not an attribute of ELECTRICITY/,
    ],
    ['window not maintained', { ...good, window: '120' }, 'window', /expected one of 60, 600, 3600, 86400/],
    ['window not a number', { ...good, window: '1h' }, 'window', /expected one of/],
    ['from not a date', { ...good, from: 'yesterday' }, 'from', /ISO-8601/],
    ['instant without zone', { ...good, to: '2006-12-17T06:00:00' }, 'to', /ISO-8601/],
    ['impossible calendar date', { ...good, from: '2006-02-30' }, 'from', /ISO-8601/],
    ['empty range', { ...good, to: '2006-12-16' }, 'to', /after from/],
    ['limit zero', { ...good, limit: '0' }, 'limit', /integer from 1/],
    ['repeated parameter', { ...good, gateway: ['0', '1'] }, 'gateway', /more than once/],
    ['unknown parameter', { ...good, metrictype: 'GAS' }, 'metrictype', /unknown parameter/],
  ];
  for (const [name, query, parameter, message] of cases) {
    it(`refuses ${name}, naming the parameter`, () => {
      const error = errorOf(Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)));
      expect(error.parameter).toBe(parameter);
      expect(error.message).toMatch(message);
    });
  }
});
