import { KsqlError } from '../errors.js';
import type { Column } from '../schema/logical-schema.js';
import { type SqlType, SqlTypes } from '../types/sql-type.js';

/**
 * JSON_SR's JSON Schema: derived from columns as Confluent's JsonSchemaData writes ksqlDB's Connect
 * schema (every value optional: `oneOf: [null, T]`; `connect.index` on object properties;
 * `connect.type` for ints, doubles, bytes and maps; DECIMAL as a number titled Connect's Decimal),
 * and the columns inferred from a registered one.
 */

type Json = Record<string, unknown>;

const CONNECT = 'org.apache.kafka.connect.data.';

export function jsonSchemaOf(columns: readonly Pick<Column, 'name' | 'type'>[], wrapped: boolean): Json {
  if (wrapped) return objectSchema(columns);
  // An unwrapped root stays optional in JSON Schema (unlike Avro, nothing rebuilds it).
  return typeSchema(columns[0].type, undefined);
}

function objectSchema(fields: readonly { readonly name: string; readonly type: SqlType }[]): Json {
  const properties: Json = {};
  fields.forEach((f, i) => {
    properties[f.name] = typeSchema(f.type, i);
  });
  return { type: 'object', properties };
}

/** ksqlDB's Connect schemas are optional throughout: JsonSchemaData writes `oneOf: [null, T]`. */
function typeSchema(type: SqlType, index: number | undefined): Json {
  const base = baseSchema(type);
  const out: Json = { oneOf: [{ type: 'null' }, base] };
  if (index !== undefined) out['connect.index'] = index;
  return out;
}

