/**
 * KSQL's SQL types (ksqlDB's SqlType hierarchy) as a discriminated union.
 *
 * Runtime values of each type (the one representation every part of the engine uses — evaluator,
 * formats, aggregates, state stores):
 *   BOOLEAN   → boolean
 *   INTEGER   → number (a 32-bit integer; arithmetic wraps as Java's int does)
 *   BIGINT    → number (exact up to 2^53; documented limitation — see the module README)
 *   DOUBLE    → number
 *   DECIMAL   → Decimal (values/decimal.ts: unscaled bigint + scale)
 *   STRING    → string
 *   BYTES     → Buffer
 *   DATE      → number, days since 1970-01-01
 *   TIME      → number, milliseconds since midnight
 *   TIMESTAMP → number, milliseconds since the epoch (UTC)
 *   ARRAY     → unknown[]
 *   MAP       → Map<unknown, unknown> (insertion order kept, as ksqlDB's LinkedHashMap)
 *   STRUCT    → a plain object whose keys are the field names, in declared order
 * SQL NULL is `null` everywhere (never `undefined`).
 */
export type SqlBaseType =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT';

export interface SqlPrimitiveType {
  readonly base:
    | 'BOOLEAN'
    | 'INTEGER'
    | 'BIGINT'
    | 'DOUBLE'
    | 'STRING'
    | 'BYTES'
    | 'DATE'
    | 'TIME'
    | 'TIMESTAMP';
}
export interface SqlDecimalType {
  readonly base: 'DECIMAL';
  readonly precision: number;
  readonly scale: number;
}
export interface SqlArrayType {
  readonly base: 'ARRAY';
  readonly element: SqlType;
}
export interface SqlMapType {
  readonly base: 'MAP';
  readonly key: SqlType;
  readonly value: SqlType;
}
export interface SqlStructField {
  readonly name: string;
  readonly type: SqlType;
}
export interface SqlStructType {
  readonly base: 'STRUCT';
  readonly fields: readonly SqlStructField[];
}

export type SqlType = SqlPrimitiveType | SqlDecimalType | SqlArrayType | SqlMapType | SqlStructType;

export const SqlTypes = {
  BOOLEAN: { base: 'BOOLEAN' } as SqlPrimitiveType,
  INTEGER: { base: 'INTEGER' } as SqlPrimitiveType,
  BIGINT: { base: 'BIGINT' } as SqlPrimitiveType,
  DOUBLE: { base: 'DOUBLE' } as SqlPrimitiveType,
  STRING: { base: 'STRING' } as SqlPrimitiveType,
  BYTES: { base: 'BYTES' } as SqlPrimitiveType,
  DATE: { base: 'DATE' } as SqlPrimitiveType,
  TIME: { base: 'TIME' } as SqlPrimitiveType,
  TIMESTAMP: { base: 'TIMESTAMP' } as SqlPrimitiveType,
  decimal: (precision: number, scale: number): SqlDecimalType => ({ base: 'DECIMAL', precision, scale }),
  array: (element: SqlType): SqlArrayType => ({ base: 'ARRAY', element }),
  map: (key: SqlType, value: SqlType): SqlMapType => ({ base: 'MAP', key, value }),
  struct: (fields: readonly SqlStructField[]): SqlStructType => ({ base: 'STRUCT', fields }),
} as const;

/** Formats a type as ksqlDB prints it (DESCRIBE, error messages): `STRUCT<`A` INTEGER>`, `DECIMAL(4, 2)`. */
export function formatSqlType(type: SqlType): string {
  switch (type.base) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatSqlType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatSqlType(type.key)}, ${formatSqlType(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${formatSqlType(f.type)}`).join(', ')}>`;
    default:
      return type.base;
  }
}

/** Structural equality of two types (struct field names compared exactly). */
export function sqlTypeEquals(a: SqlType, b: SqlType): boolean {
  if (a.base !== b.base) return false;
  switch (a.base) {
    case 'DECIMAL': {
      const d = b as SqlDecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case 'ARRAY':
      return sqlTypeEquals(a.element, (b as SqlArrayType).element);
    case 'MAP': {
      const m = b as SqlMapType;
      return sqlTypeEquals(a.key, m.key) && sqlTypeEquals(a.value, m.value);
    }
    case 'STRUCT': {
      const s = b as SqlStructType;
      return (
        a.fields.length === s.fields.length &&
        a.fields.every((f, i) => f.name === s.fields[i].name && sqlTypeEquals(f.type, s.fields[i].type))
      );
    }
    default:
      return true;
  }
}
