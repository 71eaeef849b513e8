import { Decimal, javaDoubleToString } from '@meterstream/ksql';

/**
 * A result value as ksqlDB's JSON shows it: the engine's values (see @meterstream/ksql sql-type.ts)
 * are JSON already except MAP (a Map → object), DECIMAL (→ number), BYTES (→ base64, as ksqlDB's
 * Jackson does with byte[]) and bigints.
 */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') {
    if (typeof value === 'bigint')
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    return value;
  }
  if (value instanceof Decimal) return value.toNumber();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonValue(v);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v);
  return out;
}

export function rowJson(row: readonly unknown[]): string {
  return JSON.stringify(row.map(jsonValue));
}

/**
 * A result row's `columns` array as ksqlDB's Jackson writes it: values by jsonValue, except that a
 * DOUBLE (alone or as an ARRAY's elements) is written as Java's double (`8.0`, `1.0E-4`), so a
 * DOUBLE never reads back as an integer. `types` are the columns' SQL types as printed.
 */
export function rowColumnsJson(row: readonly unknown[], types: readonly string[]): string {
  return `[${row.map((v, i) => typedJson(v, types[i] ?? '')).join(',')}]`;
}

function typedJson(value: unknown, type: string): string {
  if (type === 'DOUBLE' && typeof value === 'number' && Number.isFinite(value))
    return javaDoubleToString(value);
  if (type === 'ARRAY<DOUBLE>' && Array.isArray(value)) {
    return `[${value.map((v) => typedJson(v, 'DOUBLE')).join(',')}]`;
  }
  return JSON.stringify(jsonValue(value));
}
