import avro from 'avsc';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import { collectNames, fullNameOf, namespaceOf, resolveAvro } from './avro-names.js';
import { type AvroJson, avroFieldName, avroSchemaOf, DEFAULT_AVRO_SCHEMA_FULL_NAME } from './avro-schema.js';
import { avscOptions } from './avro-long.js';
import {
  AvroReadError,
  compileAvroReader,
  compileAvroWriter,
  compileAvroWriterTo,
  type Convert,
  structFieldWriters,
} from './avro-values.js';
import type { KsqlSerde, RegisteredSchema, SchemaRegistry } from './format.js';
import { SerdeError } from './format-properties.js';

/**
 * AVRO through the Schema Registry, in Confluent's wire format: magic byte 0, the schema id (4 bytes
 * big-endian), then Avro binary. Writes use the schema derived from the columns (or the one named by
 * *_SCHEMA_ID); reads decode with each payload's writer schema, fetched by `prefetch`, and convert
 * to the columns with ksqlDB's rules.
 */

export const MAGIC_BYTE = 0;

export interface RegistrySerdeOptions {
  readonly registry: SchemaRegistry;
  readonly subject: string;
  readonly topic: string;
  readonly part: 'key' | 'value';
  readonly columns: readonly Pick<Column, 'name' | 'type'>[];
  readonly wrapped: boolean;
  readonly fullName?: string;
  readonly schemaId?: number;
  readonly registerSchema: boolean;
}

/** Decodes one writer id's payloads into rows. */
type RowReader = (data: Buffer) => GenericRow;

/**
 * The schema id the serializer writes with: the *_SCHEMA_ID given; else the derived schema,
 * registered for a sink, or — for a source — found as the subject's latest, or registered when the
 * subject has none yet (as ksqlDB registers the schema of a CREATE on a schema-less topic).
 * Undefined when a source's subject holds another schema: serializing then fails, naming it.
 */
export async function writerSchemaId(
  registry: SchemaRegistry,
  subject: string,
  derived: RegisteredSchema,
  registerSchema: boolean,
  schemaId: number | undefined,
): Promise<number | undefined> {
  if (schemaId !== undefined) return schemaId;
  if (registerSchema) return registry.register(subject, derived);
  const latest = await registry.latest(subject);
  if (!latest) return registry.register(subject, derived);
  const same = (a: string, b: string) => {
    try {
      return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
    } catch {
      return a === b;
    }
  };
  return latest.schema.schemaType === derived.schemaType && same(latest.schema.schema, derived.schema)
    ? latest.id
    : undefined;
}

export function readFraming(data: Buffer, format: string): number {
  if (data.length < 5 || data[0] !== MAGIC_BYTE) {
    throw new SerdeError(
      `Unknown magic byte! (${format} payload not in Confluent wire format: magic byte 0 + schema id)`,
    );
  }
  return data.readInt32BE(1);
}

export async function avroSerde(o: RegistrySerdeOptions): Promise<KsqlSerde<GenericRow>> {
  const fullName = o.fullName?.trim() || DEFAULT_AVRO_SCHEMA_FULL_NAME;
  const derived = avroSchemaOf(o.columns, o.wrapped, fullName);
  const derivedText = JSON.stringify(derived);

  // The writer: with *_SCHEMA_ID, that registered schema's shape; otherwise the derived one.
  let writerSchema: AvroJson = derived;
  if (o.schemaId !== undefined) {
    const physical = await o.registry.byId(o.schemaId);
    if (physical.schemaType !== 'AVRO') {
      throw new SerdeError(`Schema ${o.schemaId} is ${physical.schemaType}, not AVRO`);
    }
    writerSchema = JSON.parse(physical.schema) as AvroJson;
  }
  const id = await writerSchemaId(
    o.registry,
    o.subject,
    { schemaType: 'AVRO', schema: derivedText },
    o.registerSchema,
    o.schemaId,
  );
  const type = avro.Type.forSchema(writerSchema as avro.Schema, avscOptions());
  const toAvro = rowToAvro(o.columns, o.wrapped, writerSchema, o.schemaId !== undefined);

  const readers = new Map<number, RowReader>();
  const readerFor = (schema: RegisteredSchema): RowReader => {
    if (schema.schemaType !== 'AVRO') {
      return () => {
        throw new SerdeError(`the writer schema is ${schema.schemaType}, not AVRO`);
      };
    }
    try {
      return compileRowReader(JSON.parse(schema.schema), o.columns, o.wrapped);
    } catch (error) {
      // A writer schema we cannot use fails its records (dead-letter material), not the batch.
      const message = `the writer schema cannot be read: ${(error as Error).message}`;
      return () => {
        throw new SerdeError(message);
      };
    }
  };
  if (id !== undefined)
    readers.set(id, readerFor({ schemaType: 'AVRO', schema: JSON.stringify(writerSchema) }));

  const target = o.part;
  let scratch = Buffer.allocUnsafe(1024);
  if (id !== undefined) {
    scratch[0] = MAGIC_BYTE;
    scratch.writeInt32BE(id, 1);
  }
  return {
    serialize(row) {
      if (id === undefined) {
        throw new SerdeError(
          `Error serializing message to topic: ${o.topic}. Subject ${o.subject} holds a schema other than the one derived from the columns; set ${o.part.toUpperCase()}_SCHEMA_ID`,
        );
      }
      const value = toAvro(row);
      // An unwrapped null is a null payload (Connect's converters write null as null).
      if (value === null) return null as unknown as Buffer;
      // Encode after the framing in a scratch buffer (grown when a record does not fit), then copy
      // out exactly the bytes: one allocation per record instead of avsc's buffer plus a concat.
      let end: number;
      try {
        end = type.encode(value, scratch, 5);
        while (end < 0) {
          scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
          scratch[0] = MAGIC_BYTE;
          scratch.writeInt32BE(id, 1);
          end = type.encode(value, scratch, 5);
        }
      } catch (cause) {
        throw new SerdeError(`Error serializing message to topic: ${o.topic}. ${(cause as Error).message}`, {
          cause,
        });
      }
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      return out;
    },
    deserialize(data) {
      const writerId = readFraming(data, 'AVRO');
      const read = readers.get(writerId);
      if (!read) {
        throw new SerdeError(
          `Failed to deserialize ${target} from topic: ${o.topic}. Schema ${writerId} not fetched from the Schema Registry (prefetch the batch first, or the id does not exist)`,
        );
      }
      try {
        return read(data);
      } catch (cause) {
        throw new SerdeError(
          `Failed to deserialize ${target} from topic: ${o.topic}. ${(cause as Error).message}`,
          { cause },
        );
      }
    },
    async prefetch(payloads) {
      const missing = new Set<number>();
      for (const data of payloads) {
        if (data && data.length >= 5 && data[0] === MAGIC_BYTE) {
          const writerId = data.readInt32BE(1);
          if (!readers.has(writerId)) missing.add(writerId);
        }
      }
      for (const writerId of missing) {
        let schema: RegisteredSchema;
        try {
          schema = await o.registry.byId(writerId);
        } catch (error) {
          // Unknown ids stay missing: deserialize reports them per record.
          if (
            /40403|not found/i.test((error as Error).message) ||
            (error as { status?: number }).status === 404
          )
            continue;
          throw error;
        }
        readers.set(writerId, readerFor(schema));
      }
    },
  };
}

