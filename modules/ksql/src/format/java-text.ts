import { Decimal } from '../values/decimal.js';

/**
 * Text as the JVM writes it, where ksqlDB's bytes depend on it: Jackson and commons-csv print a
 * double with Java's `Double.toString` (`1.0`, `1.0E10`, `1.0E-5`) — the one implementation in
 * values/java-number.ts, which the expression evaluator uses too.
 */
export { javaDoubleToString } from '../values/java-number.js';

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
