import protobuf from 'protobufjs';
import { KsqlError } from '../errors.js';
import { type SqlType, SqlTypes } from '../types/sql-type.js';
import { fullNameOf, loadProto, metaParams, pickMessage } from './protobuf-load.js';
import { connectFields, isMapEntryField, isWrapperType } from './protobuf-fields.js';

/**
 * The columns ksqlDB infers from a registered PROTOBUF schema (ProtobufData.toConnectSchema, then
 * ConnectKsqlSchemaTranslator): the message named by *_SCHEMA_FULL_NAME (or the first one) gives
 * one column per field; int32-like fields are INT, other integers BIGINT, float/double DOUBLE,
 * enums STRING, well-known messages DECIMAL / DATE / TIME / TIMESTAMP, wrappers their primitive,
 * other messages STRUCTs, repeated fields ARRAYs, map entries MAPs and each oneof a STRUCT
 * `<oneof>_<index>` of its members (listed first, as Connect does). Field names are upper-cased
 * unless the schema was picked by id; fields of types ksqlDB cannot represent are left out.
 */

class UnsupportedProtoType extends Error {}

function scalarType(protoType: string): SqlType {
  switch (protoType) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return SqlTypes.INTEGER;
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return SqlTypes.BIGINT;
    case 'float':
    case 'double':
      return SqlTypes.DOUBLE;
    case 'bool':
      return SqlTypes.BOOLEAN;
    case 'string':
      return SqlTypes.STRING;
    case 'bytes':
      return SqlTypes.BYTES;
    default:
      throw new UnsupportedProtoType(`Unsupported type: ${protoType}`);
  }
}

function fieldType(field: protobuf.Field, upper: boolean, seen: ReadonlySet<string>): SqlType {
  if (field.map) {
    return SqlTypes.map(SqlTypes.STRING, singleType(field, upper, seen));
  }
  if (isMapEntryField(field)) {
    const [k, v] = (field.resolvedType as protobuf.Type).fieldsArray;
    const key = fieldType(k, upper, seen);
    if (!['INTEGER', 'BIGINT', 'BOOLEAN', 'STRING'].includes(key.base)) {
      throw new UnsupportedProtoType(`Unsupported type for map key: ${key.base}`);
    }
    return SqlTypes.map(SqlTypes.STRING, fieldType(v, upper, seen));
  }
  const single = singleType(field, upper, seen);
  return field.repeated ? SqlTypes.array(single) : single;
}

function singleType(field: protobuf.Field, upper: boolean, seen: ReadonlySet<string>): SqlType {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum) return SqlTypes.STRING;
  if (!(t instanceof protobuf.Type)) return scalarType(field.type);
  switch (fullNameOf(t)) {
    case 'confluent.type.Decimal': {
      const params = metaParams(field);
      return SqlTypes.decimal(Number(params.get('precision') ?? 64), Number(params.get('scale') ?? 0));
    }
    case 'google.type.Date':
      return SqlTypes.DATE;
    case 'google.type.TimeOfDay':
      return SqlTypes.TIME;
    case 'google.protobuf.Timestamp':
      return SqlTypes.TIMESTAMP;
    default:
      if (isWrapperType(t)) return scalarType(t.fields.value.type);
      return messageType(t, upper, seen);
  }
}

function messageType(t: protobuf.Type, upper: boolean, seen: ReadonlySet<string>): SqlType {
  const name = fullNameOf(t);
  if (seen.has(name)) throw new UnsupportedProtoType(`Unsupported recursive message: ${name}`);
  const inner = new Set(seen).add(name);
  const fields: { name: string; type: SqlType }[] = [];
  for (const cf of connectFields(t)) {
    try {
      const type =
        cf.kind === 'field'
          ? fieldType(cf.field, upper, inner)
          : // a oneof: Connect's union STRUCT of its members
            SqlTypes.struct(
              cf.members.map((m) => ({
                name: upper ? m.name.toUpperCase() : m.name,
                type: fieldType(m, upper, inner),
              })),
            );
      fields.push({ name: upper ? cf.name.toUpperCase() : cf.name, type });
    } catch (e) {
      // ksqlDB leaves out (and logs) fields of types it cannot represent.
      if (!(e instanceof UnsupportedProtoType)) throw e;
    }
  }
  return SqlTypes.struct(fields);
}

/**
 * The columns of a registered schema's message (`imports`: the texts of the files it references);
 * undefined when `fullName` names no message in it (ksqlDB then reports the subject's schema as
 * missing).
 */
export function inferProtobufColumns(
  schemaText: string,
  fullName: string | undefined,
  upperCaseNames: boolean,
  imports?: ReadonlyMap<string, string>,
): { name: string; type: SqlType }[] | undefined {
  const schema = loadProto(schemaText, imports);
  const message = pickMessage(schema, fullName?.trim() || undefined);
  if (!message) return undefined;
  try {
    if (isWrapperType(message)) {
      throw new KsqlError(
        "Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
      );
    }
    const type = messageType(message, upperCaseNames, new Set());
    if (type.base !== 'STRUCT' || type.fields.length === 0) {
      throw new KsqlError(
        `Schema does not include any columns with types that ksqlDB supports.\nschema: ${schemaText}`,
      );
    }
    return type.fields.map((f) => ({ name: f.name, type: f.type }));
  } catch (e) {
    if (e instanceof UnsupportedProtoType)
      throw new KsqlError(`Unsupported type at root of schema: ${e.message}`);
    throw e;
  }
}
