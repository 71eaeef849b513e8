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

const TYPE_BYTES = METRIC_TYPES.map((name) => Buffer.from(name, 'latin1'));
const ATTRIBUTE_BYTES = METRIC_ATTRIBUTES.map((name) => Buffer.from(name, 'latin1'));
const DOT = 0x2e;

/**
 * Whether parseMetricKey would accept the UTF-8 key `bytes`, checked on the bytes without decoding or
 * allocating: the per-record check of consumers that take the identity from the key. ('.' never
 * occurs inside a multi-byte UTF-8 sequence, so the dots found are the string's; types and attributes
 * are ASCII.) parseMetricKey, on failure, says why.
 */
export function isMetricKeyBytes(bytes: Uint8Array): boolean {
  let attrDot = bytes.length - 1;
  while (attrDot >= 0 && bytes[attrDot] !== DOT) attrDot--;
  let typeDot = attrDot - 1;
  while (typeDot >= 0 && bytes[typeDot] !== DOT) typeDot--;
  // typeDot 0 is an empty gateway.
  if (typeDot <= 0) return false;
  return (
    isOneOf(TYPE_BYTES, bytes, typeDot + 1, attrDot) &&
    isOneOf(ATTRIBUTE_BYTES, bytes, attrDot + 1, bytes.length)
  );
}

function isOneOf(names: readonly Buffer[], bytes: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  next: for (const name of names) {
    if (name.length !== length) continue;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== name[i]) continue next;
    return true;
  }
  return false;
}
