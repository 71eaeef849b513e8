import {
  ATTRIBUTES_BY_TYPE,
  type MetricAttribute,
  type MetricType,
  isMetricAttribute,
  isMetricType,
} from '@meterstream/common';
import { InvalidParameterError, parseRange, parseWindow } from '../time-range.js';
import type { ServingQuery } from './query.js';

const KNOWN = new Set(['gateway', 'metricType', 'attribute', 'window', 'from', 'to', 'limit']);
export const MAX_LIMIT = 100_000;

/**
 * Validates the query string of `GET /aggregates`; throws InvalidParameterError naming the first
 * bad parameter. Every parameter is single-valued; unknown ones are refused (a typo such as
 * `metrictype` would otherwise silently mean "missing").
 */
export function parseServingQuery(raw: Record<string, unknown>): ServingQuery {
  for (const [name, value] of Object.entries(raw)) {
    if (!KNOWN.has(name))
      throw new InvalidParameterError(name, `unknown parameter (expected ${[...KNOWN].join(', ')})`);
    if (Array.isArray(value)) throw new InvalidParameterError(name, 'given more than once');
  }
  const gateway = raw.gateway;
  if (typeof gateway !== 'string' || gateway.length === 0)
    throw new InvalidParameterError('gateway', 'required');
  if (gateway.length > 256) throw new InvalidParameterError('gateway', 'longer than 256 characters');
  // Types and attributes in any case, as the CLI takes them (`water`, `Water`, `WATER`).
  const metricType = upperCased(raw.metricType);
  if (metricType === undefined || metricType === '')
    throw new InvalidParameterError('metricType', 'required');
  if (!isMetricType(metricType)) {
    throw new InvalidParameterError(
      'metricType',
      `unknown metric type ${JSON.stringify(metricType)} (expected one of ${Object.keys(ATTRIBUTES_BY_TYPE).join(', ')})`,
    );
  }
  const attribute = upperCased(raw.attribute);
  if (attribute === undefined || attribute === '') throw new InvalidParameterError('attribute', 'required');
  if (!isMetricAttribute(attribute) || !ATTRIBUTES_BY_TYPE[metricType as MetricType].includes(attribute)) {
    throw new InvalidParameterError(
      'attribute',
      `${JSON.stringify(attribute)} is not an attribute of ${metricType} (expected one of ${ATTRIBUTES_BY_TYPE[metricType as MetricType].join(', ')})`,
    );
  }
  if (raw.window === undefined || raw.window === '') throw new InvalidParameterError('window', 'required');
  const window = parseWindow(raw.window);
  const { from, to } = parseRange(raw.from, raw.to);
  let limit: number | undefined;
  if (raw.limit !== undefined) {
    const text = String(raw.limit);
    limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      throw new InvalidParameterError(
        'limit',
        `expected an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(raw.limit)}`,
      );
    }
  }
  return {
    gateway,
    metricType: metricType as MetricType,
    attribute: attribute as MetricAttribute,
    window,
    from,
    to,
    limit,
  };
}

function upperCased(value: unknown): unknown {
  return typeof value === 'string' ? value.toUpperCase() : value;
}
