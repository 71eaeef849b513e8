import { KsqlError } from '../errors.js';
import { type SqlType, SqlTypes } from '../types/sql-type.js';
import {
  type AvroNames,
  collectNames,
  fullNameOf,
  isMapEntry,
  namespaceOf,
  optionalBranch,
  resolveAvro,
  unionMemberFieldName,
} from './avro-names.js';

/**
 * The columns ksqlDB infers from a registered Avro schema (Confluent's AvroData.toConnectSchema,
 * then ksqlDB's ConnectKsqlSchemaTranslator): everything nullable, field names upper-cased unless
 * the schema was picked by id, fields of unsupported types left out.
 */

class UnsupportedAvroType extends Error {}

function inferType(schema: unknown, names: AvroNames, ns: string | undefined, upper: boolean): SqlType {
  const s = resolveAvro(schema, names, ns);
  if (Array.isArray(s)) {
    const branch = optionalBranch(s);
    if (branch !== undefined) return inferType(branch, names, ns, upper);
    // Any other union is a STRUCT with a field per member (AvroData's Connect union).
    const fields: { name: string; type: SqlType }[] = [];
    for (const member of s) {
      if (member === 'null') continue;
      const name = unionMemberFieldName(member, names, ns);
      try {
        fields.push({ name: upper ? name.toUpperCase() : name, type: inferType(member, names, ns, upper) });
      } catch (e) {
        if (!(e instanceof UnsupportedAvroType)) throw e;
      }
    }
    return SqlTypes.struct(fields);
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
