import { Decimal, decimalCompare } from '../values/decimal.js';

/**
 * Equality and ordering of SQL values of one type (both sides already converted to a common
 * type by the compiler). Equality is deep for ARRAY, MAP and STRUCT and by value for DECIMAL
 * (1.0 = 1.00), as Java's equals on ksqlDB's values after its type coercion.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // NaN: Java's Double.equals holds NaN equal to itself.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Decimal) return b instanceof Decimal && decimalCompare(a, b) === 0;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k)) {
        // keys that are not primitives (decimals) compare by value
        let found = false;
        for (const [k2, v2] of b) {
          if (valuesEqual(k, k2)) {
            if (!valuesEqual(v, v2)) return false;
            found = true;
            break;
          }
        }
        if (!found) return false;
      } else if (!valuesEqual(v, b.get(k))) return false;
    }
    return true;
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (
      !Object.hasOwn(b, k) ||
      !valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  return true;
}

/** Orders two non-null values of one orderable type (numbers, strings, booleans, DECIMAL, BYTES). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // Java's Double.compare: NaN above everything
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Decimal && b instanceof Decimal) return decimalCompare(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  throw new TypeError(`cannot order ${String(a)} and ${String(b)}`);
}
