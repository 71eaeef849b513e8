import { KsqlError } from '../errors.js';
import type { Column } from '../schema/logical-schema.js';
import { type SqlType, SqlTypes } from '../types/sql-type.js';

/**
 * The Avro schema ksqlDB derives from columns (AvroSchemas + Confluent's AvroData with connect
 * metadata on), and the columns ksqlDB infers from a registered Avro schema.
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

function namespaceOf(fullName: string): string | undefined {
  const i = fullName.lastIndexOf('.');
  return i < 0 ? undefined : fullName.slice(0, i);
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

// ---------------------------------------------------------------------------------------------
// Inference: Avro schema → columns (Confluent's AvroData.toConnectSchema, then ksqlDB's
// ConnectKsqlSchemaTranslator: everything optional, field names upper-cased unless the schema was
// picked by id, fields of unsupported types left out).

/** Named types met so far, for references by name. */
export type AvroNames = Map<string, Record<string, unknown>>;

/** Registers the named types of a schema (records, enums, fixed) under their full names. */
export function collectNames(schema: unknown, names: AvroNames = new Map(), ns?: string): AvroNames {
  if (Array.isArray(schema)) {
    for (const s of schema) collectNames(s, names, ns);
    return names;
  }
  if (typeof schema !== 'object' || schema === null) return names;
  const obj = schema as Record<string, unknown>;
  const type = obj.type;
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const full = fullNameOf(obj, ns);
    names.set(full, obj);
    const innerNs = namespaceOf(full);
    if (type !== 'enum' && type !== 'fixed') {
      for (const f of (obj.fields ?? []) as Record<string, unknown>[]) collectNames(f.type, names, innerNs);
    }
    return names;
  }
  if (type === 'array') collectNames(obj.items, names, ns);
  else if (type === 'map') collectNames(obj.values, names, ns);
  else if (typeof type === 'object') collectNames(type, names, ns);
  return names;
}

