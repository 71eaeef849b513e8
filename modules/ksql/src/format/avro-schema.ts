import { KsqlError } from '../errors.js';
import type { Column } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';
import { namespaceOf } from './avro-names.js';

/**
 * The Avro schema ksqlDB derives from columns (AvroSchemas + Confluent's AvroData with connect
 * metadata on); inference from a registered schema is in avro-infer.ts.
 *
 * Derivation, as ksqlDB's registered schemas read:
 *   - every column and nested type is optional: `["null", T]` with `"default": null` on fields;
 *     the root (the record, or the single unwrapped column) is not;
 *   - the value record is `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema` (or the
 *     *_SCHEMA_FULL_NAME); a nested STRUCT is a record named after its path, `<root>_<COL>_<FIELD>`;
 *   - a MAP (whose keys are optional strings) is an array of `key`/`value` records named
 *     `<root>_<COL>`, marked `connect.internal.type: MapEntry`; a map value that is a struct is
 *     named `<root>_<COL>_MapValue`;
 *   - DECIMAL is bytes with the decimal logical type, DATE / TIME / TIMESTAMP int / int / long with
 *     date / time-millis / timestamp-millis, each with Connect's `connect.*` annotations.
 */

export const AVRO_SCHEMA_NAMESPACE = 'io.confluent.ksql.avro_schemas';
export const DEFAULT_AVRO_SCHEMA_FULL_NAME = `${AVRO_SCHEMA_NAMESPACE}.KsqlDataSourceSchema`;

/** ksqlDB's AvroFormat.getKeySchemaName: `io.confluent.ksql.avro_schemas.<UpperCamelName>Key`. */
export function avroKeySchemaName(sourceName: string): string {
  const camel = sourceName
    .split('_')
    .filter((w) => w !== '')
    .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
    .join('');
  return `${AVRO_SCHEMA_NAMESPACE}.${camel}Key`;
}

export type AvroJson = string | Record<string, unknown> | AvroJson[];

const CONNECT = 'org.apache.kafka.connect.data.';

/** Avro records may not hold dots in field names; ksqlDB writes them as underscores. */
export function avroFieldName(name: string): string {
  return name.replaceAll('.', '_');
}

/**
 * Avro's name rule (Schema.validateName): a letter or `_`, then letters, digits or `_`. ksqlDB
 * reports a column that breaks it as the schema not being compatible with Avro.
 */
export function validateAvroName(name: string): void {
  const avroName = avroFieldName(name);
  if (!/^[\p{L}_]/u.test(avroName)) {
    throw new KsqlError(`Schema is not compatible with Avro: Illegal initial character: ${avroName}`);
  }
  if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(avroName)) {
    throw new KsqlError(`Schema is not compatible with Avro: Illegal character in: ${avroName}`);
  }
}

/** Checks a *_SCHEMA_FULL_NAME as ksqlDB does: it may not be blank. */
export function validateAvroFullName(fullName: string | undefined): void {
  if (fullName !== undefined && fullName.trim() === '') {
    throw new KsqlError(
      `fullSchemaName cannot be empty. Format configuration: {fullSchemaName=${fullName.trim()}}`,
    );
  }
}

/**
 * Throws ksqlDB's error when a type cannot be written as Avro: maps must have STRING keys, struct
 * field names must be Avro names.
 */
export function validateAvroType(type: SqlType): void {
  switch (type.base) {
    case 'MAP':
      if (type.key.base !== 'STRING') throw new KsqlError('Avro only supports MAPs with STRING keys');
      validateAvroType(type.value);
      return;
    case 'ARRAY':
      validateAvroType(type.element);
      return;
    case 'STRUCT':
      for (const f of type.fields) {
        validateAvroName(f.name);
        validateAvroType(f.type);
      }
      return;
    default:
      return;
  }
}

/**
 * The Avro schema (as JSON) of `columns`: a record of them (`wrapped`), or the single column's type.
 */
