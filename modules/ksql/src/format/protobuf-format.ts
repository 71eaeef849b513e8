import type protobuf from 'protobufjs';
import { KsqlError } from '../errors.js';
import type { Column, GenericRow } from '../schema/logical-schema.js';
import { MAGIC_BYTE, readFraming, writerSchemaId } from './avro-format.js';
import type { FormatInfo, KsqlSerde, RegisteredSchema, SchemaRegistry } from './format.js';
import { type Part, SerdeError } from './format-properties.js';
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  fetchImports,
  type LoadedSchema,
  loadProto,
  messageAt,
  messageIndexes,
  pickMessage,
  wellKnownType,
} from './protobuf-load.js';
import { type NullableRepresentation, printProtoFile, protobufSchemaOf } from './protobuf-schema.js';
import { compileRowReader, compileUnwrappedReader } from './protobuf-read-values.js';
import { compileRowWriter, compileUnwrappedWriter } from './protobuf-write-values.js';

/**
 * PROTOBUF through the Schema Registry, in Confluent's wire format: magic byte 0, the schema id
 * (4 bytes big-endian), the message indexes of the message written (`0` for the first), then the
 * protobuf binary. Writes use the schema derived from the columns (or the *_SCHEMA_ID one, its
 * message picked by *_SCHEMA_FULL_NAME); reads decode with each payload's writer schema, fetched
 * by `prefetch`. PROTOBUF_NOSR is the same binary without framing or registry, always with the
 * derived schema (a single unwrapped column is its google.protobuf wrapper message).
 */

type Columns = readonly Pick<Column, 'name' | 'type'>[];
type RowReader = (data: Buffer, offset: number) => GenericRow;

/** `*_PROTOBUF_NULLABLE_REPRESENTATION` (as the planner's `nullableRepresentation` property or raw). */
export function nullableRepresentationOf(format: FormatInfo, part: Part): NullableRepresentation {
  const p = format.properties;
  const raw =
    p.nullableRepresentation ?? p[`${part === 'key' ? 'KEY' : 'VALUE'}_PROTOBUF_NULLABLE_REPRESENTATION`];
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'optional' || v === 'wrapper') return v;
  throw new KsqlError(
    `Invalid value ${raw} for ${part.toUpperCase()}_PROTOBUF_NULLABLE_REPRESENTATION: expected OPTIONAL or WRAPPER`,
  );
}

/** Compiles payload → row for one message of a schema (root decoded by protobufjs). */
function rowReaderFor(type: protobuf.Type, columns: Columns, wrapped: boolean): RowReader {
  const toRow = wrapped ? compileRowReader(type, columns) : undefined;
  const toValue = wrapped ? undefined : compileUnwrappedReader(type, columns[0].type);
  return (data, offset) => {
    const message = type.decode(offset === 0 ? data : data.subarray(offset)) as unknown as Record<
      string,
      unknown
    >;
    return toRow ? toRow(message) : [toValue!(message)];
  };
}

/** Compiles row → protobuf binary; null for an unwrapped null (Connect writes no message for it). */
function rowWriterFor(
  type: protobuf.Type,
  columns: Columns,
  wrapped: boolean,
): (row: GenericRow) => Uint8Array | null {
  if (wrapped) {
    const toMessage = compileRowWriter(type, columns);
    return (row) => type.encode(toMessage(row)).finish();
  }
  const toMessage = compileUnwrappedWriter(type, columns[0].type);
  return (row) =>
    row[0] === null || row[0] === undefined
      ? null
      : type.encode(toMessage(row[0]) as Record<string, unknown>).finish();
}

/** The derived schema's root type, loaded (a wrapper root comes from the well-known types). */
function derivedType(
  columns: Columns,
  wrapped: boolean,
  fullName: string | undefined,
  nullable: NullableRepresentation,
) {
  const derived = protobufSchemaOf(columns, wrapped, { fullName, nullable });
  const text = printProtoFile(derived.file);
  if (derived.file.messages.length === 0)
    return { text, type: wellKnownType(derived.root), schema: undefined };
  const schema = loadProto(text);
  return { text, type: schema.messages[0], schema };
}

export interface ProtobufSerdeOptions {
  readonly registry: SchemaRegistry;
  readonly subject: string;
  readonly topic: string;
  readonly part: Part;
  readonly columns: Columns;
  readonly fullName?: string;
  readonly schemaId?: number;
  readonly registerSchema: boolean;
  readonly nullable?: NullableRepresentation;
}

