import {
  DEAD_LETTER_COUNTER,
  DEAD_LETTER_TOPIC,
  type InvalidRecordReason,
  type Logger,
  type MeterstreamConfig,
  createKafka,
  redisAuthOptions,
} from '@meterstream/common';
import { type MetricsEndpoint, serveMetrics } from '@meterstream/security';
import {
  KafkaStreams,
  type ProcessingGuarantee,
  type Serde,
  type StoreBackend,
  type Topology,
  redisStoreBackend,
} from '@meterstream/streams';
import { Redis } from 'ioredis';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { appMetricsSecurity } from './app-metrics-security.js';

/**
 * The runtime the CLI's Kafka Streams apps share (the aggregator, the quality stage): how the
 * metrics topic is decoded, where the state stores live, the Prometheus registry with the
 * dead-letter counter, and the KafkaStreams configuration around the app's own topology.
 */
export interface StreamsAppOptions {
  config: MeterstreamConfig;
  logger: Logger;
  /** How metric values are encoded on the source topic. */
  inputFormat: 'avro' | 'json';
  processingGuarantee: ProcessingGuarantee;
  commitIntervalMs?: number;
  /** Consumer group and internal topic prefix; instances with the same id share partitions. */
  applicationId?: string;
  /**
   * Identity of the instance; by default the process id kept in `stateDir` (or random without one).
   */
  instanceId?: string;
  /**
   * The streams state directory (process id, locked while running): a restart with the same one
   * fences the crashed incarnation's transaction.
   */
  stateDir?: string;
  /** State stores in memory (default) or in Redis at config.redisUrl. */
  stateStore?: 'memory' | 'redis';
  sessionTimeoutMs?: number;
  /** Serve Prometheus metrics on this port (0: any free port). */
  metricsPort?: number;
  /** Default `metrics-dlq`, the pipeline's one dead-letter topic. */
  deadLetterTopic?: string;
}

/** The serdes of one record type on the metrics topic. */
export interface SourceSerdes<T> {
  json: Serde<T>;
  /** Avro without the registry framing. */
  avro: Serde<T>;
  /** Avro through the Schema Registry (Confluent framing), writer schemas fetched per batch. */
  registryReader(url: string): {
    deserialize(data: Buffer): T;
    prefetch(values: readonly (Buffer | null)[]): Promise<void>;
  };
}

/** What an app builds its topology and runtime from. */
export interface PreparedStreamsApp<T> {
  serde: Serde<T>;
  beforeBatch?: (values: readonly (Buffer | null)[]) => Promise<void>;
  storeBackend: StoreBackend | undefined;
  registry: Registry;
  deadLetters: Counter<'application' | 'reason'>;
  redis: Redis | undefined;
}

/**
 * Everything before the topology: the source serde (`app` names the reader in the error a write
 * would raise), the Redis connection of the state stores when asked, the metrics registry.
 */
export async function prepareStreamsApp<T>(
  options: StreamsAppOptions,
  serdes: SourceSerdes<T>,
  app: string,
): Promise<PreparedStreamsApp<T>> {
  const { serde, beforeBatch } = sourceSerde(options, serdes, app);
  // Redis stores keep each task's state under `ms:{<applicationId>:<store>:<partition>}:…` with the
  // changelog checkpoint beside it, so a restart restores only the changelog tail.
  const redis =
    options.stateStore === 'redis'
      ? new Redis(options.config.redisUrl, { ...redisAuthOptions(options.config), lazyConnect: true })
      : undefined;
  await redis?.connect();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deadLetters = new Counter({
    ...DEAD_LETTER_COUNTER,
    labelNames: [...DEAD_LETTER_COUNTER.labelNames],
    registers: [registry],
  });
  return {
    serde,
    beforeBatch,
    storeBackend: redis ? redisStoreBackend({ redis }) : undefined,
    registry,
    deadLetters,
    redis,
  };
}

function sourceSerde<T>(
  options: StreamsAppOptions,
  serdes: SourceSerdes<T>,
  app: string,
): { serde: Serde<T>; beforeBatch?: (values: readonly (Buffer | null)[]) => Promise<void> } {
  if (options.inputFormat === 'json') return { serde: serdes.json };
  if (!options.config.schemaRegistryUrl) return { serde: serdes.avro };
  const reader = serdes.registryReader(options.config.schemaRegistryUrl);
  return {
    serde: {
      serialize: () => {
        throw new Error(`${app} only reads metrics`);
      },
      deserialize: (data) => reader.deserialize(data),
    },
    beforeBatch: (values) => reader.prefetch(values),
  };
}

export interface LaunchedStreamsApp {
  streams: KafkaStreams;
  metricsEndpoint: MetricsEndpoint | undefined;
  /** Closes the runtime, then the Redis connection and the metrics endpoint. */
  close(): Promise<void>;
}

/**
 * Runs `topology` as a Kafka Streams application with the CLI apps' settings: records that do not
 * decode, and null keys or values, go to the dead-letter topic with their reason in the headers
 * (and counted; `onDeadLetter` hears each reason too); metrics served when a port is given.
 */
export async function launchStreamsApp<T>(
  topology: Topology,
  options: StreamsAppOptions,
  prepared: PreparedStreamsApp<T>,
  app: { applicationId: string; name: string; onDeadLetter?: (reason: InvalidRecordReason) => void },
): Promise<LaunchedStreamsApp> {
  const { applicationId } = app;
  options.logger.info({ applicationId, topology: topology.describe().toString() }, `${app.name} topology`);
  const streams = new KafkaStreams(topology, {
    applicationId,
    kafka: createKafka(options.config, options.logger),
    processingGuarantee: options.processingGuarantee,
    commitIntervalMs: options.commitIntervalMs,
    instanceId: options.instanceId,
    stateDir: options.stateDir,
    deserializationHandling: 'logAndContinue',
    deadLetterTopic: options.deadLetterTopic ?? DEAD_LETTER_TOPIC,
    deadLetterNulls: true,
    // The runtime's DeserializationError is common's: its kind is the metric record rule's reason
    // (null key/value refused by deadLetterNulls, else the serde's kind, malformed-key or bad-encoding).
    deadLetterHeaders: (_record, error) => {
      const reason = error.kind;
      prepared.deadLetters.inc({ application: applicationId, reason });
      app.onDeadLetter?.(reason);
      return { 'error.reason': reason };
    },
    sessionTimeoutMs: options.sessionTimeoutMs,
    beforeBatch: prepared.beforeBatch,
    metricsRegistry: prepared.registry,
    logger: options.logger,
  });
  const metricsEndpoint =
    options.metricsPort === undefined
      ? undefined
      : await serveMetrics(prepared.registry, options.metricsPort, await appMetricsSecurity(options.config));
  await streams.start();
  return {
    streams,
    metricsEndpoint,
    async close() {
      await streams.close();
      await prepared.redis?.quit();
      await metricsEndpoint?.close();
    },
  };
}
