import { KsqlError, type SourcePosition } from '../../errors.js';
import { formatSqlType, type SqlType } from '../../types/sql-type.js';
import { Decimal } from '../../values/decimal.js';
import type { AggregateFactory, FunctionDescription, KsqlAggregateFunction } from '../function-types.js';

/**
 * What the aggregate functions share: the "no variant" error, argument-type checks, descriptions
 * for SHOW / DESCRIBE FUNCTION, and value comparison / equality over the runtime representation of
 * SQL values (see types/sql-type.ts).
 *
 * Accumulators are treated as immutable: `aggregate`, `undo` and `merge` return a new accumulator
 * when anything changes and never modify the one they were given. The windowed aggregation keeps
 * the previous aggregate object as the "old value" of a table update (HAVING compares old and new),
 * so an in-place change would make the old value read as the new one.
 */

/** ksqlDB's message when no variant of a function takes the given argument types. */
export function noVariant(name: string, argTypes: readonly SqlType[], position?: SourcePosition): KsqlError {
  return new KsqlError(
    `Function '${name}' does not accept parameters (${argTypes.map(formatSqlType).join(', ')}).`,
    position,
  );
}

export type BaseName = SqlType['base'];

export const NUMERIC_BASES: readonly BaseName[] = ['INTEGER', 'BIGINT', 'DOUBLE'];
/** Types ksqlDB's MIN / MAX / TOPKDISTINCT accept (Comparable Java types). */
export const COMPARABLE_BASES: readonly BaseName[] = [
  'INTEGER',
  'BIGINT',
  'DOUBLE',
  'DECIMAL',
  'STRING',
  'BYTES',
  'DATE',
  'TIME',
  'TIMESTAMP',
];

/** The one column argument of a single-argument aggregate, when its base type is accepted. */
export function singleArg(
  name: string,
  argTypes: readonly SqlType[],
  accepted: readonly BaseName[] | 'ANY',
  position?: SourcePosition,
): SqlType {
  const t = argTypes[0];
  if (argTypes.length !== 1 || t === undefined || (accepted !== 'ANY' && !accepted.includes(t.base))) {
    throw noVariant(name, argTypes, position);
  }
  return t;
}

export function requireNoLiterals(
  name: string,
  argTypes: readonly SqlType[],
  literals: readonly unknown[],
  position?: SourcePosition,
): void {
  if (literals.length !== 0) throw noVariant(name, [...argTypes, ...literals.map(literalType)], position);
}

/** The SQL type of a literal argument, for messages. */
export function literalType(v: unknown): SqlType {
  if (typeof v === 'boolean') return { base: 'BOOLEAN' };
  if (typeof v === 'number') return Number.isInteger(v) ? { base: 'INTEGER' } : { base: 'DOUBLE' };
  if (v instanceof Decimal) return { base: 'DECIMAL', precision: v.precision(), scale: v.scale };
  return { base: 'STRING' };
}

/** A positive INT literal (TOPK's k, LATEST_BY_OFFSET's n). */
export function positiveIntLiteral(what: string, v: unknown, position?: SourcePosition): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new KsqlError(`${what} must be an INT literal`, position);
  }
  if (v <= 0) throw new KsqlError(`${what} must be 1 or greater`, position);
  return v;
}

export interface VariantDoc {
  readonly signature: string;
  readonly description?: string;
}

export function describe(
  name: string,
  description: string,
  variants: readonly VariantDoc[],
): FunctionDescription {
  return { name, kind: 'AGGREGATE', description, category: 'AGGREGATE', variants };
}

/** An AggregateFactory from its description and binder. */
export function factory(
  description: FunctionDescription,
  create: AggregateFactory['create'],
): AggregateFactory {
  return { description, create };
}

/** Fills the fields every function has, so each file writes only its behaviour. */
export function fn<A>(
  name: string,
  returnType: SqlType,
  impl: Omit<KsqlAggregateFunction<A>, 'name' | 'returnType'>,
) {
  return { name, returnType, ...impl } as KsqlAggregateFunction<A>;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Decimal a + b (or a − b) exactly, at the larger scale of the two. */
export function decimalAdd(a: Decimal, b: Decimal, negateB = false): Decimal {
  const scale = Math.max(a.scale, b.scale);
  const ua = a.unscaled * 10n ** BigInt(scale - a.scale);
  const ub = b.unscaled * 10n ** BigInt(scale - b.scale);
  return new Decimal(negateB ? ua - ub : ua + ub, scale);
}

export function decimalCompare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const ua = a.unscaled * 10n ** BigInt(scale - a.scale);
  const ub = b.unscaled * 10n ** BigInt(scale - b.scale);
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

export type Comparator = (a: unknown, b: unknown) => number;

const numberCompare: Comparator = (a, b) =>
  (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
/** String.compareTo: UTF-16 code units, which is how JS orders strings too. */
const stringCompare: Comparator = (a, b) =>
  (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
/** ByteBuffer.compareTo compares bytes as signed values. */
const bytesCompare: Comparator = (a, b) => {
  const x = a as Buffer;
  const y = b as Buffer;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = ((x[i]! << 24) >> 24) - ((y[i]! << 24) >> 24);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length;
};

/** The natural order of a comparable SQL type's values (nulls are handled by the callers). */
export function comparatorFor(type: SqlType): Comparator {
  switch (type.base) {
    case 'STRING':
      return stringCompare;
    case 'BYTES':
      return bytesCompare;
    case 'DECIMAL':
      return (a, b) => decimalCompare(a as Decimal, b as Decimal);
    case 'BOOLEAN':
      return (a, b) => Number(a) - Number(b);
    default:
      return numberCompare;
  }
}

/**
 * Deep equality of SQL values (Java's equals on ksqlDB's values): arrays and structs element-wise,
 * maps by entries, bytes by content, decimals by value and scale (BigDecimal.equals).
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Decimal) return b instanceof Decimal && a.scale === b.scale && a.unscaled === b.unscaled;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    }
    return true;
  }
  if (Array.isArray(b) || b instanceof Map || Buffer.isBuffer(b) || b instanceof Decimal) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
