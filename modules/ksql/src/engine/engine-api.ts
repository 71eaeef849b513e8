import type { StoreBackend, Topology } from '@meterstream/streams';
import type { ProcessingLog } from './processing-log.js';
import type { SchemaRegistry } from '../format/format.js';
import type { Column, LogicalSchema } from '../schema/logical-schema.js';
import type { SqlType } from '../types/sql-type.js';

/**
 * The engine's outside world and what it reports: the contract for its hosts — the conformance
 * runner (TopologyTestDriver), the ksqlDB-compatible server (Kafka runtime), tests.
 *
 * The engine plans; it does not run queries. Each persistent query comes out as a Topology with
 * everything a host needs to run it (application id, topics, serdes inside the topology).
 */

/** Topics as the engine sees them: a Kafka admin client in a server, a map in tests. */
export interface TopicCatalog {
  /** Partition count, or undefined when the topic does not exist. */
  partitions(topic: string): Promise<number | undefined>;
  create(
    topic: string,
    partitions: number,
    replicas: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void>;
  delete(topic: string): Promise<void>;
  list(): Promise<readonly string[]>;
}

/** Where `INSERT INTO … VALUES` writes (a producer in a server, the test topics in the runner). */
export interface RecordWriter {
  write(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number): Promise<void>;
}

export interface KsqlEngineOptions {
  /** ksql.service.id; default `default_`. */
  readonly serviceId?: string;
  readonly topics: TopicCatalog;
  readonly schemaRegistry: SchemaRegistry;
  readonly writer: RecordWriter;
  /** Initial properties (ksqlDB's server config: `ksql.streams.*`, `auto.offset.reset`, …). */
  readonly properties?: Readonly<Record<string, string>>;
  /** Wall clock for ROWTIME of INSERT VALUES without one (tests fix it). */
  readonly clock?: () => number;
  /**
   * Where persistent queries keep their state stores: in memory (default) or in Redis
   * (`redisStoreBackend` of @meterstream/streams), with changelogs either way. Push queries keep
   * theirs in memory: they are gone when the query is.
   */
  readonly storeBackend?: StoreBackend;
}

export type SourceType = 'STREAM' | 'TABLE';

export interface SourceDescription {
  readonly name: string;
  readonly type: SourceType;
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** The formats' properties (FormatInfo.properties: schemaId, fullSchemaName, nullableRepresentation…). */
  readonly keyFormatProperties?: Readonly<Record<string, string>>;
  readonly valueFormatProperties?: Readonly<Record<string, string>>;
  readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION';
  /** Window size in ms for TUMBLING/HOPPING keys (a time-windowed key holds only its start). */
  readonly windowSize?: number;
  /** Serde features in force (`UNWRAP_SINGLES`, `WRAP_SINGLES`), as ksqlDB's DESCRIBE and QTT report them. */
  readonly keyFeatures?: readonly string[];
  readonly valueFeatures?: readonly string[];
  readonly columns: readonly Column[];
  readonly timestampColumn?: string;
  readonly partitions?: number;
  readonly replicas?: number;
  readonly isSource: boolean;
  /** Queries writing into / reading from this source. */
  readonly writeQueries: readonly string[];
  readonly readQueries: readonly string[];
  readonly statement: string;
}

export interface PersistentQuery {
  /** `CSAS_<NAME>_<n>`, `CTAS_<NAME>_<n>`, `INSERTQUERY_<n>`. */
  readonly id: string;
  readonly statementText: string;
  readonly sinkName: string;
  readonly sinkTopic: string;
  readonly sourceNames: readonly string[];
  /** `_confluent-ksql-<service.id>query_<id>` — the streams application id (and internal topic prefix). */
  readonly applicationId: string;
  readonly topology: Topology;
  /** Per-query streams properties in force when it was created (SET values, processing.guarantee, …). */
  readonly properties: Readonly<Record<string, string>>;
  /**
   * The state store (in `topology`) holding the result table pull queries read — set for
   * CREATE TABLE … AS SELECT and CREATE SOURCE TABLE queries.
   */
  readonly pullStore?: string;
  /** The result's columns (the sink's schema: EXPLAIN's `fields`). */
  readonly resultSchema?: LogicalSchema;
  /** The result's window type, for a windowed result. */
  readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION';
  /** The plan summary EXPLAIN shows (plan-summary.ts). */
  readonly executionPlan?: string;
  /** Its processing log: the host attaches a listener to hear of the source records it skips. */
  readonly processingLog?: ProcessingLog;
  /**
   * Fetches the writer schemas a batch of a source topic's payloads needs before the topology
   * deserializes them (Schema Registry formats); resolves at once for other formats. Hosts call
   * it before feeding records of `topic`.
   */
  readonly prefetch?: (
    topic: string,
    part: 'key' | 'value',
    payloads: Iterable<Buffer | null>,
  ) => Promise<void>;
}

/** The result of executing one statement (what the REST API's responses are built from). */
export type StatementResult =
  | {
      readonly kind: 'SourceCreated';
      readonly statementText: string;
      readonly source: SourceDescription;
      readonly message: string;
    }
  | {
      readonly kind: 'SourceDropped';
      readonly statementText: string;
      readonly name: string;
      readonly message: string;
    }
  | {
      readonly kind: 'QueryCreated';
      readonly statementText: string;
      readonly query: PersistentQuery;
      readonly message: string;
    }
  | { readonly kind: 'QueryTerminated'; readonly statementText: string; readonly queryIds: readonly string[] }
  | { readonly kind: 'RowsInserted'; readonly statementText: string }
  | {
      readonly kind: 'PropertySet' | 'PropertyUnset';
      readonly statementText: string;
      readonly name: string;
      readonly value?: string;
    }
  | {
      readonly kind: 'VariableDefined' | 'VariableUndefined';
      readonly statementText: string;
      readonly name: string;
    }
  | {
      readonly kind: 'Streams' | 'Tables';
      readonly statementText: string;
      readonly sources: readonly SourceDescription[];
    }
  | { readonly kind: 'Queries'; readonly statementText: string; readonly queries: readonly PersistentQuery[] }
  | {
      readonly kind: 'Topics';
      readonly statementText: string;
      readonly topics: readonly { readonly name: string; readonly partitions: number }[];
    }
  | {
      readonly kind: 'Properties';
      readonly statementText: string;
      readonly properties: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'Functions';
      readonly statementText: string;
      readonly functions: readonly {
        readonly name: string;
        readonly type: string;
        readonly category: string;
      }[];
    }
  | {
      readonly kind: 'SourceDescription';
      readonly statementText: string;
      readonly source: SourceDescription;
      readonly extended: boolean;
      /** The queries reading or writing it (its readQueries / writeQueries), by id. */
      readonly queries?: ReadonlyMap<string, PersistentQuery>;
    }
  | {
      readonly kind: 'FunctionDescription';
      readonly statementText: string;
      readonly name: string;
      readonly description: string;
      readonly variants: readonly string[];
    }
  | {
      readonly kind: 'QueryDescription';
      readonly statementText: string;
      readonly queryId?: string;
      /** The described query's own statement (EXPLAIN <statement>: that statement). */
      readonly queryStatement: string;
      readonly queryType: 'PERSISTENT' | 'PUSH';
      /** The result's columns. */
      readonly fields: readonly Column[];
      readonly sources: readonly string[];
      readonly sinks: readonly string[];
      readonly sinkKafkaTopics: readonly string[];
      readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION';
      readonly overriddenProperties: Readonly<Record<string, string>>;
      /** The streams application id (ksqlDB's consumerGroupId); undefined for EXPLAIN <statement>. */
      readonly consumerGroupId?: string;
      readonly topology: string;
      readonly executionPlan: string;
    }
  | { readonly kind: 'TypeCreated' | 'TypeDropped'; readonly statementText: string; readonly name: string }
  /** SHOW TYPES: the custom types CREATE TYPE registered, by name. */
  | {
      readonly kind: 'Types';
      readonly statementText: string;
      readonly types: readonly { readonly name: string; readonly type: SqlType }[];
    }
  /** A query statement (push/pull): the host runs it; the engine plans it into this. */
  | { readonly kind: 'TransientQuery'; readonly statementText: string; readonly query: unknown };

export interface QueryListener {
  queryCreated?(query: PersistentQuery): void;
  queryTerminated?(queryId: string): void;
}
