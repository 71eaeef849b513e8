import { KsqlError } from '../errors.js';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';
import type { KsqlSerde } from './format.js';
import { NULL_ROW, SerdeError } from './format-properties.js';
import { compileFlatRowScanner } from './json-flat-row.js';
import { parseJsonExact } from './json-parse.js';
import {
  compileJsonReader,
  compileJsonWriter,
  JsonCoercionError,
  type JsonReader,
  JsonNumberText,
  upperCaseKeys,
} from './json-values.js';

/**
 * The JSON format (and JSON_SR's payloads): a row is an object with the columns' names as written
 * (or, unwrapped, the single column's value alone). Reading matches names case-insensitively and
 * coerces as ksqlDB does; writing produces the bytes ksqlDB's JsonConverter does.
 */

export function validateJsonType(type: SqlType): void {
  switch (type.base) {
    case 'MAP':
      if (type.key.base !== 'STRING') throw new KsqlError('JSON only supports MAP types with STRING keys');
      validateJsonType(type.value);
      return;
    case 'ARRAY':
      validateJsonType(type.element);
      return;
    case 'STRUCT':
      for (const f of type.fields) validateJsonType(f.type);
      return;
    default:
      return;
  }
}

function hasDecimal(type: SqlType): boolean {
  switch (type.base) {
    case 'DECIMAL':
      return true;
    case 'ARRAY':
      return hasDecimal(type.element);
    case 'MAP':
      return hasDecimal(type.value);
    case 'STRUCT':
      return type.fields.some((f) => hasDecimal(f.type));
    default:
      return false;
  }
}

export interface JsonSerdeOptions {
  readonly columns: readonly Pick<Column, 'name' | 'type'>[];
  readonly wrapped: boolean;
  readonly topic: string;
  readonly part: 'key' | 'value';
  /**
   * JSON_SR: the subject and the schema id written in the 5-byte Confluent framing (undefined when
   * the subject holds another schema: serializing then fails, naming it). Absent for plain JSON.
   */
  readonly schemaRegistry?: { readonly subject: string; readonly id: number | undefined };
  /**
   * The names written for the columns, when a *_SCHEMA_ID schema spells them differently (its
   * property matching a column exactly or upper-cased); the column names otherwise.
   */
  readonly fieldNames?: readonly string[];
  /** Columns the query never reads (SerdeContext.unusedColumns). */
  readonly unusedColumns?: ReadonlySet<string>;
}

export function jsonSerde(o: JsonSerdeOptions): KsqlSerde<GenericRow> {
  for (const c of o.columns) validateJsonType(c.type);
  const sr = o.schemaRegistry !== undefined;
  // Exact decimals need the number texts JSON.parse drops; other schemas take the fast parser.
  const parse: (text: string) => unknown = o.columns.some((c) => hasDecimal(c.type))
    ? parseJsonExact
    : JSON.parse;
  const toText = rowWriter(o.columns, o.wrapped, o.fieldNames);
  const fromJson = rowReader(o.columns, o.wrapped);
  const flatRow = o.wrapped && parse === JSON.parse ? flatRowReader(o.columns, o.unusedColumns) : undefined;
  let header: Buffer | undefined;
  if (o.schemaRegistry?.id !== undefined) {
    header = Buffer.alloc(5);
    header.writeInt32BE(o.schemaRegistry.id, 1);
  }
  const target = o.part;
  return {
    serialize(row) {
      const text = toText(row);
      if (text === undefined) return null as unknown as Buffer;
      if (!sr) return Buffer.from(text, 'utf8');
      if (!header) {
        throw new SerdeError(
          `Error serializing message to topic: ${o.topic}. Subject ${o.schemaRegistry?.subject} holds a schema other than the one derived from the columns; set ${target.toUpperCase()}_SCHEMA_ID`,
        );
      }
      const len = Buffer.byteLength(text, 'utf8');
      const out = Buffer.allocUnsafe(5 + len);
      header.copy(out, 0);
      out.write(text, 5, 'utf8');
      return out;
    },
    deserialize(data) {
      try {
        let start = 0;
        if (sr) {
          if (data.length === 0 || data[0] !== 0) {
            throw new Error(
              'Got unexpected JSON serialization format that did not start with the magic byte. If this stream was not serialized using the JsonSchemaConverter, then make sure the stream is declared with JSON format (not JSON_SR).',
            );
          }
          start = 5;
        }
        // UTF-8 (the no-argument form skips the encoding lookup)
        const text = start === 0 ? data.toString() : data.toString('utf8', start);
        if (flatRow !== undefined) {
          const row = flatRow(text);
          if (row !== undefined) return row;
        }
        const json = parse(text);
        if (json === null) return NULL_ROW;
        return fromJson(json);
      } catch (cause) {
        const message =
          cause instanceof SyntaxError ? `Unrecognized JSON: ${cause.message}` : (cause as Error).message;
        throw new SerdeError(`Failed to deserialize ${target} from topic: ${o.topic}. ${message}`, { cause });
      }
    },
  };
}

