import { Decimal } from '../values/decimal.js';

/**
 * Text as the JVM writes it, where ksqlDB's bytes depend on it: Jackson and commons-csv print a
 * double with Java's `Double.toString` (`1.0`, `1.0E10`, `1.0E-5`), not JavaScript's (`1`, `1e10`).
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  // In Java's plain range JavaScript prints the same shortest digits plainly too (it switches to
  // exponents only below 1e-6 or from 1e21): only an integral value needs Java's ".0".
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(d) ? `${d}.0` : String(d);
  // The shortest digits that round-trip (what JDK 19+ prints, and JavaScript too).
  const [mantissa, expText] = abs.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = d < 0 ? '-' : '';
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  if (digits.length === 1) {
    // One shortest digit: Java prints two, the pair closest to the exact binary value when that
    // pair still reads back as d (Double.MIN_VALUE: JS `5e-324`, Java `4.9E-324`), else `d.0`.
    const two = abs.toExponential(1);
    const [m2, e2] = two.split('e');
    if (Number(two) === abs) return `${sign}${m2}E${Number(e2)}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === '' ? '0' : frac}E${exp}`;
}

const INT_TEXT = /^[+-]?\d+$/;

/** Java's Integer.parseInt: optional sign, decimal digits, within 32 bits; undefined otherwise. */
export function parseJavaInt(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** Java's Long.parseLong (exact up to 2^53 here, as every BIGINT); undefined when not a long. */
export function parseJavaLong(text: string): number | undefined {
  if (!INT_TEXT.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -9223372036854775808n && n <= 9223372036854775807n ? Number(n) : undefined;
}

const DOUBLE_TEXT = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;

/** Java's Double.parseDouble: trims blanks, accepts `NaN`, `Infinity`, exponents, a d/f suffix. */
export function parseJavaDouble(text: string): number | undefined {
  const t = text.trim();
  if (!DOUBLE_TEXT.test(t)) return undefined;
  return Number(t.replace(/[fFdD]$/, ''));
}

/** Java's BigDecimal(String) (what JSON and DELIMITED decimals go through); undefined when invalid. */
export function parseJavaDecimal(text: string): Decimal | undefined {
  try {
    return Decimal.parse(text);
  } catch {
    return undefined;
  }
}

/** Java's Base64.getDecoder() (RFC 4648, padding optional only at the very end); undefined when invalid. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}
