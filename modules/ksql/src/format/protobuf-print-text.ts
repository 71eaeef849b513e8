import protobuf from 'protobufjs';
import { decodeMessageIndexes, type LoadedSchema, messageAt } from './protobuf-load.js';

/**
 * A Confluent-framed PROTOBUF payload as PRINT shows it: protobuf's Java
 * `TextFormat.printer().shortDebugString` of the message (`NAME: "a" V: 1.5 AT { X: 1 }`), as
 * ksqlDB's RecordFormatter prints it. `framed` is the whole payload (magic byte, schema id, message
 * indexes, message); `schema` the loaded writer schema. Throws when it does not decode.
 */
export function protobufPrintText(schema: LoadedSchema, framed: Buffer): string {
  const { indexes, end } = decodeMessageIndexes(framed, 5);
  const type = messageAt(schema, indexes);
  if (!type) throw new Error(`the writer schema has no message at indexes [${indexes.join(', ')}]`);
  return messageText(type, type.decode(framed.subarray(end)) as unknown as Record<string, unknown>);
}

/** Java's Double.toString for common values. */
function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  return Number.isInteger(d) && Math.abs(d) < 1e7 ? d.toFixed(1) : String(d);
}

/** Set fields in field-number order, as TextFormat prints them; repeated fields once per element. */
function messageText(type: protobuf.Type, message: Record<string, unknown>): string {
  const parts: string[] = [];
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    field.resolve();
    // Decoded messages inherit proto3 defaults from their prototype: only own fields were on the wire.
    if (!Object.hasOwn(message, field.name)) continue;
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field instanceof protobuf.MapField) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        parts.push(`${field.name} { key: ${scalarText(field.keyType, k)} value: ${valueText(field, v)} }`);
      }
      continue;
    }
    const values = field.repeated ? (value as unknown[]) : [value]; // an empty repeated field prints nothing
    for (const v of values) {
      const text = valueText(field, v);
      parts.push(
        field.resolvedType instanceof protobuf.Type ? `${field.name} { ${text} }` : `${field.name}: ${text}`,
      );
    }
  }
  return parts.join(' ').replace(/\{ {2}\}/g, '{ }');
}

function valueText(field: protobuf.Field, v: unknown): string {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageText(resolved, v as Record<string, unknown>);
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[v as number] ?? String(v);
  return scalarText(field.type, v);
}

function scalarText(protoType: string, v: unknown): string {
  switch (protoType) {
    case 'string':
      return JSON.stringify(v);
    case 'bytes':
      return JSON.stringify(Buffer.from(v as Uint8Array).toString('latin1'));
    case 'double':
    case 'float':
      return javaDouble(v as number);
    default:
      // ints (Long objects print their decimal value), bool
      return String(v);
  }
}
