import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DeserializationError } from '../serde/serde.js';
import type { StreamsConfig } from '../task/config.js';
import type { RawRecord } from '../task/stream-task.js';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

/**
 * What to do with a record whose key or value cannot be deserialized (Kafka Streams'
 * default.deserialization.exception.handler): `logAndContinue` counts it, logs it and sends the
 * original bytes with error headers to `deadLetterTopic`; `logAndFail` stops the instance (ERROR).
 */
export type DeserializationHandling = 'logAndContinue' | 'logAndFail';

/** What to do when the producer cannot write output (default.production.exception.handler). */
export type ProductionHandling = 'fail' | 'continue';

export interface KafkaStreamsConfig extends StreamsConfig {
  /** The kafkajs client (brokers, client id, logging). */
  readonly kafka: Kafka;
  /** Default at_least_once. */
  readonly processingGuarantee?: ProcessingGuarantee;
  /** How often caches are flushed and offsets committed. Default 30 s (at_least_once), 100 ms (exactly_once_v2), as Kafka Streams. */
  readonly commitIntervalMs?: number;
  /**
   * Where the instance keeps what outlives a process (Kafka Streams' state.dir): its process id in
   * `<stateDir>/<applicationId>/kafka-streams-process-metadata`, created on first start. The
   * directory is locked while the instance runs, so two instances of one application on one machine
   * need distinct state directories. Without it (and without `instanceId`) the identity is random
   * per start: under exactly_once_v2 a crashed instance's open transaction is then not fenced by
   * its restart — only by the transaction timeout.
   */
  readonly stateDir?: string;
  /**
   * Kafka Streams' max.task.idle.ms, for tasks with several input partitions (joins, merges): how
   * long such a task waits for an input whose position is not known yet (no fetch answered for it)
   * before processing the others' records without it. Inputs known to be caught up are never
   * waited for. Default 500 ms (a few fetch rounds at the default fetch max wait).
   */
  readonly maxTaskIdleMs?: number;
  /**
   * Explicit identity of this instance, instead of the process id kept in `stateDir`. With
   * exactly_once_v2 it names the transactional producer (`<applicationId>-<instanceId>`): restarting
   * with the same id fences the crashed incarnation and aborts its open transaction at once.
   */
  readonly instanceId?: string;
  /** Default logAndFail. */
  readonly deserializationHandling?: DeserializationHandling;
  /** Where logAndContinue sends undecodable records. Default `<applicationId>-dlq`. */
  readonly deadLetterTopic?: string;
  /**
   * With logAndContinue: a record with a null key or value is refused like an undecodable one
   * (dead-lettered, part `key`/`value`) instead of reaching the topology as a tombstone that the
   * aggregations skip. For sources whose records must all carry both. Default false.
   */
  readonly deadLetterNulls?: boolean;
  /**
   * Extra headers for each dead letter (e.g. a reason code read from the serde's error, `cause`);
   * called once per dead-lettered record, so also the place to count them.
   */
  readonly deadLetterHeaders?: (record: RawRecord, error: DeserializationError) => Record<string, string>;
  /** Default fail. */
  readonly productionHandling?: ProductionHandling;
  /** Consumer group session timeout. Default 30 s. */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat interval. Default 3 s. */
  readonly heartbeatIntervalMs?: number;
  /**
   * Transaction timeout of the exactly-once producer: the broker aborts a transaction open longer
   * (e.g. its instance died) — until then it holds back read_committed readers and restores.
   * Default 10 s, as Kafka Streams under exactly-once.
   */
  readonly transactionTimeoutMs?: number;
  /**
   * The consumer's fetch.min.bytes: a fetch is answered once this many bytes are available, or
   * after `fetchMaxWaitMs`. Default 64 KiB (see FETCH_DEFAULTS); 1 answers as soon as anything is there.
   */
  readonly fetchMinBytes?: number;
  /**
   * The consumer's fetch.max.wait.ms: the most a fetch waits for `fetchMinBytes`, so the most a
   * record waits at low rates, and what close() waits for the fetch in flight. Default 100 ms.
   */
  readonly fetchMaxWaitMs?: number;
  /** Bound on close(): finish the batch, commit, leave the group. Default 30 s. */
  readonly shutdownTimeoutMs?: number;
  /** Partitions and replication of internal topics when they must be created. */
  readonly replicationFactor?: number;
  /** Prometheus registry for the runtime's metrics; none → metrics are kept but not registered. */
  readonly metricsRegistry?: Registry;
  /**
   * Awaited before each consumed batch is processed, with its raw values (and the batch: topic,
   * partition, each message's key and value): the place to warm async caches that synchronous
   * serdes read from (e.g. Schema Registry writer schemas by id, of keys as well as values).
   */
  readonly beforeBatch?: (values: readonly (Buffer | null)[], batch: ConsumedBatch) => Promise<void>;
  /**
   * Where a consumer group without committed offsets starts (auto.offset.reset). Default
   * `earliest`; `latest` for readers that only want what arrives from now on (push queries).
   */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  readonly logger?: Logger;
}

/** A consumed batch as `beforeBatch` sees it (raw bytes, before any deserialization). */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly { readonly key: Buffer | null; readonly value: Buffer | null }[];
}

export interface ResolvedRuntimeConfig {
  readonly applicationId: string;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  /** The explicit id, if any; otherwise the process id from stateDir (or a random one) is used. */
  readonly instanceId: string | undefined;
  readonly stateDir: string | undefined;
  readonly maxTaskIdleMs: number;
  readonly deserializationHandling: DeserializationHandling;
  readonly deadLetterTopic: string;
  readonly productionHandling: ProductionHandling;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly transactionTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly replicationFactor: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
}

/**
 * Fetch settings for live input. Kafka's consumer defaults (fetch.min.bytes 1, fetch.max.wait.ms
 * 500) answer a fetch as soon as one producer flush arrived: live at 20k msg/s that is a fetch —
 * and kafkajs' per-fetch and per-batch work — every few ms for a few dozen records per partition.
 * Waiting for 64 KiB (at most 100 ms) gathers several flushes per fetch: UC2 live at 20k msg/s
 * went from 10.5 to 7.8 µs CPU per record (docs/benchmarks.md); a record waits at most 100 ms more.
 */
export const FETCH_DEFAULTS = { minBytes: 64 * 1024, maxWaitMs: 100 } as const;

export function resolveRuntimeConfig(config: KafkaStreamsConfig): ResolvedRuntimeConfig {
  const guarantee = config.processingGuarantee ?? 'at_least_once';
  return {
    applicationId: config.applicationId,
    processingGuarantee: guarantee,
    commitIntervalMs: config.commitIntervalMs ?? (guarantee === 'exactly_once_v2' ? 100 : 30_000),
    instanceId: config.instanceId,
    stateDir: config.stateDir,
    maxTaskIdleMs: config.maxTaskIdleMs ?? 500,
    deserializationHandling: config.deserializationHandling ?? 'logAndFail',
    deadLetterTopic: config.deadLetterTopic ?? `${config.applicationId}-dlq`,
    productionHandling: config.productionHandling ?? 'fail',
    sessionTimeoutMs: config.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: config.heartbeatIntervalMs ?? 3_000,
    transactionTimeoutMs: config.transactionTimeoutMs ?? 10_000,
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? 30_000,
    replicationFactor: config.replicationFactor ?? 1,
    fetchMinBytes: config.fetchMinBytes ?? FETCH_DEFAULTS.minBytes,
    fetchMaxWaitMs: config.fetchMaxWaitMs ?? FETCH_DEFAULTS.maxWaitMs,
  };
}