export function avroSchemaOf(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
  fullName: string,
): AvroJson {
  for (const c of columns) {
    if (wrapped) validateAvroName(c.name);
    validateAvroType(c.type);
  }
  // The root is written with its namespace; nested types omit it when it is the same.
  if (wrapped) return recordSchema(columns, fullName, undefined);
  if (columns.length !== 1) throw new KsqlError('Unwrapping only valid for single columns');
  return typeSchema(columns[0].type, [fullName], undefined, true);
}

function simpleName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

/** A named type: `namespace` only when it differs from the enclosing one (as Avro's toString writes). */
function named(fullName: string, enclosingNs: string | undefined): Record<string, unknown> {
  const ns = namespaceOf(fullName);
  const out: Record<string, unknown> = { name: simpleName(fullName) };
  if (ns !== enclosingNs && ns !== undefined) out.namespace = ns;
  return out;
}

function recordSchema(
  fields: readonly { readonly name: string; readonly type: SqlType }[],
  fullName: string,
  enclosingNs: string | undefined,
): Record<string, unknown> {
  const ns = namespaceOf(fullName);
  return {
    type: 'record',
    ...named(fullName, enclosingNs),
    fields: fields.map((f) => ({
      name: avroFieldName(f.name),
      type: typeSchema(f.type, [fullName, f.name], ns, false),
      default: null,
    })),
    'connect.name': fullName,
  };
}

/**
 * One SQL type as Avro: optional (a union with null first) unless it is the root of an unwrapped
 * schema. `path` is the naming context (`[root, COL, FIELD]`), joined with `_` for nested names.
 */
function typeSchema(
  type: SqlType,
  path: readonly string[],
  enclosingNs: string | undefined,
  root: boolean,
): AvroJson {
  const base = baseSchema(type, path, enclosingNs, root);
  return root ? base : ['null', base];
}

function baseSchema(
  type: SqlType,
  path: readonly string[],
  enclosingNs: string | undefined,
  root: boolean,
): AvroJson {
  const name = path.join('_');
  switch (type.base) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL': {
      const out: Record<string, unknown> = { type: 'bytes', scale: type.scale, precision: type.precision };
      // ksqlDB rebuilds an optional root schema without its version (AvroSchemas), so a root
      // decimal carries no connect.version.
      if (!root) out['connect.version'] = 1;
      out['connect.parameters'] = {
        scale: String(type.scale),
        'connect.decimal.precision': String(type.precision),
      };
      out['connect.name'] = `${CONNECT}Decimal`;
      out.logicalType = 'decimal';
      return out;
    }
    case 'DATE':
      return logical('int', 'Date', 'date', root);
    case 'TIME':
      return logical('int', 'Time', 'time-millis', root);
    case 'TIMESTAMP':
      return logical('long', 'Timestamp', 'timestamp-millis', root);
    case 'ARRAY':
      return { type: 'array', items: typeSchema(type.element, path, enclosingNs, false) };
    case 'MAP': {
      const entry = {
        type: 'record',
        ...named(name, enclosingNs),
        fields: [
          {
            name: 'key',
            type: typeSchema(type.key, [...path, 'MapKey'], namespaceOf(name), false),
            default: null,
          },
          {
            name: 'value',
            type: typeSchema(type.value, [...path, 'MapValue'], namespaceOf(name), false),
            default: null,
          },
        ],
        'connect.internal.type': 'MapEntry',
      };
      return { type: 'array', items: entry, 'connect.name': name };
    }
    case 'STRUCT':
      return recordSchema(type.fields, name, enclosingNs);
  }
}

function logical(
  avroType: string,
  connectName: string,
  logicalType: string,
  root: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = { type: avroType };
  if (!root) out['connect.version'] = 1;
  out['connect.name'] = `${CONNECT}${connectName}`;
  out.logicalType = logicalType;
  return out;
}
