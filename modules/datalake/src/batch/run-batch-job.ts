import type { S3Client } from '@aws-sdk/client-s3';
import { type AggregateMetric, type Logger, type MeterstreamConfig, createLogger } from '@meterstream/common';
import {
  AggregateDao,
  HighWaterMarkDao,
  applyMigrations,
  createCassandraClient,
} from '@meterstream/persistence';
import type { Client } from 'cassandra-driver';
import { datesInRange } from '../layout.js';
import { listRawObjects, mapBounded, readRawObject } from '../lake-reader.js';
import type { ArchivedMetric } from '../parquet/metric-parquet.js';
import { createS3Client } from '../s3-client.js';
import { InvalidParameterError, requireWindowAligned } from '../time-range.js';
import { aggregateMetrics, dropRepeatedOffsets, sortByPartitionOffset } from './recompute.js';

export interface BatchJobOptions {
  config: MeterstreamConfig;
  /** Window length in seconds; must divide a day, so no window spans two date partitions. */
  window: number;
  /** Half-open event-time range [from, to), epoch ms, on window boundaries. */
  from: number;
  to: number;
  s3?: S3Client;
  /** A connected client; when absent one is created from config and shut down at the end. */
  cassandra?: Client;
  /** Objects read in parallel. */
  readConcurrency?: number;
  logger?: Logger;
}

export interface BatchJobResult {
  window: number;
  from: number;
  to: number;
  dates: string[];
  objectsRead: number;
  recordsRead: number;
  /** Records outside [from, to) in the objects read (e.g. a partial first or last day). */
  recordsOutOfRange: number;
  /** Records met twice (same partition and offset); 0 for a lake written by the sink. */
  repeatedRecords: number;
  aggregatesWritten: number;
  /** The high-water mark stored for the window after the run. */
  highWaterMark: number;
  durationMs: number;
}

const DAY_MS = 86_400_000;

/**
 * `meterstream batch`: recomputes the batch views of one window from the lake.
 *
 * Date by date (each date prefix of every metric type is listed and read, nothing else), the
 * records are put in the speed layer's order (partition, offset), folded with the shared aggregate
 * function, and upserted into `batch_aggregates_<w>`. Then the window's high-water mark is raised
 * to `to` (never lowered: re-running an older range does not shrink the served batch range).
 * Re-running yields the same rows: every write is an upsert of a deterministic value.
 */
export async function runBatchJob(options: BatchJobOptions): Promise<BatchJobResult> {
  const started = performance.now();
  const { config, window, from, to } = options;
  if (!Number.isInteger(window) || window <= 0 || DAY_MS % (window * 1000) !== 0) {
    throw new InvalidParameterError('window', `${window} s does not divide a day`);
  }
  if (from >= to) throw new InvalidParameterError('to', 'must be after from');
  requireWindowAligned({ from, to }, window);
  const logger = options.logger ?? createLogger('batch', config.logLevel);
  const s3 = options.s3 ?? createS3Client(config.s3);
  const bucket = config.s3.bucket;
  const cassandra = options.cassandra ?? createCassandraClient(config.cassandra);
  const keyspace = config.cassandra.keyspace;
  try {
    if (!options.cassandra) await applyMigrations(cassandra, { keyspace });
    const batchDao = new AggregateDao(cassandra, { keyspace, family: 'batch_aggregates' });
    const marks = new HighWaterMarkDao(cassandra, { keyspace });
    const dates = datesInRange(from, to);
    const objects = await listRawObjects(s3, bucket, dates, (key) =>
      logger.warn({ key }, 'object under raw/ does not follow the layout; skipped'),
    );
    const byDate = new Map<string, typeof objects>();
    for (const object of objects) {
      const list = byDate.get(object.date) ?? [];
      list.push(object);
      byDate.set(object.date, list);
    }
    const result: BatchJobResult = {
      window,
      from,
      to,
      dates,
      objectsRead: 0,
      recordsRead: 0,
      recordsOutOfRange: 0,
      repeatedRecords: 0,
      aggregatesWritten: 0,
      highWaterMark: to,
      durationMs: 0,
    };
    for (const date of dates) {
      const dayObjects = byDate.get(date) ?? [];
      const parts = await mapBounded(dayObjects, options.readConcurrency ?? 4, (object) =>
        readRawObject(s3, bucket, object.key),
      );
      const metrics: ArchivedMetric[] = parts.flat();
      result.objectsRead += dayObjects.length;
      result.recordsRead += metrics.length;
      const { metrics: unique, repeated } = dropRepeatedOffsets(sortByPartitionOffset(metrics));
      result.repeatedRecords += repeated;
      if (repeated > 0) logger.warn({ date, repeated }, 'repeated records in the lake were counted once');
      const aggregates: AggregateMetric[] = aggregateMetrics(unique, window, { from, to });
      result.recordsOutOfRange += unique.length - aggregates.reduce((n, a) => n + a.sampleCount, 0);
      await batchDao.saveAll(window, aggregates);
      result.aggregatesWritten += aggregates.length;
      logger.info(
        { date, objects: dayObjects.length, records: metrics.length, aggregates: aggregates.length },
        'date recomputed',
      );
    }
    const previous = await marks.get(window);
    result.highWaterMark = Math.max(previous?.highWaterMark ?? to, to);
    await marks.set(window, result.highWaterMark);
    result.durationMs = performance.now() - started;
    return result;
  } finally {
    if (!options.s3) s3.destroy();
    if (!options.cassandra) await cassandra.shutdown();
  }
}