export async function protobufSerde(o: ProtobufSerdeOptions): Promise<KsqlSerde<GenericRow>> {
  const { text, type: derived } = derivedType(o.columns, true, o.fullName, o.nullable);
  let writerType = derived;
  let indexes = [0];
  if (o.schemaId !== undefined) {
    const physical = await o.registry.byId(o.schemaId);
    if (physical.schemaType !== 'PROTOBUF') {
      throw new KsqlError(`Schema ${o.schemaId} is ${physical.schemaType}, not PROTOBUF`);
    }
    const schema = loadProto(physical.schema, await fetchImports(o.registry, physical));
    const picked = pickMessage(schema, o.fullName?.trim() || undefined);
    if (!picked) {
      throw new KsqlError(`Schema ${o.schemaId} has no message named '${o.fullName}'`);
    }
    writerType = picked;
    indexes = messageIndexes(schema, picked);
  }
  const derivedSchema: RegisteredSchema = { schemaType: 'PROTOBUF', schema: text };
  // Without *_SCHEMA_ID, Confluent's ProtobufConverter auto-registers the schema it writes with,
  // so a source whose subject holds another schema (a multi-message file, another text) still
  // writes (into its changelog or internal topics) with the derived schema, registered anew.
  const id: number =
    (await writerSchemaId(o.registry, o.subject, derivedSchema, o.registerSchema, o.schemaId)) ??
    (await o.registry.register(o.subject, derivedSchema));
  const encode = rowWriterFor(writerType, o.columns, true);

  // Readers per writer schema id, then per message-index path (a schema may hold several messages).
  const schemas = new Map<number, LoadedSchema | Error>();
  const readers = new Map<string, RowReader>();
  const readerFor = (writerId: number, path: readonly number[]): RowReader | undefined => {
    const key = `${writerId}:${path.join(',')}`;
    let read = readers.get(key);
    if (read) return read;
    const schema = schemas.get(writerId);
    if (schema === undefined) return undefined;
    if (schema instanceof Error) {
      read = () => {
        throw schema;
      };
    } else {
      const message = messageAt(schema, path);
      read = message
        ? rowReaderFor(message, o.columns, true)
        : () => {
            throw new Error(`the writer schema ${writerId} has no message at indexes [${path.join(', ')}]`);
          };
    }
    readers.set(key, read);
    return read;
  };
  const addSchema = async (writerId: number, schema: RegisteredSchema) => {
    if (schema.schemaType !== 'PROTOBUF') {
      schemas.set(writerId, new Error(`the writer schema is ${schema.schemaType}, not PROTOBUF`));
      return;
    }
    try {
      schemas.set(writerId, loadProto(schema.schema, await fetchImports(o.registry, schema)));
    } catch (error) {
      // A writer schema we cannot use fails its records (dead-letter material), not the batch.
      schemas.set(writerId, new Error(`the writer schema cannot be read: ${(error as Error).message}`));
    }
  };
  if (o.schemaId === undefined) readers.set(`${id}:0`, rowReaderFor(derived, o.columns, true));
  else await addSchema(id, await o.registry.byId(id));

  // magic byte, schema id, message indexes: the same for every record
  const header = Buffer.concat([Buffer.from([MAGIC_BYTE, 0, 0, 0, 0]), encodeMessageIndexes(indexes)]);
  header.writeInt32BE(id, 1);
  const target = o.part;
  return {
    serialize(row) {
      let body: Uint8Array;
      try {
        // PROTOBUF rows are always wrapped in a message: never null
        body = encode(row) as Uint8Array;
      } catch (cause) {
        throw new SerdeError(`Error serializing message to topic: ${o.topic}. ${(cause as Error).message}`, {
          cause,
        });
      }
      const out = Buffer.allocUnsafe(header.length + body.length);
      header.copy(out, 0);
      out.set(body, header.length);
      return out;
    },
    deserialize(data) {
      try {
        const writerId = readFraming(data, 'PROTOBUF');
        const { indexes: path, end } = decodeMessageIndexes(data, 5);
        const read = readerFor(writerId, path);
        if (!read) {
          throw new Error(
            `Schema ${writerId} not fetched from the Schema Registry (prefetch the batch first, or the id does not exist)`,
          );
        }
        return read(data, end);
      } catch (cause) {
        throw new SerdeError(
          `Failed to deserialize ${target} from topic: ${o.topic}. ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
    },
    async prefetch(payloads) {
      const missing = new Set<number>();
      for (const data of payloads) {
        if (data && data.length >= 5 && data[0] === MAGIC_BYTE) {
          const writerId = data.readInt32BE(1);
          if (!schemas.has(writerId) && !readers.has(`${writerId}:0`)) missing.add(writerId);
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
        await addSchema(writerId, schema);
      }
    },
  };
}

export interface ProtobufNoSrSerdeOptions {
  readonly topic: string;
  readonly part: Part;
  readonly columns: Columns;
  readonly wrapped: boolean;
  readonly nullable?: NullableRepresentation;
}

export function protobufNoSrSerde(o: ProtobufNoSrSerdeOptions): KsqlSerde<GenericRow> {
  const { type } = derivedType(o.columns, o.wrapped, undefined, o.nullable);
  const encode = rowWriterFor(type, o.columns, o.wrapped);
  const decode = rowReaderFor(type, o.columns, o.wrapped);
  const target = o.part;
  return {
    serialize(row) {
      try {
        const body = encode(row);
        if (body === null) return null as unknown as Buffer;
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      } catch (cause) {
        throw new SerdeError(`Error serializing message to topic: ${o.topic}. ${(cause as Error).message}`, {
          cause,
        });
      }
    },
    deserialize(data) {
      try {
        return decode(data, 0);
      } catch (cause) {
        throw new SerdeError(
          `Failed to deserialize ${target} from topic: ${o.topic}. Failed to deserialize data for topic ${o.topic} to Protobuf: ${(cause as Error).message}`,
          { cause },
        );
      }
    },
  };
}
