import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { Decimal } from '../../../values/decimal.js';
import { formatDate, formatTime, formatTimestamp } from '../../../values/temporal.js';
import { bound, CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P } from '../scalar-function.js';

/** AS_VALUE(key column): the value itself (it makes a key column a value column in the planner). */
export const AS_VALUE = scalar(
  'AS_VALUE',
  CATEGORY.OTHER,
  'Used exclusively in the projection of a query to allow a key column to be copied into the value schema.',
  [fixed([P.T], P.T, (v: unknown) => v, { nulls: 'pass' })],
);

/** A value as the JSON ksqlDB's TO_JSON_STRING writes: typed by the argument's SQL type. */
function toJsonValue(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.base) {
    case 'DECIMAL':
      return new RawJson((v as Decimal).toString());
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as number);
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'ARRAY':
      return (v as unknown[]).map((x) => toJsonValue(x, t.element));
    case 'MAP': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v as Map<unknown, unknown>) o[String(k)] = toJsonValue(x, t.value);
      return o;
    }
    case 'STRUCT': {
      const o: Record<string, unknown> = {};
      for (const f of t.fields)
        o[f.name] = toJsonValue((v as Record<string, unknown>)[f.name] ?? null, f.type);
      return o;
    }
    default:
      return v;
  }
}

/** A pre-rendered JSON number (DECIMAL digits kept exactly). */
class RawJson {
  constructor(readonly text: string) {}
}

function stringify(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v instanceof Decimal) return v.toString();
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}:${stringify(x)}`)
      .join(',')}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
  return JSON.stringify(v);
}

export const TO_JSON_STRING = scalar(
  'TO_JSON_STRING',
  CATEGORY.JSON,
  'Given any ksqlDB type returns the equivalent JSON string.',
  [
    bound(
      [P.T],
      SqlTypes.STRING,
      (call: BoundCall) => {
        const t = call.argTypes[0] ?? SqlTypes.STRING;
        return (a) => stringify(toJsonValue(a[0], t));
      },
      { nulls: 'pass' },
    ),
  ],
);