/** Writes a row as the JSON text ksqlDB writes; undefined for an unwrapped null (a null payload). */
function rowWriter(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
  fieldNames: readonly string[] = columns.map((c) => c.name),
): (row: GenericRow) => string | undefined {
  if (!wrapped) {
    const write = compileJsonWriter(columns[0].type);
    return (row) => (row[0] === null || row[0] === undefined ? undefined : write(row[0]));
  }
  const prefixes = fieldNames.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`);
  const writers = columns.map((c) => compileJsonWriter(c.type));
  const n = columns.length;
  return (row) => {
    if (n === 0) return '{}';
    let out = '';
    for (let i = 0; i < n; i++) out += prefixes[i] + writers[i](row[i] ?? null);
    return `${out}}`;
  };
}

function rowReader(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
): (json: unknown) => GenericRow {
  if (!wrapped) {
    const read = compileJsonReader(columns[0].type);
    return (json) => [at('$', read, json)];
  }
  const names = columns.map((c) => c.name);
  const paths = columns.map((c) => `$.${c.name}`);
  const readers = columns.map((c) => compileJsonReader(c.type));
  // A name Object.prototype also has (a quoted `constructor`) must be the JSON's own.
  const inherited = columns.map((c) => c.name in Object.prototype);
  // which columns the current object lacks by exact name (reused: a reader does not re-enter)
  const absent = new Uint8Array(names.length);
  const byUpperCase = upperCaseMatcher(names);
  const required = `STRUCT<${columns.map((c) => `\`${c.name}\` ${describe(c.type)}`).join(', ')}>`;
  const n = names.length;
  return (json) => {
    if (typeof json !== 'object' || json === null || Array.isArray(json) || json instanceof JsonNumberText) {
      const source =
        typeof json === 'string'
          ? 'TextNode'
          : Array.isArray(json)
            ? 'ArrayNode'
            : typeof json === 'boolean'
              ? 'BooleanNode'
              : 'NumericNode';
      throw new JsonCoercionError(
        `Can't convert type. sourceType: ${source}, requiredType: ${required}`,
        '$',
      );
    }
    const obj = json as Record<string, unknown>;
    const row = new Array<unknown>(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const name = names[i];
      const v = inherited[i] && !Object.hasOwn(obj, name) ? undefined : obj[name];
      if (v === undefined && !Object.hasOwn(obj, name)) {
        absent[i] = 1;
        missing++;
      } else {
        absent[i] = 0;
        row[i] = v;
      }
    }
    if (missing > 0) byUpperCase(obj, row, absent);
    for (let i = 0; i < n; i++) row[i] = at(paths[i], readers[i], row[i]);
    return row;
  };
}

