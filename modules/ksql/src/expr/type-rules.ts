import {
  type SqlBaseType,
  type SqlDecimalType,
  type SqlType,
  SqlTypes,
  sqlTypeEquals,
} from '../types/sql-type.js';

/**
 * Type rules shared by the expression compiler and the functions: which types are numbers, how
 * numbers widen (INTEGER → BIGINT → DECIMAL → DOUBLE) and the DECIMAL types of arithmetic results
 * (ksqlDB's SqlBaseType.canImplicitlyCast, DecimalUtil and SqlDecimal's operator rules).
 */

/** `null` is the type of a NULL literal before anything gives it one (ksqlDB's null SqlType). */
export type MaybeType = SqlType | null;

const NUMBER_RANK: Partial<Record<SqlBaseType, number>> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

export function isNumeric(type: MaybeType): boolean {
  return type !== null && NUMBER_RANK[type.base] !== undefined;
}

export function isTemporal(type: MaybeType): boolean {
  return type !== null && (type.base === 'DATE' || type.base === 'TIME' || type.base === 'TIMESTAMP');
}

/** Whether a number of base `from` converts implicitly to `to` (never narrows). */
export function canWidenNumber(from: SqlBaseType, to: SqlBaseType): boolean {
  const f = NUMBER_RANK[from];
  const t = NUMBER_RANK[to];
  return f !== undefined && t !== undefined && f <= t;
}

/** INTEGER and BIGINT as the DECIMAL types that hold all their values (ksqlDB's *_UPCAST_TO_DECIMAL). */
export const INT_AS_DECIMAL = SqlTypes.decimal(10, 0);
export const BIGINT_AS_DECIMAL = SqlTypes.decimal(19, 0);

export function toDecimalType(type: SqlType): SqlDecimalType {
  switch (type.base) {
    case 'DECIMAL':
      return type;
    case 'INTEGER':
      return INT_AS_DECIMAL;
    case 'BIGINT':
      return BIGINT_AS_DECIMAL;
    default:
      throw new Error(`Cannot convert ${type.base} to DECIMAL.`);
  }
}

/** A DECIMAL wide enough for either (DecimalUtil.widen). */
export function widenDecimal(a: SqlType, b: SqlType): SqlDecimalType {
  const l = toDecimalType(a);
  const r = toDecimalType(b);
  const whole = Math.max(l.precision - l.scale, r.precision - r.scale);
  const scale = Math.max(l.scale, r.scale);
  return SqlTypes.decimal(whole + scale, scale);
}

/** The wider of two number types (for comparisons, CASE branches, GREATEST, …). */
export function widenNumbers(a: SqlType, b: SqlType): SqlType {
  if (a.base === 'DOUBLE' || b.base === 'DOUBLE') return SqlTypes.DOUBLE;
  if (a.base === 'DECIMAL' || b.base === 'DECIMAL') return widenDecimal(a, b);
  if (a.base === 'BIGINT' || b.base === 'BIGINT') return SqlTypes.BIGINT;
  return SqlTypes.INTEGER;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** The DECIMAL type of `l op r` (SqlDecimal.add / multiply / divide / modulus). */
export function decimalResultType(op: ArithmeticOp, l: SqlDecimalType, r: SqlDecimalType): SqlDecimalType {
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(l.scale, r.scale);
      return SqlTypes.decimal(scale + Math.max(l.precision - l.scale, r.precision - r.scale) + 1, scale);
    }
    case '*':
      return SqlTypes.decimal(l.precision + r.precision + 1, l.scale + r.scale);
    case '/': {
      const scale = Math.max(6, l.scale + r.precision + 1);
      return SqlTypes.decimal(l.precision - l.scale + r.scale + scale, scale);
    }
    case '%': {
      const scale = Math.max(l.scale, r.scale);
      return SqlTypes.decimal(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale);
    }
  }
}

/**
 * The result type of arithmetic on two numbers (ksqlDB's Operator.resultType); undefined when the
 * operands are not both numbers. (STRING + STRING is handled by the caller.)
 */
export function arithmeticResultType(op: ArithmeticOp, l: SqlType, r: SqlType): SqlType | undefined {
  if (!isNumeric(l) || !isNumeric(r)) return undefined;
  if (canWidenNumber(l.base, r.base)) {
    return r.base === 'DECIMAL' ? decimalResultType(op, toDecimalType(l), r as SqlDecimalType) : r;
  }
  return l.base === 'DECIMAL' ? decimalResultType(op, l as SqlDecimalType, toDecimalType(r)) : l;
}

/**
 * The type two values of types `a` and `b` share, when one converts implicitly to the other
 * (CASE branches, array elements, map values, COALESCE): equal types, wider numbers, and
 * complex types element by element. NULL (no type) takes the other side's type.
 */
export function commonType(a: MaybeType, b: MaybeType): MaybeType | undefined {
  if (a === null) return b;
  if (b === null) return a;
  if (isNumeric(a) && isNumeric(b)) return widenNumbers(a, b);
  if (a.base !== b.base) return undefined;
  switch (a.base) {
    case 'ARRAY': {
      const e = commonType(a.element, (b as typeof a).element);
      return e ? SqlTypes.array(e) : undefined;
    }
    case 'MAP': {
      const bm = b as typeof a;
      const k = commonType(a.key, bm.key);
      const v = commonType(a.value, bm.value);
      return k && v ? SqlTypes.map(k, v) : undefined;
    }
    case 'STRUCT': {
      // Structs meet field by field: the fields of both, those in common of their common type.
      const bs = b as typeof a;
      const fields: { name: string; type: SqlType }[] = [];
      for (const f of a.fields) {
        const other = bs.fields.find((g) => g.name === f.name);
        const t = other ? commonType(f.type, other.type) : f.type;
        if (!t) return undefined;
        fields.push({ name: f.name, type: t });
      }
      for (const g of bs.fields)
        if (!a.fields.some((f) => f.name === g.name)) fields.push({ name: g.name, type: g.type });
      return SqlTypes.struct(fields);
    }
    default:
      return sqlTypeEquals(a, b) || a.base === b.base ? a : undefined;
  }
}
