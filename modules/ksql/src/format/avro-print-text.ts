import avro from 'avsc';
import { avscOptions } from './avro-long.js';

/**
 * A Confluent-framed AVRO payload's value as PRINT shows it: the text of Avro's Java
 * `GenericData.toString` (`{"NAME": "a", "V": 1.5}`), as ksqlDB's RecordFormatter prints what its
 * KafkaAvroDeserializer returns. `schema` is the writer schema the registry holds for the frame's
 * id; `payload` the bytes after the 5-byte frame. Throws when the payload does not decode with it
 * (PRINT then tries the next format).
 */
export function avroPrintText(schema: string, payload: Buffer): string {
  const type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema, avscOptions());
  return javaText(type, type.fromBuffer(payload));
}

/** Java's Double.toString for common values (`1.0`, `2.5`). */
function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(d) && Math.abs(d) < 1e7 ? d.toFixed(1) : String(d);
}

function javaText(type: avro.Type, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const t = type as avro.Type & {
    typeName: string;
    fields?: { name: string; type: avro.Type }[];
    itemsType?: avro.Type;
    valuesType?: avro.Type;
    types?: avro.Type[];
    underlyingType?: avro.Type;
  };
  switch (t.typeName) {
    case 'record':
    case 'error': {
      const record = value as Record<string, unknown>;
      const fields = (t.fields ?? []).map(
        (f) => `${JSON.stringify(f.name)}: ${javaText(f.type, record[f.name])}`,
      );
      return `{${fields.join(', ')}}`;
    }
    case 'array':
      return `[${(value as unknown[]).map((v) => javaText(t.itemsType as avro.Type, v)).join(', ')}]`;
    case 'map':
      return `{${Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${JSON.stringify(k)}: ${javaText(t.valuesType as avro.Type, v)}`)
        .join(', ')}}`;
    case 'union:unwrapped': {
      const branch = (t.types ?? []).find((b) => b.typeName !== 'null' && b.isValid(value));
      return branch ? javaText(branch, value) : String(value);
    }
    case 'float':
    case 'double':
      return javaDouble(value as number);
    case 'string':
    case 'enum':
      return JSON.stringify(value);
    case 'bytes':
    case 'fixed':
      return JSON.stringify((value as Buffer).toString('latin1'));
    default:
      // int, long, boolean; a logical type prints its underlying value
      if (t.underlyingType) return javaText(t.underlyingType, value);
      return String(value);
  }
}
