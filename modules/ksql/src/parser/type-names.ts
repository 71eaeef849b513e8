import { KsqlError, type SourcePosition } from '../errors.js';
import { formatSqlType, type SqlType, SqlTypes } from '../types/sql-type.js';

/**
 * Custom types registered with `CREATE TYPE name AS type`, by name (as the identifier resolves:
 * upper-cased unless quoted). The engine passes its registry to the parser; the parser also applies
 * the CREATE TYPE / DROP TYPE statements of the script it parses to later statements of that script.
 */
export type CustomTypeRegistry = ReadonlyMap<string, SqlType>;

const PRIMITIVES: Record<string, SqlType> = {
  BOOLEAN: SqlTypes.BOOLEAN,
  INT: SqlTypes.INTEGER,
  INTEGER: SqlTypes.INTEGER,
  BIGINT: SqlTypes.BIGINT,
  DOUBLE: SqlTypes.DOUBLE,
  STRING: SqlTypes.STRING,
  VARCHAR: SqlTypes.STRING,
  BYTES: SqlTypes.BYTES,
  DATE: SqlTypes.DATE,
  TIME: SqlTypes.TIME,
  TIMESTAMP: SqlTypes.TIMESTAMP,
};

/**
 * A type written as a name: a primitive (any case, as ksqlDB compares them) or a registered
 * custom type (exact name); anything else is ksqlDB's `Cannot resolve unknown type`.
 */
export function resolveTypeName(name: string, registry: CustomTypeRegistry): SqlType {
  const primitive = PRIMITIVES[name.toUpperCase()];
  if (primitive) return primitive;
  const custom = registry.get(name);
  if (custom) return custom;
  // ksqlDB reports this without a position (messages are compared with its own).
  throw new KsqlError(`Cannot resolve unknown type: ${name}`);
}

/** ksqlDB validates DECIMAL parameters when the type is built. */
export function decimalType(precision: number, scale: number, pos: SourcePosition): SqlType {
  if (precision < 1)
    throw new KsqlError(`DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`, pos);
  if (scale < 0) throw new KsqlError(`DECIMAL scale must be >= 0: DECIMAL(${precision},${scale})`, pos);
  if (scale > precision) {
    throw new KsqlError(`DECIMAL precision must be >= scale: DECIMAL(${precision},${scale})`, pos);
  }
  return SqlTypes.decimal(precision, scale);
}

const HEADERS_TYPE = SqlTypes.array(
  SqlTypes.struct([
    { name: 'KEY', type: SqlTypes.STRING },
    { name: 'VALUE', type: SqlTypes.BYTES },
  ]),
);

/**
 * `HEADERS` columns hold all headers, `HEADER('k')` columns one header's bytes (ksqlDB checks both,
 * and words the errors without a position).
 */
export function checkHeaderColumnType(type: SqlType, header: string | undefined): void {
  if (header !== undefined) {
    if (type.base !== 'BYTES') {
      throw new KsqlError(
        `Invalid type for HEADER('${header}') column: expected BYTES, got ${formatSqlType(type)}`,
      );
    }
  } else if (formatSqlType(type) !== formatSqlType(HEADERS_TYPE)) {
    throw new KsqlError(
      `Invalid type for HEADERS column: expected ${formatSqlType(HEADERS_TYPE)}, got ${formatSqlType(type)}`,
    );
  }
}
