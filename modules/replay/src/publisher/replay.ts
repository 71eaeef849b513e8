import { createReadStream } from 'node:fs';
import {
  type Logger,
  type MeterstreamConfig,
  type MetricAttribute,
  createKafka,
  formatInstant,
  metricRegistrySerde,
} from '@meterstream/common';
import { openDataset } from '../readers/dataset-reader.js';
import { type DatasetType, METRIC_TYPE_OF } from '../readers/dataset-row.js';
import type { SkipReason } from '../readers/skip-report.js';
import { DEFAULT_SYNTHETIC_START } from '../synthetic/fleet.js';
import { type GatewayRange, gatewayCount } from './gateways.js';
import { createReplayProducer, ensureTopic, partitionCount } from './kafka-client.js';
import { createMetricEncoder, type MetricEncoder, type ValueFormat } from './metric-encoder.js';
import { createProgress } from './progress.js';
import { type StopReason, publishMetrics } from './publish.js';
import { datasetSource, syntheticSource } from './sources.js';

export interface ReplayOptions {
  config: MeterstreamConfig;
  logger: Logger;
  topic: string;
  /** `avro` uses the Schema Registry when config.schemaRegistryUrl is set, plain Avro otherwise. */
  format: 'avro' | 'json';
  /** A dataset file, or absent with `synthetic`. */
  dataset?: string;
  type?: DatasetType;
  synthetic?: boolean;
  seed?: number;
  /** First synthetic instant (epoch ms). */
  syntheticStart?: number;
  /** Time between two synthetic readings of a meter, ms (default 60 000). */
  syntheticStepMs?: number;
  /** Only these synthetic attributes (default all). */
  syntheticAttributes?: readonly MetricAttribute[];
  gateways: GatewayRange;
  /** Messages per second, 0 = unlimited. */
  rate: number;
  dayOffset?: number;
  messageCount?: number;
  /** Zone of local-time datasets (UCI). */
  zone?: string;
  /** Messages an idle partition gathers before it sends (see publishMetrics). */
  batchSize?: number;
  /** Most messages in one produce request (see publishMetrics). */
  maxBatchSize?: number;
  /** Partitions of the topic when replay has to create it. Default 4. */
  partitions?: number;
  signal?: AbortSignal;
  /** Bar or log lines; default: a bar when stderr is a TTY. */
  tty?: boolean;
}

export interface ReplaySummary {
  published: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Dataset rows read (batches are read ahead, so with --message-count this can exceed what was published), rows before the day offset. */
  rows?: number;
  rowsBeforeDayOffset?: number;
  elapsedMs: number;
  meanRate: number;
  stoppedBy: StopReason;
  format: ValueFormat;
}

/** Counts newline bytes: a quick pass that sizes the progress bar of a dataset replay. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(10);
    while (at >= 0) {
      lines++;
      at = chunk.indexOf(10, at + 1);
    }
  }
  return lines;
}

async function createEncoder(
  options: ReplayOptions,
): Promise<{ encoder: MetricEncoder; format: ValueFormat }> {
  if (options.format === 'json') return { encoder: createMetricEncoder('json'), format: 'json' };
  const url = options.config.schemaRegistryUrl;
  if (url === null) return { encoder: createMetricEncoder('avro'), format: 'avro' };
  // Registered once; every message then carries the id (Confluent framing, subject <topic>-value).
  const schemaId = await metricRegistrySerde({ url, subject: `${options.topic}-value` }).schemaId();
  return { encoder: createMetricEncoder('avro-registry', schemaId), format: 'avro-registry' };
}

/** Human-readable final summary. */
export function formatSummary(summary: ReplaySummary): string {
  const skipped = Object.entries(summary.skipped);
  return [
    `published ${summary.published} messages (${summary.format}) in ${(summary.elapsedMs / 1000).toFixed(1)} s, ` +
      `mean ${Math.round(summary.meanRate)} msg/s, stopped by ${summary.stoppedBy}`,
    ...(summary.rows !== undefined
      ? [`dataset rows read ${summary.rows}, before day offset ${summary.rowsBeforeDayOffset ?? 0}`]
      : []),
    skipped.length > 0
      ? `skipped lines: ${skipped.map(([reason, n]) => `${reason} ${n}`).join(', ')}`
      : 'skipped lines: none',
  ].join('\n');
}

