import { MetricKeyError } from './errors.js';
import {
  METRIC_ATTRIBUTES,
  METRIC_TYPES,
  type MetricIdentity,
  isMetricAttribute,
  isMetricType,
} from './metric.js';

/** The record key of a metric: `<gateway>.<metricType>.<metricAttribute>`, e.g. `0.ELECTRICITY.ACTIVE_POWER`. */
export function formatMetricKey(id: MetricIdentity): string {
  return `${id.gateway}.${id.metricType}.${id.metricAttribute}`;
}

/**
 * Parses a metric key. The type and attribute are the last two dot-separated parts, so a gateway
 * name may itself contain dots (`site-3.floor.2`); it must not be empty.
 */
export function parseMetricKey(key: string): MetricIdentity {
  const attrDot = key.lastIndexOf('.');
  const typeDot = attrDot > 0 ? key.lastIndexOf('.', attrDot - 1) : -1;
  if (attrDot < 0 || typeDot < 0) {
    throw new MetricKeyError(key, 'expected <gateway>.<TYPE>.<ATTRIBUTE>');
  }
  const gateway = key.slice(0, typeDot);
  const metricType = key.slice(typeDot + 1, attrDot);
  const metricAttribute = key.slice(attrDot + 1);
  if (gateway.length === 0) throw new MetricKeyError(key, 'empty gateway');
  if (!isMetricType(metricType))
    throw new MetricKeyError(key, `unknown metric type ${JSON.stringify(metricType)}`);
  if (!isMetricAttribute(metricAttribute)) {
    throw new MetricKeyError(key, `unknown metric attribute ${JSON.stringify(metricAttribute)}`);
  }
  return { gateway, metricType, metricAttribute };
}

/**
 * Whether parseMetricKey accepts `key`, without allocating: the per-record check of consumers that
 * take the identity from the key (parseMetricKey, on failure, says why).
 */
export function isMetricKey(key: string): boolean {
  const attrDot = key.lastIndexOf('.');
  const typeDot = attrDot > 0 ? key.lastIndexOf('.', attrDot - 1) : -1;
  // typeDot 0 is an empty gateway.
  if (typeDot <= 0) return false;
  return (
    isOneOf(METRIC_TYPES, key, typeDot + 1, attrDot) &&
    isOneOf(METRIC_ATTRIBUTES, key, attrDot + 1, key.length)
  );
}

function isOneOf(names: readonly string[], key: string, from: number, to: number): boolean {
  const length = to - from;
  for (const name of names) if (name.length === length && key.startsWith(name, from)) return true;
  return false;
}