/**
 * Row → the avsc value of the writer schema: a record keyed by field names, or the single value.
 * The derived schema's fields are the columns in order; a *_SCHEMA_ID schema's fields are matched
 * to columns by name (exactly or upper-cased), nested values converted to its shapes, and fields
 * without a value take their defaults.
 */
function rowToAvro(
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
  writerSchema: AvroJson,
  physical: boolean,
): (row: GenericRow) => unknown {
  if (physical) {
    const names = collectNames(writerSchema);
    const root = resolveAvro(writerSchema, names, undefined);
    if (!wrapped) {
      const write = compileAvroWriterTo(root, names, undefined, columns[0].type);
      return (row) => write(row[0]);
    }
    const index = new Map(columns.map((c, i) => [c.name, i]));
    const plan = structFieldWriters(root as Record<string, unknown>, names, undefined, columns).map((f) => ({
      ...f,
      index: f.from === undefined ? undefined : index.get(f.from),
    }));
    return (row) => {
      const out: Record<string, unknown> = {};
      for (const p of plan) {
        const value = p.index === undefined ? null : p.write(row[p.index] ?? null);
        out[p.name] = value === null && p.hasDefault ? p.default : value;
      }
      return out;
    };
  }
  if (!wrapped) {
    const write = compileAvroWriter(columns[0].type);
    return (row) => write(row[0]);
  }
  const writers = columns.map((c) => ({ name: avroFieldName(c.name), write: compileAvroWriter(c.type) }));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < writers.length; i++) out[writers[i].name] = writers[i].write(row[i] ?? null);
    return out;
  };
}

/**
 * The reader of payloads written with `writer`: avsc decodes the Avro binary after the 5-byte
 * framing, then compiled conversions turn the decoded record's fields into the row's columns.
 */
export function compileRowReader(
  writer: unknown,
  columns: readonly Pick<Column, 'name' | 'type'>[],
  wrapped: boolean,
): RowReader {
  const type = avro.Type.forSchema(writer as avro.Schema, avscOptions());
  const names = collectNames(writer);
  const decode = (data: Buffer): unknown => {
    const { value, offset } = type.decode(data, 5);
    if (offset < 0) throw new AvroReadError('invalid Avro payload: truncated buffer');
    if (offset !== data.length) throw new AvroReadError('invalid Avro payload: trailing data');
    return value;
  };
  if (!wrapped) {
    const read = compileAvroReader(writer, names, undefined, columns[0].type);
    return (data) => [read(decode(data))];
  }
  const root = resolveAvro(writer, names, undefined) as Record<string, unknown>;
  if (typeof root !== 'object' || root === null || Array.isArray(root) || root.type !== 'record') {
    const what = Array.isArray(root) ? 'union' : typeof root === 'string' ? root : String(root?.type);
    return () => {
      throw new AvroReadError(`Cannot deserialize type ${what} as type struct for path: `);
    };
  }
  const ns = namespaceOf(fullNameOf(root, undefined));
  const index = new Map(columns.map((c, i) => [c.name, i]));
  const reads: { from: string; to: number; read: Convert }[] = [];
  for (const wf of (root.fields ?? []) as { name: string; type: unknown }[]) {
    const to = index.get(wf.name) ?? index.get(wf.name.toUpperCase());
    if (to === undefined) continue;
    reads.push({
      from: wf.name,
      to,
      read: compileAvroReader(wf.type, names, ns, columns[to].type, `->${columns[to].name}`),
    });
  }
  const n = columns.length;
  return (data) => {
    const rec = decode(data) as Record<string, unknown>;
    const row = new Array<unknown>(n).fill(null);
    for (const r of reads) row[r.to] = r.read(rec[r.from]);
    return row;
  };
}
