import { KsqlError, type SourcePosition } from '../errors.js';
import type { Literal } from '../parser/ast.js';
import { type SqlType, SqlTypes } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { parseDate, parseTime, parseTimestamp } from '../values/temporal.js';
import type { Compiled } from './context.js';

/** The DECIMAL type of a literal's digits (ksqlDB's DecimalUtil.fromValue: `0.05` is DECIMAL(3, 2)). */
export function decimalLiteralType(d: Decimal): SqlType {
  const digits = d.precision();
  if (digits <= d.scale) return SqlTypes.decimal(d.scale + 1, d.scale);
  return SqlTypes.decimal(digits, d.scale);
}

export function constant(expr: Compiled['expr'], type: SqlType | null, value: unknown): Compiled {
  return { expr, type, evaluate: () => value, constant: { value } };
}

function typedLiteral(
  e: Extract<Literal, { kind: 'TypedLiteral' }>,
  pos: SourcePosition | undefined,
): [SqlType, unknown] {
  try {
    switch (e.typeName.toUpperCase()) {
      case 'DATE':
        return [SqlTypes.DATE, parseDate(e.text)];
      case 'TIME':
        return [SqlTypes.TIME, parseTime(e.text)];
      case 'TIMESTAMP':
        return [SqlTypes.TIMESTAMP, parseTimestamp(e.text)];
      case 'BYTES':
        return [SqlTypes.BYTES, Buffer.from(e.text, 'base64')];
    }
  } catch (err) {
    throw new KsqlError((err as Error).message, pos);
  }
  throw new KsqlError(`Unknown literal type: ${e.typeName}`, pos);
}

export function compileLiteral(e: Literal & Compiled['expr']): Compiled {
  switch (e.kind) {
    case 'NullLiteral':
      return constant(e, null, null);
    case 'BooleanLiteral':
      return constant(e, SqlTypes.BOOLEAN, e.value);
    case 'IntegerLiteral':
      return constant(e, e.type === 'INTEGER' ? SqlTypes.INTEGER : SqlTypes.BIGINT, e.value);
    case 'DecimalLiteral': {
      const d = Decimal.parse(e.text);
      return constant(e, decimalLiteralType(d), d);
    }
    case 'DoubleLiteral':
      return constant(e, SqlTypes.DOUBLE, e.value);
    case 'StringLiteral':
      return constant(e, SqlTypes.STRING, e.value);
    case 'TypedLiteral': {
      const [type, value] = typedLiteral(e, e.pos);
      return constant(e, type, value);
    }
  }
}
