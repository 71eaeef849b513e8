import { KsqlError } from '../errors.js';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';
import type { KsqlSerde } from './format.js';
import { NULL_ROW, SerdeError } from './format-properties.js';
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
        const json = parse(data.toString('utf8', start));
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
  const fields = columns.map((c) => ({
    name: c.name,
    path: `$.${c.name}`,
    inherited: c.name in Object.prototype,
    read: compileJsonReader(c.type),
  }));
  const required = `STRUCT<${columns.map((c) => `\`${c.name}\` ${describe(c.type)}`).join(', ')}>`;
  const n = fields.length;
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
    let upper: Map<string, unknown> | undefined;
    for (let i = 0; i < n; i++) {
      const f = fields[i];
      // A name Object.prototype also has (a quoted `constructor`) must be the JSON's own.
      let v = f.inherited && !Object.hasOwn(obj, f.name) ? undefined : obj[f.name];
      if (v === undefined && !Object.hasOwn(obj, f.name)) {
        upper ??= upperCaseKeys(obj);
        v = upper.get(f.name);
      }
      row[i] = at(f.path, f.read, v);
    }
    return row;
  };
}

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
