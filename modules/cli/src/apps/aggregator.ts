import {
  DEAD_LETTER_COUNTER,
  DEAD_LETTER_TOPIC,
  type Logger,
  type MeterstreamConfig,
  type MetricReading,
  createKafka,
  metricReadingAvroSerde,
  metricReadingJsonSerde,
  metricReadingSyncRegistryReader,
  redisAuthOptions,
} from '@meterstream/common';
import {
  KafkaStreams,
  type ProcessingGuarantee,
  type Serde,
  type StoreBackend,
  redisStoreBackend,
} from '@meterstream/streams';
import { Redis } from 'ioredis';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { buildAggregatorTopology } from './aggregator-topology.js';
import { LossReport } from './loss-report.js';
import { serveMetrics } from '@meterstream/security';

export interface AggregatorOptions {
  config: MeterstreamConfig;
  logger: Logger;
  sourceTopic: string;
  windowsSec: readonly number[];
  graceSec: number;
  /** How metric values are encoded on the source topic. */
  inputFormat: 'avro' | 'json';
  processingGuarantee: ProcessingGuarantee;
  commitIntervalMs?: number;
  /** Default `meterstream-aggregator-<windows>`; instances with the same id share partitions. */
  applicationId?: string;
  /**
   * Identity of the instance; by default the process id kept in `stateDir` (or random without one).
   */
  instanceId?: string;
  /**
   * The streams state directory (process id, locked while running): a restart with the same one
   * fences the crashed incarnation's transaction. The CLI passes `<data-dir>/streams`.
   */
  stateDir?: string;
  /** State stores in memory (default) or in Redis at config.redisUrl. */
  stateStore?: 'memory' | 'redis';
  sessionTimeoutMs?: number;
  /** Serve Prometheus metrics on this port (0: any free port). */
  metricsPort?: number;
  /** Default `metrics-aggregates-<w>`. */
  outputTopic?: (windowSec: number) => string;
  /** Default `metrics-dlq`, the pipeline's one dead-letter topic. */
  deadLetterTopic?: string;
  /** How often late drops and dead letters are logged, at most (default 10 s). */
  lossReportIntervalMs?: number;
}

export interface RunningAggregator {
  streams: KafkaStreams;
  applicationId: string;
  metricsPort: number | undefined;
  close(): Promise<void>;
}

function metricSerde(options: AggregatorOptions): {
  serde: Serde<MetricReading>;
  beforeBatch?: (values: readonly (Buffer | null)[]) => Promise<void>;
} {
  if (options.inputFormat === 'json') return { serde: metricReadingJsonSerde };
  if (!options.config.schemaRegistryUrl) return { serde: metricReadingAvroSerde };
  const reader = metricReadingSyncRegistryReader(options.config.schemaRegistryUrl);
  return {
    serde: {
      serialize: () => {
        throw new Error('the aggregator only reads metrics');
      },
      deserialize: (data) => reader.deserialize(data),
    },
    beforeBatch: (values) => reader.prefetch(values),
  };
}

/**
 * Starts the metric aggregator (1-minute to 1-day windows) as a Kafka Streams application: reads metrics, writes the final
 * aggregate of every closed window to `metrics-aggregates-<w>`. Records common's metric record
 * rule refuses (validateMetricRecord: null or malformed key, null or undecodable value, non-finite
 * value, bad or out-of-range timestamp) go to `metrics-dlq` with the reason in their headers.
 */
export async function startAggregator(options: AggregatorOptions): Promise<RunningAggregator> {
  const applicationId = options.applicationId ?? `meterstream-aggregator-${options.windowsSec.join('-')}`;
  const { serde, beforeBatch } = metricSerde(options);
  // Redis stores keep each task's state under `ms:{<applicationId>:<store>:<partition>}:…` with the
  // changelog checkpoint beside it, so a restart restores only the changelog tail.
  const redis =
    options.stateStore === 'redis'
      ? new Redis(options.config.redisUrl, { ...redisAuthOptions(options.config), lazyConnect: true })
      : undefined;
  await redis?.connect();
  const storeBackend: StoreBackend | undefined = redis ? redisStoreBackend({ redis }) : undefined;
  const topology = buildAggregatorTopology({
    sourceTopic: options.sourceTopic,
    metricSerde: serde,
    windowsSec: options.windowsSec,
    graceSec: options.graceSec,
    storeBackend,
    outputTopic: options.outputTopic,
  });
  options.logger.info({ applicationId, topology: topology.describe().toString() }, 'aggregator topology');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deadLetters = new Counter({
    ...DEAD_LETTER_COUNTER,
    labelNames: [...DEAD_LETTER_COUNTER.labelNames],
    registers: [registry],
  });
  const deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  // Assigned below: the report reads the counters of the runtime it is passed to.
  let streams: KafkaStreams | undefined;
  const losses = new LossReport(
    options.logger,
    { windowsSec: options.windowsSec, graceSec: options.graceSec, deadLetterTopic },
    () => streams?.taskMetrics() ?? { processed: 0, lateRecordDrops: 0 },
    options.lossReportIntervalMs,
  );
  streams = new KafkaStreams(topology, {
    applicationId,
    kafka: createKafka(options.config, options.logger),
    processingGuarantee: options.processingGuarantee,
    commitIntervalMs: options.commitIntervalMs,
    instanceId: options.instanceId,
    stateDir: options.stateDir,
    deserializationHandling: 'logAndContinue',
    deadLetterTopic,
    deadLetterNulls: true,
    // The runtime's DeserializationError is common's: its kind is the metric record rule's reason
    // (null key/value refused by deadLetterNulls, else the serde's kind, malformed-key or bad-encoding).
    deadLetterHeaders: (_record, error) => {
      const reason = error.kind;
      deadLetters.inc({ application: applicationId, reason });
      losses.deadLettered(reason);
      return { 'error.reason': reason };
    },
    sessionTimeoutMs: options.sessionTimeoutMs,
    beforeBatch,
    metricsRegistry: registry,
    logger: options.logger,
  });
  const metricsEndpoint =
    options.metricsPort === undefined ? undefined : await serveMetrics(registry, options.metricsPort);
  await streams.start();
  losses.start();
  const running = streams;
  return {
    streams: running,
    applicationId,
    metricsPort: metricsEndpoint?.port,
    async close() {
      // Counted before the tasks go: closing them drops their counters.
      losses.stop();
      await running.close();
      await redis?.quit();
      await metricsEndpoint?.close();
    },
  };
}