/**
 * Fills the columns a JSON object lacks under their exact names from its names upper-cased
 * (ksqlDB: the last of equal upper-cased names wins). Payloads carry the same few names on every
 * record (`metricType` for the column METRICTYPE), so each JSON name's column is cached: no
 * per-record upper-casing nor map building.
 */
function upperCaseMatcher(
  names: readonly string[],
): (obj: Record<string, unknown>, row: unknown[], absent: Uint8Array) => void {
  const byName = new Map<string, number>();
  for (let i = 0; i < names.length; i++) byName.set(names[i], i);
  if (byName.size !== names.length) {
    // duplicate column names (not expected from a valid schema): match each by name, uncached
    return (obj, row, absent) => {
      const upper = upperCaseKeys(obj);
      for (let i = 0; i < names.length; i++) if (absent[i]) row[i] = upper.get(names[i]);
    };
  }
  const columnOf = new Map<string, number>(); // JSON name → column index, -1 for none
  return (obj, row, absent) => {
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      let i = columnOf.get(k);
      if (i === undefined) {
        i = byName.get(k.toUpperCase()) ?? -1;
        // bounded: objects with ever-new names must not grow it without end
        if (columnOf.size >= 10_000) columnOf.clear();
        columnOf.set(k, i);
      }
      if (i >= 0 && absent[i]) row[i] = obj[k];
    }
  };
}

/**
 * The rows of flat objects of scalars read without JSON.parse (json-flat-row.ts), coerced by the
 * same readers; undefined (use JSON.parse) for a payload of another shape. Only for columns of
 * scalar types: a nested column's payloads would never take the fast path.
 */
function flatRowReader(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  unused: ReadonlySet<string> | undefined,
): ((text: string) => GenericRow | undefined) | undefined {
  if (columns.some((c) => c.type.base === 'ARRAY' || c.type.base === 'MAP' || c.type.base === 'STRUCT'))
    return undefined;
  // Any JSON scalar reads as a STRING, so an unused STRING column can never fail a record: the
  // scanner skips its text instead of copying it out (it stays null in the row).
  const skip = columns.map((c) => c.type.base === 'STRING' && unused?.has(c.name) === true);
  const scan = compileFlatRowScanner(
    columns.map((c) => c.name),
    skip,
  );
  if (scan === undefined) return undefined;
  const paths = columns.map((c) => `$.${c.name}`);
  const readers = columns.map((c) => compileJsonReader(c.type));
  // The JSON type each column's reader returns unchanged (its usual case, checked inline).
  const same = columns.map((c) => IDENTITY_JSON_TYPE[c.type.base] ?? '');
  const n = columns.length;
  return (text) => {
    const row = new Array<unknown>(n);
    if (!scan(text, row)) return undefined;
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (typeof v === same[i]) continue;
      row[i] = v === undefined || v === null ? null : at(paths[i], readers[i], v);
    }
    return row;
  };
}

/**
 * Column types whose JSON reader (json-values.ts) returns a value of this JSON type as it is:
 * the flat reader keeps those without calling the reader.
 */
const IDENTITY_JSON_TYPE: Partial<Record<SqlType['base'], string>> = {
  STRING: 'string',
  DOUBLE: 'number',
  BOOLEAN: 'boolean',
};

function at(path: string, read: JsonReader, v: unknown): unknown {
  try {
    return read(v);
  } catch (e) {
    if (e instanceof JsonCoercionError) throw new JsonCoercionError(e.reason, path + e.path);
    throw new JsonCoercionError((e as Error).message, path);
  }
}

function describe(type: SqlType): string {
  switch (type.base) {
    case 'INTEGER':
      return 'INT';
    case 'STRING':
      return 'VARCHAR';
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${describe(type.element)}>`;
    case 'MAP':
      return `MAP<${describe(type.key)}, ${describe(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${describe(f.type)}`).join(', ')}>`;
    default:
      return type.base;
  }
}
