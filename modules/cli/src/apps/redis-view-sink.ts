import {
  type AggregateMetric,
  type Logger,
  type MeterstreamConfig,
  type SinkRetryPolicy,
  createKafka,
  identityOfKey,
  redisAuthOptions,
  validateMetricRecord,
} from '@meterstream/common';
import { createMetricDecoder } from '@meterstream/datalake';
import { RedisServingView } from '@meterstream/persistence';
import { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import { aggregateTopic, decodeAggregate } from './cassandra-writer.js';
import { type RunningSink, type SinkStats, runSinkLoop } from './cassandra-writer-loop.js';
import { serveMetrics } from '@meterstream/security';
import { appMetricsSecurity } from './app-metrics-security.js';
import { SINK_LOOP_PREFIXES, sinkLoopMetrics } from './cassandra-writer-metrics.js';

export interface RedisViewSinkOptions {
  config: MeterstreamConfig;
  logger: Logger;
  /** Windows whose aggregate topics feed the latest-aggregate hashes. Default 60, 600, 3600, 86400. */
  windows?: number[];
  /** Raw metrics topic feeding the latest-activity set; null to leave activity out. Default `metrics`. */
  metricsTopic?: string | null;
  /** Default `meterstream-redis-view`. */
  groupId?: string;
  /** Redis key prefix. Default `meterstream`. */
  prefix?: string;
  chunkSize?: number;
  /** Serve Prometheus metrics on this port (0: a free one); undefined: no endpoint. */
  metricsPort?: number;
  /** Retries of a failed write, then dead letters and a sink alert (common's sink-failure.ts). */
  retry?: Partial<SinkRetryPolicy>;
}

type ViewRecord =
  | { kind: 'aggregate'; window: number; aggregate: AggregateMetric }
  | { kind: 'metric'; gateway: string; timestamp: number };

/**
 * The Redis serving view sink: the latest aggregate per series and window from the aggregate
 * topics, and the latest event timestamp per gateway from the raw metrics topic (Avro, through the
 * Schema Registry when one is configured; records common's metric record rule refuses go to
 * `metrics-dlq`, as in the aggregator and the S3 sink). Each chunk is one Redis pipeline, committed after Redis
 * acknowledged it; both updates are monotonic, so re-deliveries are harmless.
 */
export async function startRedisViewSink(
  options: RedisViewSinkOptions,
): Promise<{ stats: SinkStats; metricsPort: number | undefined; stop(): Promise<void> }> {
  const { config, logger } = options;
  const windows = options.windows ?? [60, 600, 3600, 86400];
  const metricsTopic = options.metricsTopic === undefined ? 'metrics' : options.metricsTopic;
  const windowByTopic = new Map(windows.map((w) => [aggregateTopic(w), w]));
  const topics = [...windowByTopic.keys(), ...(metricsTopic ? [metricsTopic] : [])];
  // The aggregator's and the S3 sink's reader: the same metric record rule decides what is activity.
  const metricDecoder = createMetricDecoder(
    config.schemaRegistryUrl ? 'registry' : 'avro',
    config.schemaRegistryUrl,
  );

  const redis = new Redis(config.redisUrl, {
    ...redisAuthOptions(config),
    lazyConnect: true,
    maxRetriesPerRequest: 5,
  });
  // ioredis prints "[ioredis] Unhandled error event" with a stack for every failed reconnect when no
  // listener is attached; a lost connection is one warning line (at most every 10 s) naming the URL,
  // and the writes it fails are retried by the sink loop (with backoff; then dead-lettered, alerted).
  let lastConnectionWarning = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastConnectionWarning < 10_000) return;
    lastConnectionWarning = Date.now();
    logger.warn({ redisUrl: config.redisUrl, error: error.message }, 'redis connection error');
  });
  await redis.connect();
  const view = new RedisServingView(redis, { prefix: options.prefix });

  async function decode(message: KafkaMessage, topic: string, partition: number): Promise<ViewRecord> {
    const window = windowByTopic.get(topic);
    if (window !== undefined)
      return { kind: 'aggregate', window, aggregate: decodeAggregate(message, topic, partition, window) };
    await metricDecoder.prefetch([message.value]);
    const verdict = validateMetricRecord(message.key, message.value, metricDecoder.decode, {
      topic,
      partition,
      offset: message.offset,
    });
    if (!verdict.ok) throw verdict.error;
    return {
      kind: 'metric',
      gateway: identityOfKey(verdict.key).gateway,
      timestamp: verdict.reading.timestamp,
    };
  }

  async function write(records: ViewRecord[]): Promise<void> {
    const byWindow = new Map<number, AggregateMetric[]>();
    const activity: { gateway: string; timestamp: number }[] = [];
    for (const record of records) {
      if (record.kind === 'metric') {
        activity.push({ gateway: record.gateway, timestamp: record.timestamp });
      } else {
        const list = byWindow.get(record.window) ?? [];
        list.push(record.aggregate);
        byWindow.set(record.window, list);
      }
    }
    await view.recordActivity(activity);
    for (const [window, aggregates] of byWindow) await view.writeLatestAggregates(window, aggregates);
  }

  const metrics = sinkLoopMetrics(SINK_LOOP_PREFIXES.redisView);
  let sink: RunningSink;
  try {
    sink = await runSinkLoop<ViewRecord>({
      kafka: createKafka(config, logger),
      groupId: options.groupId ?? 'meterstream-redis-view',
      topics,
      logger,
      chunkSize: options.chunkSize,
      decode,
      write,
      metrics,
      retry: options.retry,
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  logger.info({ topics, prefix: view.prefix }, 'redis view sink running');
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
        await redis.quit();
        logger.info({ ...sink.stats }, 'redis view sink stopped');
      })();
      return stopping;
    },
  };
}