/**
 * One replay run: builds the source (dataset fanned out to gateways, or the synthetic fleet), the
 * encoder and a producer, publishes with progress, and returns the summary. The caller owns signal
 * handling (the command aborts `signal` on SIGINT; publishing then stops after flushing).
 */
export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const { logger, topic, gateways } = options;
  if (!options.synthetic && options.dataset === undefined)
    throw new Error('replay needs --dataset <file> (with --type) or --synthetic');
  if (options.dataset !== undefined && options.type === undefined)
    throw new Error('--dataset needs --type electricity|water|gas');

  const reader =
    options.dataset !== undefined
      ? openDataset(options.dataset, {
          type: options.type!,
          zone: options.zone,
          dayOffset: options.dayOffset,
          logger,
        })
      : undefined;
  const source = reader
    ? datasetSource(reader, METRIC_TYPE_OF[options.type!], gateways)
    : syntheticSource({
        seed: options.seed ?? 42,
        gateways,
        start: (options.syntheticStart ?? DEFAULT_SYNTHETIC_START) + (options.dayOffset ?? 0) * 86_400_000,
        stepMs: options.syntheticStepMs,
        attributes: options.syntheticAttributes,
      });

  let total = options.messageCount;
  if (reader) {
    const rows = Math.max(0, (await countLines(reader.path)) - 1);
    const estimate = rows * reader.attributes.length * gatewayCount(gateways);
    total = total === undefined ? estimate : Math.min(total, estimate);
  }

  const { encoder, format } = await createEncoder(options);
  const kafka = createKafka(options.config, logger);
  await ensureTopic(kafka, topic, options.partitions ?? 4).catch((error: unknown) => {
    // Not fatal: the broker may still create the topic on first produce (auto-creation).
    logger.warn({ err: error, topic }, 'could not create the topic; relying on auto-creation');
  });
  const partitions = await partitionCount(kafka, topic);
  const producer = createReplayProducer(kafka);
  await producer.connect();
  const progress = createProgress({ total, logger, tty: options.tty });
  logger.info(
    {
      topic,
      format,
      source: options.dataset ?? 'synthetic',
      gateways: `${gateways.from}..${gateways.to}`,
      rate: options.rate || 'unlimited',
      ...(options.synthetic
        ? { start: formatInstant(options.syntheticStart ?? DEFAULT_SYNTHETIC_START) }
        : {}),
    },
    'replay started',
  );
  try {
    const result = await publishMetrics({
      producer,
      topic,
      partitions,
      encoder,
      source,
      rate: options.rate,
      messageCount: options.messageCount,
      batchSize: options.batchSize,
      maxBatchSize: options.maxBatchSize,
      signal: options.signal,
      onProgress: (published) => progress.update(published),
    });
    progress.update(result.published);
    progress.stop();
    const summary: ReplaySummary = {
      published: result.published,
      skipped: reader ? reader.skips.nonZero() : {},
      ...(reader ? { rows: reader.stats.rows, rowsBeforeDayOffset: reader.stats.beforeDayOffset } : {}),
      elapsedMs: result.elapsedMs,
      meanRate: result.published / Math.max(0.001, result.elapsedMs / 1000),
      stoppedBy: result.stoppedBy,
      format,
    };
    logger.info(
      { ...summary, ...(reader ? { skippedExamples: reader.skips.examples } : {}) },
      'replay finished',
    );
    return summary;
  } finally {
    progress.stop();
    await producer.disconnect();
  }
}
