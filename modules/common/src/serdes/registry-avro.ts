import registryPackage from '@kafkajs/confluent-schema-registry';
import { httpCredentialsFor } from '../http-credentials.js';
import { httpsAgentFor } from '../http-trust.js';
import { DeserializationError, type PayloadSource } from '../errors.js';
import { avroError } from './avro.js';
import { fromWireAt } from './wire.js';
import type { AsyncSerde } from './serde.js';

const { SchemaRegistry, SchemaType } = registryPackage;
type Registry = InstanceType<typeof SchemaRegistry>;

/** Confluent's wire format: magic byte 0, a 4-byte big-endian schema id, then Avro binary. */
export const CONFLUENT_MAGIC_BYTE = 0;

export interface RegistryAvroOptions {
  /** Schema Registry base URL, e.g. http://127.0.0.1:8081. */
  url: string;
  /** Subject the writer schema is registered under; Confluent's TopicNameStrategy uses `<topic>-value`. */
  subject: string;
  /** The writer schema. */
  schema: Record<string, unknown>;
  /** Share one client between serdes to share its schema cache. */
  registry?: Registry;
}

/**
 * A registry client; Basic auth when `loadConfig` recorded credentials for the URL
 * (http-credentials.ts), and an https agent trusting the CA recorded for it (http-trust.ts).
 */
export function createSchemaRegistry(url: string): Registry {
  const auth = httpCredentialsFor(url);
  const agent = httpsAgentFor(url);
  return new SchemaRegistry({
    host: url,
    ...(agent ? { agent } : {}),
    ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}),
  });
}

/**
 * Avro in Confluent's wire format through @kafkajs/confluent-schema-registry: the schema is
 * registered once (lazily, on first serialize) and readers resolve the writer schema by the id in
 * each payload, so any Confluent-compatible consumer (ksqlDB, kafka-avro-console-consumer) can read
 * what we write.
 */
export function registryAvroSerde<T, W>(
  options: RegistryAvroOptions,
  toWire: (value: T) => W,
  fromWire: (decoded: unknown, format: string) => T,
): AsyncSerde<T> & { schemaId(): Promise<number> } {
  const registry = options.registry ?? createSchemaRegistry(options.url);
  const format = `avro-registry:${String(options.schema.name)}`;
  let id: Promise<number> | undefined;
  const schemaId = () => {
    id ??= registry
      .register(
        { type: SchemaType.AVRO, schema: JSON.stringify(options.schema) },
        { subject: options.subject },
      )
      .then((registered) => registered.id)
      .catch((error: unknown) => {
        id = undefined; // let a later call retry a registry that was briefly unavailable
        throw error;
      });
    return id;
  };
  return {
    format,
    schemaId,
    async serialize(value) {
      return registry.encode(await schemaId(), toWire(value));
    },
    async deserialize(data: Buffer, source?: PayloadSource) {
      if (data.length < 5 || data[0] !== CONFLUENT_MAGIC_BYTE) {
        throw new DeserializationError(
          'not in Confluent wire format (magic byte 0 + schema id)',
          format,
          source,
        );
      }
      // Two steps so an unreachable registry (retry later) is not mistaken for bad data (dead-letter):
      // only "no such schema" and undecodable bytes are the payload's fault.
      const id = data.readInt32BE(1);
      let writer: { fromBuffer(buffer: Buffer): unknown };
      try {
        writer = (await registry.getSchema(id)) as unknown as typeof writer;
      } catch (cause) {
        if (!isSchemaNotFound(cause)) throw cause;
        throw new DeserializationError(`unknown schema id ${id}`, format, source, {
          cause,
          kind: 'unknown-schema',
        });
      }
      let decoded: unknown;
      try {
        decoded = writer.fromBuffer(data.subarray(5));
      } catch (cause) {
        throw avroError('invalid Avro payload', cause, format, source);
      }
      return fromWireAt(fromWire, decoded, format, source);
    },
  };
}

/** The registry answered that the schema does not exist (Confluent error 40403, HTTP 404). */
export function isSchemaNotFound(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === 404 || /40403|not found/i.test((error as Error).message ?? '');
}
