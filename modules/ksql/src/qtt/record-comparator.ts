import { isJsonObject, JsonNumber, type JsonValue } from './json-text.js';
import { ExactDecimal, isSpecObject, type SpecValue } from './spec-values.js';

/**
 * ksqlDB's expected-record comparison (its ExpectedRecordComparator), driven by the kind of the
 * *expected* JSON node:
 *   object  — the actual must be a struct/map with exactly as many fields; each expected field is
 *             looked up as written, then upper-cased; field order is irrelevant
 *   array   — same length, element-wise
 *   number  — Integer/Long actuals: equal to the expected value truncated to an integer;
 *             Doubles: within 1e-6; BigDecimals: an integral literal matches only a scale-0
 *             decimal of that value, a fraction literal only the same digits *and* scale
 *             (`1.50` ≠ `1.5`), a huge integer literal never
 *   string  — equal strings; a decimal equal to `new BigDecimal(text)`; bytes whose base64 is the text
 *   boolean — equal booleans;  null — the actual is null
 */
export function specMatches(actual: SpecValue | undefined, expected: JsonValue): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (expected instanceof JsonNumber) return numberMatches(actual, expected);
  if (typeof expected === 'string') return textMatches(actual, expected);
  if (typeof expected === 'boolean') return typeof actual === 'boolean' && actual === expected;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((e, i) => specMatches(actual[i], e));
  }
  if (isJsonObject(expected)) {
    if (!isSpecObject(actual)) return false;
    const fields = Object.keys(expected);
    if (Object.keys(actual).length !== fields.length) return false;
    return fields.every((f) => {
      let v = Object.hasOwn(actual, f) ? actual[f] : null;
      if (v === null) v = Object.hasOwn(actual, f.toUpperCase()) ? actual[f.toUpperCase()] : null;
      return specMatches(v, expected[f]);
    });
  }
  return false;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function numberMatches(actual: SpecValue | undefined, expected: JsonNumber): boolean {
  if (typeof actual === 'bigint') return truncated(expected) === actual;
  if (typeof actual === 'number') return Math.abs(expected.toNumber() - actual) < 0.000_001;
  if (actual instanceof ExactDecimal) {
    if (expected.isIntegral) {
      const value = BigInt(expected.text);
      // A literal beyond a long is a BigInteger node: never compared with a decimal.
      if (value < LONG_MIN || value > LONG_MAX) return false;
      return actual.scale <= 0 && value === actual.unscaled * 10n ** BigInt(-actual.scale);
    }
    return ExactDecimal.parse(expected.text).equals(actual);
  }
  return false;
}

/** Jackson's intValue()/longValue() of a numeric node: the value truncated toward zero. */
function truncated(n: JsonNumber): bigint {
  if (n.isIntegral) return BigInt(n.text);
  const d = ExactDecimal.parse(n.text);
  if (d.scale <= 0) return d.unscaled * 10n ** BigInt(-d.scale);
  return d.unscaled / 10n ** BigInt(d.scale);
}

function textMatches(actual: SpecValue | undefined, expected: string): boolean {
  if (typeof actual === 'string') return actual === expected;
  if (actual instanceof ExactDecimal) {
    try {
      return ExactDecimal.parse(expected).equals(actual);
    } catch {
      return false;
    }
  }
  if (Buffer.isBuffer(actual)) return actual.toString('base64') === expected;
  return false;
}