function baseSchema(type: SqlType): Json {
  switch (type.base) {
    case 'BOOLEAN':
      return { type: 'boolean' };
    case 'INTEGER':
      return { type: 'integer', 'connect.type': 'int32' };
    case 'BIGINT':
      return { type: 'integer', 'connect.type': 'int64' };
    case 'DOUBLE':
      return { type: 'number', 'connect.type': 'float64' };
    case 'STRING':
      return { type: 'string' };
    case 'BYTES':
      return { type: 'string', 'connect.type': 'bytes' };
    case 'DECIMAL':
      return {
        type: 'number',
        title: `${CONNECT}Decimal`,
        'connect.version': 1,
        'connect.type': 'bytes',
        'connect.parameters': {
          scale: String(type.scale),
          'connect.decimal.precision': String(type.precision),
        },
      };
    case 'DATE':
      return { type: 'integer', title: `${CONNECT}Date`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIME':
      return { type: 'integer', title: `${CONNECT}Time`, 'connect.version': 1, 'connect.type': 'int32' };
    case 'TIMESTAMP':
      return { type: 'integer', title: `${CONNECT}Timestamp`, 'connect.version': 1, 'connect.type': 'int64' };
    case 'ARRAY':
      return { type: 'array', items: typeSchema(type.element, undefined) };
    case 'MAP':
      // ksqlDB's map keys are optional strings, so JsonSchemaData writes entries, not an object.
      return {
        type: 'array',
        items: {
          type: 'object',
          properties: { key: typeSchema(type.key, 0), value: typeSchema(type.value, 1) },
        },
        'connect.type': 'map',
      };
    case 'STRUCT':
      return objectSchema(type.fields);
  }
}

class UnsupportedJsonType extends Error {}

function inferType(schema: unknown, upper: boolean, root: Json): SqlType {
  if (schema === true || schema === undefined) throw new UnsupportedJsonType('Unsupported type: any');
  let s = schema as Json;
  if (typeof s.$ref === 'string') s = resolveRef(s.$ref, root);
  const combined = (s.oneOf ?? s.anyOf) as Json[] | undefined;
  if (combined) {
    const nonNull = combined.filter((b) => b.type !== 'null');
    if (nonNull.length !== 1) throw new UnsupportedJsonType('Unsupported type: union');
    return inferType(nonNull[0], upper, root);
  }
  let type = s.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length !== 1) throw new UnsupportedJsonType('Unsupported type: union');
    type = nonNull[0];
  }
  const connectType = s['connect.type'];
  const title = s.title;
  switch (type) {
    case 'boolean':
      return SqlTypes.BOOLEAN;
    case 'integer':
      if (title === `${CONNECT}Timestamp`) return SqlTypes.TIMESTAMP;
      if (title === `${CONNECT}Date`) return SqlTypes.DATE;
      if (title === `${CONNECT}Time`) return SqlTypes.TIME;
      return connectType === 'int8' || connectType === 'int16' || connectType === 'int32'
        ? SqlTypes.INTEGER
        : SqlTypes.BIGINT;
    case 'number':
      if (title === `${CONNECT}Decimal`) {
        const params = (s['connect.parameters'] ?? {}) as Record<string, string>;
        return SqlTypes.decimal(Number(params['connect.decimal.precision'] ?? 64), Number(params.scale ?? 0));
      }
      return SqlTypes.DOUBLE;
    case 'string':
      return connectType === 'bytes' ? SqlTypes.BYTES : SqlTypes.STRING;
    case 'array': {
      const items = s.items as Json | undefined;
      if (connectType === 'map' && items && typeof items === 'object') {
        const props = (items.properties ?? {}) as Json;
        return SqlTypes.map(SqlTypes.STRING, inferType(props.value, upper, root));
      }
      return SqlTypes.array(inferType(items, upper, root));
    }
    case 'object': {
      const additional = s.additionalProperties;
      if (connectType === 'map' || (s.properties === undefined && typeof additional === 'object')) {
        return SqlTypes.map(SqlTypes.STRING, inferType(additional, upper, root));
      }
      const props = (s.properties ?? {}) as Record<string, Json>;
      const entries = Object.entries(props).sort(
        (a, b) => Number(a[1]['connect.index'] ?? 0) - Number(b[1]['connect.index'] ?? 0),
      );
      const fields: { name: string; type: SqlType }[] = [];
      for (const [name, fs] of entries) {
        try {
          fields.push({ name: upper ? name.toUpperCase() : name, type: inferType(fs, upper, root) });
        } catch (e) {
          if (!(e instanceof UnsupportedJsonType)) throw e;
        }
      }
      return SqlTypes.struct(fields);
    }
    default:
      throw new UnsupportedJsonType(`Unsupported type: ${String(type)}`);
  }
}

function resolveRef(ref: string, root: Json): Json {
  if (!ref.startsWith('#')) throw new UnsupportedJsonType(`Unsupported reference: ${ref}`);
  let node: unknown = root;
  for (const part of ref
    .slice(1)
    .split('/')
    .filter((p) => p !== ''))
    node = (node as Json)[decodeURIComponent(part)];
  if (typeof node !== 'object' || node === null)
    throw new UnsupportedJsonType(`Unresolved reference: ${ref}`);
  return node as Json;
}

/** The columns ksqlDB infers from a registered JSON Schema (see inferAvroColumns for `single`). */
export function inferJsonSchemaColumns(
  schemaText: string,
  single: 'ROWKEY' | 'ROWVAL' | undefined,
  upperCaseNames: boolean,
): { name: string; type: SqlType }[] {
  const schema = JSON.parse(schemaText) as Json;
  try {
    if (single) return [{ name: single, type: inferType(schema, upperCaseNames, schema) }];
    const type = inferType(schema, upperCaseNames, schema);
    if (type.base !== 'STRUCT') {
      throw new KsqlError(
        "Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
      );
    }
    if (type.fields.length === 0) {
      throw new KsqlError(
        `Schema does not include any columns with types that ksqlDB supports.\nschema: ${schemaText}`,
      );
    }
    return type.fields.map((f) => ({ name: f.name, type: f.type }));
  } catch (e) {
    if (e instanceof UnsupportedJsonType)
      throw new KsqlError(`Unsupported type at root of schema: ${e.message}`);
    throw e;
  }
}