export function fullNameOf(obj: Record<string, unknown>, ns: string | undefined): string {
  const name = String(obj.name);
  if (name.includes('.')) return name;
  const space = (obj.namespace as string | undefined) ?? ns;
  return space ? `${space}.${name}` : name;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Resolves a type reference by name (`"Foo"` / `"ns.Foo"`) to its definition. */
export function resolveAvro(schema: unknown, names: AvroNames, ns: string | undefined): unknown {
  if (typeof schema === 'string' && !PRIMITIVES.has(schema)) {
    const found = names.get(schema) ?? (ns ? names.get(`${ns}.${schema}`) : undefined);
    if (!found) throw new Error(`Undefined Avro type name: ${schema}`);
    return found;
  }
  return schema;
}

/** The non-null branch of `["null", T]` / `[T, "null"]`; undefined for other unions. */
export function optionalBranch(union: unknown[]): unknown {
  const nonNull = union.filter(
    (b) => b !== 'null' && !(typeof b === 'object' && (b as { type?: unknown }).type === 'null'),
  );
  return nonNull.length === 1 ? nonNull[0] : undefined;
}

class UnsupportedAvroType extends Error {}

/** Whether an array's items are Connect's map entries (how non-string-keyed maps are written). */
export function isMapEntry(items: unknown, names: AvroNames, ns: string | undefined): boolean {
  const r = resolveAvro(items, names, ns);
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const rec = r as Record<string, unknown>;
  if (rec.type !== 'record') return false;
  const full = fullNameOf(rec, ns);
  const fields = (rec.fields ?? []) as { name: string }[];
  return (
    (rec['connect.internal.type'] === 'MapEntry' || full === 'io.confluent.connect.avro.MapEntry') &&
    fields.length === 2 &&
    fields[0].name === 'key' &&
    fields[1].name === 'value'
  );
}

/** The SQL type ksqlDB infers from an Avro type; throws UnsupportedAvroType for what it leaves out. */
function inferType(schema: unknown, names: AvroNames, ns: string | undefined, upper: boolean): SqlType {
  const s = resolveAvro(schema, names, ns);
  if (Array.isArray(s)) {
    const branch = optionalBranch(s);
    if (branch === undefined) throw new UnsupportedAvroType('Unsupported type: union');
    return inferType(branch, names, ns, upper);
  }
  const obj: Record<string, unknown> = typeof s === 'string' ? { type: s } : (s as Record<string, unknown>);
  const type = obj.type;
  if (typeof type === 'object' && type !== null) return inferType(type, names, ns, upper);
  const logicalType = obj.logicalType;
  switch (type) {
    case 'boolean':
      return SqlTypes.BOOLEAN;
    case 'int':
      if (logicalType === 'date') return SqlTypes.DATE;
      if (logicalType === 'time-millis') return SqlTypes.TIME;
      return SqlTypes.INTEGER;
    case 'long':
      return logicalType === 'timestamp-millis' ? SqlTypes.TIMESTAMP : SqlTypes.BIGINT;
    case 'float':
    case 'double':
      return SqlTypes.DOUBLE;
    case 'string':
    case 'enum':
      return SqlTypes.STRING;
    case 'bytes':
    case 'fixed':
      if (logicalType === 'decimal') {
        return SqlTypes.decimal(Number(obj.precision ?? 64), Number(obj.scale ?? 0));
      }
      return SqlTypes.BYTES;
    case 'array': {
      if (isMapEntry(obj.items, names, ns)) {
        const entry = resolveAvro(obj.items, names, ns) as Record<string, unknown>;
        const [k, v] = entry.fields as { type: unknown }[];
        const entryNs = namespaceOf(fullNameOf(entry, ns));
        const keyType = inferType(k.type, names, entryNs, upper);
        if (!['INTEGER', 'BIGINT', 'BOOLEAN', 'STRING'].includes(keyType.base)) {
          throw new UnsupportedAvroType(`Unsupported type for map key: ${keyType.base}`);
        }
        return SqlTypes.map(SqlTypes.STRING, inferType(v.type, names, entryNs, upper));
      }
      return SqlTypes.array(inferType(obj.items, names, ns, upper));
    }
    case 'map':
      return SqlTypes.map(SqlTypes.STRING, inferType(obj.values, names, ns, upper));
    case 'record':
    case 'error': {
      const innerNs = namespaceOf(fullNameOf(obj, ns));
      const fields: { name: string; type: SqlType }[] = [];
      for (const f of (obj.fields ?? []) as { name: string; type: unknown }[]) {
        try {
          fields.push({
            name: upper ? f.name.toUpperCase() : f.name,
            type: inferType(f.type, names, innerNs, upper),
          });
        } catch (e) {
          // ksqlDB leaves out (and logs) fields of types it cannot represent.
          if (!(e instanceof UnsupportedAvroType)) throw e;
        }
      }
      return SqlTypes.struct(fields);
    }
    default:
      throw new UnsupportedAvroType(`Unsupported type: ${String(type)}`);
  }
}

/**
 * The columns ksqlDB infers from a registered Avro schema. `single` names the one column of an
 * unwrapped schema (`ROWKEY` for keys, `ROWVAL` for WRAP_SINGLE_VALUE=false); otherwise the schema
 * must be a record, whose fields become the columns.
 */
export function inferAvroColumns(
  schemaText: string,
  single: 'ROWKEY' | 'ROWVAL' | undefined,
  upperCaseNames: boolean,
): { name: string; type: SqlType }[] {
  const schema = JSON.parse(schemaText) as unknown;
  const names = collectNames(schema);
  try {
    if (single) return [{ name: single, type: inferType(schema, names, undefined, upperCaseNames) }];
    const resolved = resolveAvro(schema, names, undefined);
    const type = inferType(resolved, names, undefined, upperCaseNames);
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
    if (e instanceof UnsupportedAvroType)
      throw new KsqlError(`Unsupported type at root of schema: ${e.message}`);
    throw e;
  }
}
