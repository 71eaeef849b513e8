import type { SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { javaDoubleToString } from '../values/java-number.js';
import { formatDate, formatTime, formatTimestamp } from '../values/temporal.js';

/**
 * A value as ksqlDB's CAST(x AS STRING) prints it: Java's toString of its Java value — doubles
 * as Double.toString, DECIMAL in plain notation, lists `[1, 2]`, maps `{a=1}`, structs
 * `Struct{A=1,B=x}` (null fields left out, as Connect's Struct does), DATE/TIME/TIMESTAMP in ISO form.
 */
export function valueToJavaString(value: unknown, type: SqlType): string {
  switch (type.base) {
    case 'DOUBLE':
      return javaDoubleToString(value as number);
    case 'DECIMAL':
      return (value as Decimal).toString();
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number);
    case 'TIMESTAMP':
      return formatTimestamp(value as number);
    case 'BYTES':
      return (value as Buffer).toString('base64');
    case 'ARRAY':
      return `[${(value as unknown[]).map((v) => nested(v, type.element)).join(', ')}]`;
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, v] of value as Map<unknown, unknown>)
        parts.push(`${nested(k, type.key)}=${nested(v, type.value)}`);
      return `{${parts.join(', ')}}`;
    }
    case 'STRUCT': {
      const o = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const f of type.fields) {
        const v = o[f.name];
        if (v !== null && v !== undefined) parts.push(`${f.name}=${nested(v, f.type)}`);
      }
      return `Struct{${parts.join(',')}}`;
    }
    default:
      return String(value);
  }
}

function nested(v: unknown, type: SqlType): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Decimal) return v.toString();
  return valueToJavaString(v, type);
}
