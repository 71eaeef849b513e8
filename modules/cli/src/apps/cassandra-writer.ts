import {
  type AggregateMetric,
  DeserializationError,
  type Logger,
  type MeterstreamConfig,
  type SinkRetryPolicy,
  aggregateJsonSerde,
  createKafka,
  formatMetricKey,
} from '@meterstream/common';
import {
  AggregateDao,
  DEFAULT_WINDOWS,
  applyMigrations,
  createCassandraClient,
} from '@meterstream/persistence';
import type { KafkaMessage } from 'kafkajs';
import { type RunningSink, type SinkStats, runSinkLoop } from './cassandra-writer-loop.js';
import { serveMetrics } from '@meterstream/security';
import { appMetricsSecurity } from './app-metrics-security.js';
import { SINK_LOOP_PREFIXES, sinkLoopMetrics } from './cassandra-writer-metrics.js';

export interface CassandraWriterOptions {
  config: MeterstreamConfig;
  logger: Logger;
  /** Window length in seconds; selects the topic, the table and the consumer group. */
  window: number;
  /** Default `metrics-aggregates-<window>`. */
  topic?: string;
  /** Default `meterstream-cassandra-writer-<window>`. */
  groupId?: string;
  /** Writes in flight per chunk. Default 64. */
  concurrency?: number;
  /**
   * Rows per UNLOGGED BATCH (default 50; 1: one INSERT per row) and which rows share one (default
   * `partition`: only rows of one Cassandra partition, which a real cluster handles as cheaply as one
   * row; `any` for a single node). See AggregateDao. Batches cut the sequential round trips per
   * chunk (each waiting for the server's commit-log fsync), which bound the writer's throughput.
   */
  batchRows?: number;
  batchGrouping?: 'partition' | 'any';
  /** Records per chunk (one write round, then one commit). Default 2000. */
  chunkSize?: number;
  /** Partitions written at the same time (default 4), each with `concurrency` writes in flight. */
  partitionsConsumedConcurrently?: number;
  /** Consumer group session timeout (default 30 s). */
  sessionTimeoutMs?: number;
  /** Serve Prometheus metrics on this port (0: a free one); undefined: no endpoint. */
  metricsPort?: number;
  /** Retries of a failed write, then dead letters and a sink alert (common's sink-failure.ts). */
  retry?: Partial<SinkRetryPolicy>;
}

export interface RunningCassandraWriter {
  stats: SinkStats;
  /** Port of the /metrics endpoint, when one was requested. */
  metricsPort: number | undefined;
  stop(): Promise<void>;
}

export function aggregateTopic(window: number): string {
  return `metrics-aggregates-${window}`;
}

/**
 * Decodes an aggregate record and checks it belongs where it was found: the key names the same
 * series as the value, and the window has the topic's length. Anything else is bad input.
 */
export function decodeAggregate(
  message: KafkaMessage,
  topic: string,
  partition: number,
  window: number,
): AggregateMetric {
  const source = { topic, partition, offset: message.offset };
  const format = aggregateJsonSerde.format;
  if (message.value === null)
    throw new DeserializationError('null value (tombstone)', format, source, { kind: 'null-value' });
  const aggregate = aggregateJsonSerde.deserialize(message.value, source);
  const key = message.key?.toString('utf8');
  if (key !== undefined && key !== formatMetricKey(aggregate)) {
    throw new DeserializationError(
      `key ${JSON.stringify(key)} does not match the value's series ${formatMetricKey(aggregate)}`,
      format,
      source,
      { kind: 'invalid-aggregate' },
    );
  }
  if (aggregate.windowEnd - aggregate.windowStart !== window * 1000) {
    throw new DeserializationError(
      `window of ${(aggregate.windowEnd - aggregate.windowStart) / 1000} s on the topic of ${window} s windows`,
      format,
      source,
      { kind: 'invalid-aggregate' },
    );
  }
  return aggregate;
}

/**
 * The Cassandra writer: consumes `metrics-aggregates-<w>` in consumer group
 * `meterstream-cassandra-writer-<w>` (several instances share the partitions) and upserts each
 * aggregate into `metrics_aggregates_<w>`, committing offsets only after Cassandra acknowledged the
 * writes. Applies the schema migrations first.
 */
export async function startCassandraWriter(options: CassandraWriterOptions): Promise<RunningCassandraWriter> {
  const { config, logger, window } = options;
  const topic = options.topic ?? aggregateTopic(window);
  const groupId = options.groupId ?? `meterstream-cassandra-writer-${window}`;
  const client = createCassandraClient(config.cassandra);
  const metrics = sinkLoopMetrics(SINK_LOOP_PREFIXES.cassandraWriter);
  let sink: RunningSink;
  try {
    // The project's windows plus this one, so a non-standard --window gets its table too.
    const windows = [...new Set([...DEFAULT_WINDOWS, window])];
    const migrated = await applyMigrations(client, { keyspace: config.cassandra.keyspace, windows });
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'schema migrations applied');
    const dao = new AggregateDao(client, {
      keyspace: config.cassandra.keyspace,
      concurrency: options.concurrency ?? 64,
      batchRows: options.batchRows ?? 50,
      batchGrouping: options.batchGrouping,
    });
    sink = await runSinkLoop<AggregateMetric>({
      kafka: createKafka(config, logger),
      groupId,
      topics: [topic],
      logger,
      chunkSize: options.chunkSize,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      sessionTimeoutMs: options.sessionTimeoutMs,
      metrics,
      retry: options.retry,
      decode: (message, t, partition) => decodeAggregate(message, t, partition, window),
      write: (aggregates) => dao.saveAll(window, aggregates),
    });
  } catch (error) {
    await client.shutdown();
    throw error;
  }
  logger.info(
    { topic, groupId, table: `${config.cassandra.keyspace}.metrics_aggregates_${window}` },
    'cassandra writer running',
  );
  const endpoint =
    options.metricsPort === undefined
      ? undefined
      : await serveMetrics(metrics.registry, options.metricsPort, await appMetricsSecurity(options.config));
  let stopping: Promise<void> | undefined;
  return {
    stats: sink.stats,
    metricsPort: endpoint?.port,
    stop() {
      stopping ??= (async () => {
        await sink.stop();
        await endpoint?.close();
        await client.shutdown();
        logger.info({ ...sink.stats }, 'cassandra writer stopped');
      })();
      return stopping;
    },
  };
}
