import { type SqlType, sqlTypeEquals } from '../types/sql-type.js';
import { Decimal, decimalFromDouble, decimalFromInteger, decimalToType } from '../values/decimal.js';
import { parseJavaDouble, parseJavaInt, parseJavaLong } from '../values/java-number.js';
import {
  MS_PER_DAY,
  parseDate,
  parseTime,
  parseTimestamp,
  timestampToDate,
  timestampToTime,
} from '../values/temporal.js';
import { valueToJavaString } from './to-java-string.js';

/**
 * Value conversions between SQL types: the casts ksqlDB allows (CastEvaluator's table) and, as
 * their subset, the implicit widenings the compiler inserts. A converter is built once per
 * (from, to) pair at compile time and is null-safe (NULL converts to NULL).
 */
export type Converter = (v: unknown) => unknown;

export const identity: Converter = (v) => v;

const nullSafe =
  (f: (v: unknown) => unknown): Converter =>
  (v) =>
    v === null || v === undefined ? null : f(v);

/** Java's (int) of a double: truncation toward zero, saturating, NaN → 0. */
function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d);
}

// Long.MAX_VALUE / MIN_VALUE as the nearest doubles (a BIGINT is a JS number)
const LONG_MAX = 2 ** 63;
const LONG_MIN = -(2 ** 63);

function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= LONG_MAX) return LONG_MAX;
  if (d <= LONG_MIN) return LONG_MIN;
  return Math.trunc(d);
}

/** BigDecimal.intValue()/longValue(): the integer part's low 32/64 bits. */
function decimalIntegerPart(d: Decimal): bigint {
  return d.scale > 0 ? d.unscaled / 10n ** BigInt(d.scale) : d.unscaled * 10n ** BigInt(-d.scale);
}

/** SqlBooleans.parseBoolean: true for (a prefix of) `true` or `yes`, any case; anything else false. */
export function parseSqlBoolean(text: string): boolean {
  const t = text.toLowerCase();
  return t.length > 0 && ('true'.startsWith(t) || 'yes'.startsWith(t));
}

/** SqlBooleans.parseBooleanExact: as parseSqlBoolean, but `false`/`no` (prefixes) → false, others → undefined. */
export function parseSqlBooleanExact(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t.length === 0) return undefined;
  if ('true'.startsWith(t) || 'yes'.startsWith(t)) return true;
  if ('false'.startsWith(t) || 'no'.startsWith(t)) return false;
  return undefined;
}

function parseDecimalText(text: string): Decimal {
  try {
    return Decimal.parse(text.trim());
  } catch {
    throw new RangeError(`Character array is missing "exponent" mark 'e' or 'E'.: ${text}`);
  }
}

