import type {
  DeserializationFailure,
  PersistentQuery,
  PullQueryPlan,
  TransientQueryPlan,
} from '@meterstream/ksql';

/**
 * Runs the engine's planned queries on the streams library's Kafka runtime (KafkaStreams over
 * kafkajs) — the contract between the service (command topic, engine) and the runtime.
 *
 * One KafkaStreams instance per persistent query, as ksqlDB runs them: the query's application id
 * is its consumer group and internal-topic prefix, so a restarted server resumes each query from
 * its committed offsets and restores its stores from their changelogs.
 */
export interface QueryRuntime {
  /** Starts a persistent query; resolves once it is running (or has failed: see status). */
  start(query: PersistentQuery): Promise<void>;
  /**
   * Stops a persistent query. `cleanup` (TERMINATE, DROP … DELETE TOPIC) also deletes its internal
   * topics and consumer group, as ksqlDB does; a server shutdown stops without cleanup.
   */
  stop(queryId: string, options: { readonly cleanup: boolean }): Promise<void>;
  /** What SHOW QUERIES / EXPLAIN report; undefined for an unknown id. */
  status(queryId: string): QueryStatus | undefined;
  /**
   * Executes a pull query against the live store of its materializing query, across all of that
   * query's tasks (every partition). Throws a KsqlError when that query is not running.
   */
  pull(plan: PullQueryPlan): Promise<unknown[][]>;
  /**
   * Starts a push query (`EMIT CHANGES`) on its own transient KafkaStreams instance with the
   * request's properties (`auto.offset.reset`, default latest as ksqlDB). Its rows are buffered up
   * to a bound: a consumer that stops reading makes the query stop taking input, never grows memory.
   */
  push(plan: TransientQueryPlan, properties: Readonly<Record<string, string>>): Promise<PushQuery>;
  /**
   * Writes a record a query outside the runtime could not deserialize (a stream pull query's scan)
   * to the processing log, as the runtime's own queries do. Optional: a runtime without a
   * processing log leaves it out.
   */
  logDeserializationError?(failure: DeserializationFailure): void;
  /** Stops every query (no cleanup). */
  close(): Promise<void>;
}

/** ksqlDB's KsqlQueryStatus, with the KafkaStreams state and the errors the query has hit. */
export interface QueryStatus {
  readonly state: 'RUNNING' | 'ERROR' | 'UNRESPONSIVE' | 'PAUSED';
  /** KafkaStreams state name (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR). */
  readonly streamsState: string;
  readonly errors: readonly QueryError[];
}

/** ksqlDB's QueryError as SHOW QUERIES EXTENDED / EXPLAIN report it. */
export interface QueryError {
  readonly timestamp: number;
  readonly errorMessage: string;
  readonly type: 'UNKNOWN' | 'USER' | 'SYSTEM';
}

/** A running push query. */
export interface PushQuery {
  /** The transient query id (`transient_<SOURCE>_<n>`), what /close-query names. */
  readonly id: string;
  /** Result rows, in order, each laid out as the plan's `columns` (the SELECT items). Ends at LIMIT or close(). */
  readonly rows: AsyncIterable<readonly unknown[]>;
  /** Stops the query and frees its resources (consumer group, tasks); idempotent. */
  close(): Promise<void>;
}
