import type { SqlDecimalType, SqlType } from '../types/sql-type.js';
import { Decimal } from '../values/decimal.js';
import { ensureDecimalFit } from './decimal-codec.js';
import {
  decodeBase64Strict,
  javaDoubleToString,
  parseJavaDecimal,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-text.js';

/**
 * JSON ↔ runtime values, with ksqlDB's coercions (KsqlJsonDeserializer / JsonSerdeUtils): numbers
 * and numeric strings into INT / BIGINT / DOUBLE / DECIMAL, epoch numbers into TIMESTAMP / DATE /
 * TIME, base64 into BYTES, objects into MAP and STRUCT (field names matched exactly, then
 * upper-cased), anything scalar into STRING. Readers and writers are compiled once per type.
 */

/** A JSON number kept as its text (exact decimals), from `parseJsonExact`. */
export class JsonNumberText {
  constructor(readonly text: string) {}
}

/** A coercion failure: ksqlDB's message, and the JSON path it happened at (`$.F1[2]`). */
export class JsonCoercionError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${reason}, path: ${path}`);
    this.name = 'JsonCoercionError';
  }
}

export type JsonReader = (json: unknown) => unknown;

/** Jackson's node class for a JSON value (ksqlDB names it in "Can't convert type" errors). */
function nodeType(v: unknown): string {
  if (typeof v === 'boolean') return 'BooleanNode';
  if (typeof v === 'string') return 'TextNode';
  if (Array.isArray(v)) return 'ArrayNode';
  if (v instanceof JsonNumberText)
    return /[.eE]/.test(v.text) ? 'DecimalNode' : integerNodeType(Number(v.text));
  if (typeof v === 'number') return Number.isInteger(v) ? integerNodeType(v) : 'DecimalNode';
  return 'ObjectNode';
}

function integerNodeType(n: number): string {
  if (n >= -2147483648 && n <= 2147483647) return 'IntNode';
  return Math.abs(n) < 2 ** 63 ? 'LongNode' : 'BigIntegerNode';
}

function cannotConvert(v: unknown, required: string): never {
  throw new JsonCoercionError(
    `Can't convert type. sourceType: ${nodeType(v)}, requiredType: ${required}`,
    '',
  );
}

function cannotCoerce(target: string): never {
  throw new JsonCoercionError(`Can't coerce string to type. targetType: ${target}`, '');
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof JsonNumberText) return Number(v.text);
  return undefined;
}