/** The converter for CAST(from AS to), or undefined when ksqlDB does not support that cast. */
export function castConverter(from: SqlType, to: SqlType): Converter | undefined {
  if (sqlTypeEquals(from, to)) return identity;
  if (to.base === 'STRING') {
    if (from.base === 'BYTES') return undefined;
    return nullSafe((v) => valueToJavaString(v, from));
  }
  switch (from.base) {
    case 'BOOLEAN':
      return undefined;
    case 'INTEGER':
    case 'BIGINT':
      switch (to.base) {
        case 'INTEGER':
          return nullSafe((v) => (v as number) | 0);
        case 'BIGINT':
        case 'DOUBLE':
          return identity;
        case 'DECIMAL':
          return nullSafe((v) => decimalToType(decimalFromInteger(v as number), to.precision, to.scale));
        default:
          return undefined;
      }
    case 'DOUBLE':
      switch (to.base) {
        case 'INTEGER':
          return nullSafe((v) => doubleToInt(v as number));
        case 'BIGINT':
          return nullSafe((v) => doubleToLong(v as number));
        case 'DECIMAL':
          return nullSafe((v) => {
            const d = decimalFromDouble(v as number, to.precision, to.scale);
            return decimalToType(d, to.precision, to.scale);
          });
        default:
          return undefined;
      }
    case 'DECIMAL':
      switch (to.base) {
        case 'INTEGER':
          return nullSafe((v) => Number(BigInt.asIntN(32, decimalIntegerPart(v as Decimal))));
        case 'BIGINT':
          return nullSafe((v) => Number(BigInt.asIntN(64, decimalIntegerPart(v as Decimal))));
        case 'DOUBLE':
          return nullSafe((v) => (v as Decimal).toNumber());
        case 'DECIMAL':
          return nullSafe((v) => decimalToType(v as Decimal, to.precision, to.scale));
        default:
          return undefined;
      }
    case 'STRING':
      switch (to.base) {
        case 'BOOLEAN':
          return nullSafe((v) => parseSqlBoolean((v as string).trim()));
        case 'INTEGER':
          return nullSafe((v) => parseJavaInt((v as string).trim()));
        case 'BIGINT':
          return nullSafe((v) => parseJavaLong((v as string).trim()));
        case 'DOUBLE':
          return nullSafe((v) => {
            const d = parseJavaDouble((v as string).trim());
            if (!Number.isFinite(d)) throw new RangeError(`Invalid double value: ${v as string}`);
            return d;
          });
        case 'DECIMAL':
          return nullSafe((v) => decimalToType(parseDecimalText(v as string), to.precision, to.scale));
        case 'DATE':
          return nullSafe((v) => parseDate((v as string).trim()));
        case 'TIME':
          return nullSafe((v) => parseTime((v as string).trim()));
        case 'TIMESTAMP':
          return nullSafe((v) => parseTimestamp((v as string).trim()));
        case 'BYTES':
          return nullSafe((v) => Buffer.from((v as string).trim(), 'base64'));
        default:
          return undefined;
      }
    case 'TIMESTAMP':
      if (to.base === 'DATE') return nullSafe((v) => timestampToDate(v as number));
      if (to.base === 'TIME') return nullSafe((v) => timestampToTime(v as number));
      return undefined;
    case 'DATE':
      if (to.base === 'TIMESTAMP') return nullSafe((v) => (v as number) * MS_PER_DAY);
      return undefined;
    case 'ARRAY': {
      if (to.base !== 'ARRAY') return undefined;
      const el = castConverter(from.element, to.element);
      if (!el) return undefined;
      if (el === identity) return identity;
      return nullSafe((v) => (v as unknown[]).map(el));
    }
    case 'MAP': {
      if (to.base !== 'MAP') return undefined;
      const k = castConverter(from.key, to.key);
      const val = castConverter(from.value, to.value);
      if (!k || !val) return undefined;
      if (k === identity && val === identity) return identity;
      return nullSafe((v) => {
        const out = new Map<unknown, unknown>();
        for (const [mk, mv] of v as Map<unknown, unknown>) out.set(k(mk), val(mv));
        return out;
      });
    }
    case 'STRUCT': {
      if (to.base !== 'STRUCT') return undefined;
      // Fields are matched by name; a target field the source lacks is NULL.
      const plan: { name: string; from?: string; conv: Converter }[] = [];
      for (const f of to.fields) {
        const src = from.fields.find((s) => s.name === f.name);
        if (!src) {
          plan.push({ name: f.name, conv: identity });
          continue;
        }
        const conv = castConverter(src.type, f.type);
        if (!conv) return undefined;
        plan.push({ name: f.name, from: src.name, conv });
      }
      return nullSafe((v) => {
        const o = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const p of plan) out[p.name] = p.from === undefined ? null : p.conv(o[p.from] ?? null);
        return out;
      });
    }
    default:
      return undefined;
  }
}

/**
 * The conversion the compiler inserts where a value of `from` is used as `to` without a CAST:
 * number widening (INTEGER → BIGINT → DECIMAL → DOUBLE), DECIMAL rescaling, and the same inside
 * ARRAY / MAP / STRUCT. NULL-typed values (a NULL literal) need none.
 */
export function implicitConverter(from: SqlType | null, to: SqlType): Converter {
  if (from === null || sqlTypeEquals(from, to)) return identity;
  const c = isImplicit(from, to) ? castConverter(from, to) : undefined;
  if (!c) throw new Error(`no implicit conversion from ${from.base} to ${to.base}`);
  return c;
}

const NUMBER_RANK: Partial<Record<string, number>> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

/** Whether `from` converts to `to` without a CAST: widening numbers, element-wise for complex types. */
export function isImplicit(from: SqlType, to: SqlType): boolean {
  if (sqlTypeEquals(from, to)) return true;
  const f = NUMBER_RANK[from.base];
  const t = NUMBER_RANK[to.base];
  if (f !== undefined && t !== undefined) return f <= t;
  if (from.base !== to.base) return false;
  switch (from.base) {
    case 'ARRAY':
      return isImplicit(from.element, (to as typeof from).element);
    case 'MAP': {
      const m = to as typeof from;
      return isImplicit(from.key, m.key) && isImplicit(from.value, m.value);
    }
    case 'STRUCT': {
      // a struct widens to one with more fields (those it lacks are NULL)
      const st = to as typeof from;
      return from.fields.every((ff) => {
        const tf = st.fields.find((x) => x.name === ff.name);
        return tf !== undefined && isImplicit(ff.type, tf.type);
      });
    }
    default:
      return false;
  }
}
