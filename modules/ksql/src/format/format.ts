import type { Serde } from '@meterstream/streams';
import type { Column, GenericKey, GenericRow } from '../schema/logical-schema.js';

/**
 * The contract between the planner and the formats: how a source's key and value columns become
 * bytes on a topic and back. Serdes are synchronous (the streams library's are); anything that
 * needs the Schema Registry is fetched when the serde is created (async), and writer schemas of
 * ids met later are fetched by `prefetch` before a batch is deserialized.
 */
export type FormatName =
  | 'KAFKA'
  | 'JSON'
  | 'DELIMITED'
  | 'AVRO'
  | 'JSON_SR'
  | 'PROTOBUF'
  | 'PROTOBUF_NOSR'
  | 'NONE';

export interface FormatInfo {
  readonly name: FormatName;
  /**
   * Format properties from WITH: VALUE_DELIMITER / KEY_DELIMITER, *_SCHEMA_ID, *_SCHEMA_FULL_NAME,
   * *_PROTOBUF_NULLABLE_REPRESENTATION (as `nullableRepresentation`)…
   */
  readonly properties: Readonly<Record<string, string>>;
}

export interface RegisteredSchema {
  readonly schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  /** The schema text as the registry stores it. */
  readonly schema: string;
  /** Schemas this one imports (PROTOBUF `import "x.proto"`), by import name. */
  readonly references?: readonly SchemaReference[];
}

/** A reference to another registered schema (Confluent's SchemaReference). */
export interface SchemaReference {
  /** The name the referencing schema uses (`event.proto`). */
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** What the engine needs from a Schema Registry (real one over HTTP, or in memory in tests). */
export interface SchemaRegistry {
  /** Registers (or finds) a schema under a subject; returns its id. */
  register(subject: string, schema: RegisteredSchema): Promise<number>;
  latest(subject: string): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined>;
  byId(id: number): Promise<RegisteredSchema>;
  /** A subject's schema at a version (from 1), to resolve references; `latest` stands in without it. */
  version?(
    subject: string,
    version: number,
  ): Promise<{ readonly id: number; readonly schema: RegisteredSchema } | undefined>;
}

export interface SerdeContext {
  readonly topic: string;
  /** `WRAP_SINGLE_VALUE` (values only): undefined = the format's default. */
  readonly wrapSingleValue?: boolean;
  /** Whether the serializer registers the schema it derives (sinks: yes; sources: no). */
  readonly registerSchema?: boolean;
  /**
   * Value columns the query never reads (column-usage.ts). A format may leave them null where
   * decoding them could never fail the record — so skipping them changes no result.
   */
  readonly unusedColumns?: ReadonlySet<string>;
}

/** A serde that may need schemas fetched before deserializing a batch of payloads. */
export interface KsqlSerde<T> extends Serde<T> {
  prefetch?(payloads: Iterable<Buffer | null>): Promise<void>;
}

export interface Formats {
  keySerde(format: FormatInfo, columns: readonly Column[], ctx: SerdeContext): Promise<KsqlSerde<GenericKey>>;
  valueSerde(
    format: FormatInfo,
    columns: readonly Column[],
    ctx: SerdeContext,
  ): Promise<KsqlSerde<GenericRow>>;
  /**
   * Columns from the registry when a CREATE statement lists none (or only key columns):
   * undefined when the format has no schema in the registry for that topic.
   */
  inferColumns(
    format: FormatInfo,
    topic: string,
    part: 'key' | 'value',
    /** WRAP_SINGLE_VALUE=false: the value schema is one anonymous column (`ROWVAL`). */
    options?: { readonly wrapSingleValue?: boolean },
  ): Promise<readonly Omit<Column, 'namespace'>[] | undefined>;
  /** Throws a KsqlError when the format cannot carry these columns (e.g. KAFKA with two columns). */
  validate(format: FormatInfo, columns: readonly Column[], part: 'key' | 'value'): void;
}
