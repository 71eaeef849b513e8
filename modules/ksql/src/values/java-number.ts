/**
 * Java's number semantics where KSQL inherits them: 32-bit INTEGER wrap-around, strict
 * Integer.parseInt / Long.parseLong, and Double.toString's text (what CAST(x AS STRING) prints).
 */

/** Wraps to a 32-bit signed integer, as Java's int arithmetic does. */
export function toInt32(v: number): number {
  return v | 0;
}

const INT_TEXT = /^[+-]?\d+$/;

/** Integer.parseInt: optional sign and decimal digits only, within ±2^31; throws NumberFormatException-like. */
export function parseJavaInt(text: string): number {
  if (!INT_TEXT.test(text)) throw new RangeError(`For input string: "${text}"`);
  const v = Number(text);
  if (v > 2147483647 || v < -2147483648) throw new RangeError(`For input string: "${text}"`);
  return v;
}

/** Long.parseLong (as a JS number: exact up to 2^53). */
export function parseJavaLong(text: string): number {
  if (!INT_TEXT.test(text)) throw new RangeError(`For input string: "${text}"`);
  const v = BigInt(text);
  if (v > 9223372036854775807n || v < -9223372036854775808n)
    throw new RangeError(`For input string: "${text}"`);
  return Number(v);
}

const DOUBLE_TEXT = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?))[fFdD]?$/;

/** Double.parseDouble (accepts Java's forms, e.g. `1.`, `.5`, `1e3`, a trailing `d`). */
export function parseJavaDouble(text: string): number {
  const t = text.trim();
  if (!DOUBLE_TEXT.test(t)) throw new RangeError(`For input string: "${text}"`);
  return Number(t.replace(/[fFdD]$/, ''));
}

/**
 * Double.toString: plain notation with at least one fraction digit for 10^-3 ≤ |d| < 10^7,
 * otherwise `d.dddE±n` — e.g. `1.0`, `0.001`, `1.0E7`, `1.5E-4`.
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  // Shortest round-trip digits, re-laid out as Java's computerized scientific notation.
  let [mantissa, exp] = d.toExponential().split('e');
  if (!mantissa.includes('.')) {
    // One shortest digit: Java prints two, the pair closest to the exact binary value when that
    // pair still reads back as d (Double.MIN_VALUE: JS `5e-324`, Java `4.9E-324`), else `d.0`.
    const two = d.toExponential(1);
    if (Number(two) === d) [mantissa, exp] = two.split('e');
    else mantissa = `${mantissa}.0`;
  }
  return `${mantissa}E${Number(exp)}`;
}

/** Float text for a number shown as a Java float would be (rarely needed): same digits as double here. */
export function isJavaInt(v: number): boolean {
  return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}