/** The SQL type as ksqlDB's SqlSchemaFormatter prints a Connect schema in coercion errors. */
function requiredTypeName(type: SqlType): string {
  switch (type.base) {
    case 'INTEGER':
      return 'INT';
    case 'STRING':
      return 'VARCHAR';
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${requiredTypeName(type.element)}>`;
    case 'MAP':
      return `MAP<${requiredTypeName(type.key)}, ${requiredTypeName(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${requiredTypeName(f.type)}`).join(', ')}>`;
    default:
      return type.base;
  }
}

/** Runs `read` on a child value, prefixing the child's path segment to any coercion error. */
function within(segment: string, read: JsonReader, v: unknown): unknown {
  try {
    return read(v);
  } catch (e) {
    if (e instanceof JsonCoercionError) throw new JsonCoercionError(e.reason, segment + e.path);
    throw new JsonCoercionError((e as Error).message, segment);
  }
}

const MILLIS_PER_DAY = 86_400_000;

/** Compiles the reader of one SQL type: JSON value (already parsed) → runtime value; null stays null. */
export function compileJsonReader(type: SqlType): JsonReader {
  const read = compileNonNull(type);
  return (v) => (v === null || v === undefined ? null : read(v));
}

function compileNonNull(type: SqlType): JsonReader {
  switch (type.base) {
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? v : cannotConvert(v, 'BOOLEAN'));
    case 'INTEGER':
      return (v) => {
        const n = numberOf(v);
        // Jackson's intValue(): fractions truncated, out-of-range longs keep their low 32 bits.
        if (n !== undefined) return Math.trunc(n) | 0;
        if (typeof v === 'string') return parseJavaInt(v) ?? cannotCoerce('INTEGER');
        return cannotConvert(v, 'INTEGER');
      };
    case 'BIGINT':
    case 'TIMESTAMP':
      return longReader(type.base);
    case 'DATE':
      return longReader('DATE');
    case 'TIME': {
      const long = longReader('TIME');
      return (v) => {
        const ms = long(v) as number;
        if (ms < 0 || ms > MILLIS_PER_DAY) {
          throw new JsonCoercionError(
            `Time values must use number of milliseconds greater than 0 and less than ${MILLIS_PER_DAY}.`,
            '',
          );
        }
        return ms;
      };
    }
    case 'DOUBLE':
      return (v) => {
        const n = numberOf(v);
        if (n !== undefined) return n;
        if (typeof v === 'string') return parseJavaDouble(v) ?? cannotCoerce('DOUBLE');
        return cannotConvert(v, 'DOUBLE');
      };
    case 'DECIMAL':
      return decimalReader(type);
    case 'STRING':
      return stringReader;
    case 'BYTES':
      return (v) => {
        if (typeof v !== 'string') return cannotConvert(v, 'BYTES');
        const bytes = decodeBase64Strict(v);
        if (!bytes) throw new JsonCoercionError(`Value is not a valid Base64 encoded string: ${v}`, '');
        return bytes;
      };
    case 'ARRAY': {
      const element = compileJsonReader(type.element);
      const name = requiredTypeName(type);
      return (v) => {
        if (!Array.isArray(v)) return cannotConvert(v, name);
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = within(`[${i}]`, element, v[i]);
        return out;
      };
    }
    case 'MAP': {
      // JSON object keys are strings; other key types (the QTT runner's data) are coerced from them.
      const key = type.key.base === 'STRING' ? undefined : compileJsonReader(type.key);
      const value = compileJsonReader(type.value);
      const name = requiredTypeName(type);
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof JsonNumberText)
          return cannotConvert(v, name);
        const out = new Map<unknown, unknown>();
        for (const k of Object.keys(v)) {
          const mapKey = key ? within(`.${k}.key`, key, k) : k;
          out.set(mapKey, within(`.${k}.value`, value, (v as Record<string, unknown>)[k]));
        }
        return out;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({
        name: f.name,
        segment: `.${f.name}`,
        inherited: f.name in Object.prototype,
        read: compileJsonReader(f.type),
      }));
      const name = requiredTypeName(type);
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof JsonNumberText)
          return cannotConvert(v, name);
        const obj = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        let upper: Map<string, unknown> | undefined;
        for (const f of fields) {
          // A name Object.prototype also has (a quoted `constructor`) must be the JSON's own.
          let fv = f.inherited && !Object.hasOwn(obj, f.name) ? undefined : obj[f.name];
          if (fv === undefined && !Object.hasOwn(obj, f.name)) {
            upper ??= upperCaseKeys(obj);
            fv = upper.get(f.name);
          }
          out[f.name] = within(f.segment, f.read, fv);
        }
        return out;
      };
    }
  }
}

/** ksqlDB matches a field by its exact name, then by the JSON names upper-cased (the last of equals wins). */
export function upperCaseKeys(obj: Record<string, unknown>): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of Object.keys(obj)) m.set(k.toUpperCase(), obj[k]);
  return m;
}

function longReader(target: string): JsonReader {
  return (v) => {
    const n = numberOf(v);
    if (n !== undefined) return Math.trunc(n);
    if (typeof v === 'string') return parseJavaLong(v) ?? cannotCoerce(target);
    return cannotConvert(v, target);
  };
}

function decimalReader(type: SqlDecimalType): JsonReader {
  const name = requiredTypeName(type);
  return (v) => {
    let text: string;
    if (v instanceof JsonNumberText) text = v.text;
    else if (typeof v === 'number') text = numberText(v);
    else if (typeof v === 'string') text = v;
    else return cannotConvert(v, name);
    const parsed = parseJavaDecimal(text);
    if (!parsed) throw new JsonCoercionError(`Can't coerce string to type. targetType: ${name}`, '');
    return ensureDecimalFit(parsed, type);
  };
}

/** A JS number's digits as decimal text (no exponent for the integers JSON.parse produced). */
function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}

const STRING_ARRAY_READER = compileJsonReader({ base: 'ARRAY', element: { base: 'STRING' } });

function stringReader(v: unknown): unknown {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JsonNumberText) return v.text;
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) {
    // ksqlDB joins the elements' texts: ["a", 1] → "[a, 1]".
    return `[${(STRING_ARRAY_READER(v) as unknown[]).map((e) => String(e)).join(', ')}]`;
  }
  return writeJsonText(v);
}

/** Plain JSON text of a parsed JSON value (JsonNumberText written as its digits). */
function writeJsonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof JsonNumberText) return v.text;
  if (Array.isArray(v)) return `[${v.map(writeJsonText).join(',')}]`;
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    return `{${Object.keys(obj)
      .map((k) => `${JSON.stringify(k)}:${writeJsonText(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export type JsonWriter = (value: unknown) => string;

/**
 * Compiles the writer of one SQL type: runtime value → JSON text exactly as ksqlDB's JsonConverter
 * writes it (compact; DOUBLE in Java's notation, `1.0`; DECIMAL as a number with its exact digits;
 * BYTES base64; TIMESTAMP / DATE / TIME as epoch numbers; MAP and STRUCT as objects).
 */
export function compileJsonWriter(type: SqlType): JsonWriter {
  const write = compileNonNullWriter(type);
  return (v) => (v === null || v === undefined ? 'null' : write(v));
}

function compileNonNullWriter(type: SqlType): JsonWriter {
  switch (type.base) {
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'INTEGER':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => numberText(v as number);
    case 'DOUBLE':
      return (v) => {
        const d = v as number;
        // Jackson quotes the non-numbers (QUOTE_NON_NUMERIC_NUMBERS).
        return Number.isFinite(d) ? javaDoubleToString(d) : `"${javaDoubleToString(d)}"`;
      };
    case 'DECIMAL':
      return (v) => (v as Decimal).toString();
    case 'STRING':
      return (v) => JSON.stringify(v);
    case 'BYTES':
      return (v) => `"${(v as Buffer).toString('base64')}"`;
    case 'ARRAY': {
      const element = compileJsonWriter(type.element);
      return (v) => {
        const arr = v as unknown[];
        let out = '[';
        for (let i = 0; i < arr.length; i++) out += (i === 0 ? '' : ',') + element(arr[i]);
        return `${out}]`;
      };
    }
    case 'MAP': {
      const value = compileJsonWriter(type.value);
      return (v) => {
        let out = '{';
        let first = true;
        for (const [k, mv] of v as Map<unknown, unknown>) {
          out += `${first ? '' : ','}${JSON.stringify(String(k))}:${value(mv)}`;
          first = false;
        }
        return `${out}}`;
      };
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({
        name: f.name,
        prefix: `${JSON.stringify(f.name)}:`,
        write: compileJsonWriter(f.type),
      }));
      return (v) => {
        const obj = v as Record<string, unknown>;
        let out = '{';
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i];
          out += (i === 0 ? '' : ',') + f.prefix + f.write(obj[f.name] ?? null);
        }
        return `${out}}`;
      };
    }
  }
}

/**
 * A JSON value (as JSON.parse or the QTT files give it) → the runtime value of `type`, with the
 * JSON format's coercions. `where` names the value in errors (a column, `$.F1`).
 */
export function jsonToValue(type: SqlType, json: unknown, where: string): unknown {
  try {
    return compileJsonReader(type)(json);
  } catch (e) {
    if (e instanceof JsonCoercionError) {
      const path = e.path === '' ? where : `${where}${e.path}`;
      throw new JsonCoercionError(`${e.reason} (value: ${describe(json)})`, path);
    }
    throw e;
  }
}

function describe(json: unknown): string {
  try {
    return writeJsonText(json);
  } catch {
    return String(json);
  }
}

/**
 * A runtime value → plain JSON (JSON.stringify-able): DECIMAL as a JS number (what a parsed expected
 * value holds), BYTES as base64, MAP as an object, temporal types as epoch numbers.
 */
export function valueToJson(type: SqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.base) {
    case 'DECIMAL':
      return value instanceof Decimal ? value.toNumber() : Number(value);
    case 'BYTES':
      return (value as Buffer).toString('base64');
    case 'ARRAY':
      return (value as unknown[]).map((e) => valueToJson(type.element, e));
    case 'MAP': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value as Map<unknown, unknown>) out[String(k)] = valueToJson(type.value, v);
      return out;
    }
    case 'STRUCT': {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = valueToJson(f.type, obj[f.name] ?? null);
      return out;
    }
    default:
      return value;
  }
}
