import type { S3Client } from '@aws-sdk/client-s3';
import {
  type Logger,
  type MeterstreamConfig,
  type ProgressOptions,
  createKafka,
  createLogger,
  createProgressReporter,
  isMetricTime,
} from '@meterstream/common';
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
import { lakeCoverage } from './lake-coverage.js';
import {
  type DayRecompute,
  aggregateMetrics,
  dropRepeatedOffsets,
  sortByPartitionOffset,
} from './recompute.js';

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
  /** The topic the S3 sink archives (default `metrics`): its flush progress bounds the run. */
  topic?: string;
  /** The S3 sink's consumer group (default `meterstream-sink-s3`). */
  sinkGroup?: string;
  /**
   * Event time (epoch ms) below which the lake holds every record. Default: from the S3 sink's
   * flush progress and the topic's end offsets (lakeCoverage, which needs Kafka); a lake written
   * by other means can say so here.
   */
  coveredUntil?: () => Promise<number>;
  logger?: Logger;
  /**
   * How the windows are computed: `reference` folds the records in this process (batch/recompute.ts);
   * `duckdb` runs the same rule as SQL on DuckDB (sql/aggregate-sql.ts). Both give the same rows.
   */
  engine?: BatchEngine;
  /**
   * Show progress (objects read, rate, ETA): a bar on a terminal, `batch progress` log lines
   * otherwise (common's createProgressReporter; these options override its defaults). Off when absent.
   */
  progress?: Pick<ProgressOptions, 'tty' | 'logIntervalMs' | 'stream'>;
}

export type BatchEngine = 'reference' | 'duckdb';

export interface BatchJobResult {
  engine: BatchEngine;
  window: number;
  from: number;
  /** The end actually recomputed: the requested end, capped to what the lake provably holds. */
  to: number;
  requestedTo: number;
  /** Event time below which the lake held every record when the job ran (may be ±Infinity). */
  lakeCoveredUntil: number;
  dates: string[];
  objectsRead: number;
  recordsRead: number;
  /** Records outside [from, to) in the objects read (e.g. a partial first or last day). */
  recordsOutOfRange: number;
  /** Records met twice (same partition and offset); 0 for a lake written by the sink. */
  repeatedRecords: number;
  /** Records in the lake that the metric rule refuses (archived before the sink applied it). */
  recordsRefused: number;
  aggregatesWritten: number;
  /** The batch view's coverage [lowWaterMark, highWaterMark) after the run; null: none yet. */
  lowWaterMark: number | null;
  highWaterMark: number | null;
  durationMs: number;
}

const DAY_MS = 86_400_000;

/**
 * `meterstream batch`: recomputes the batch views of one window from the lake.
 *
 * The range is first capped to what the lake provably holds (see lakeCoverage): a window is
 * recomputed only if every record of it has been flushed by the S3 sink, so the job never claims
 * a window the speed layer still has rows for that the lake has not. Date by date (each date prefix of every metric type is listed and read, nothing else), the
 * records are put in the speed layer's order (partition, offset), folded with the shared aggregate
 * function, and upserted into `batch_aggregates_<w>`. Then the window's coverage [low, high) is
 * widened by the range (mergeCoverage). Re-running yields the same rows: every write is an upsert
 * of a deterministic value.
 */
export async function runBatchJob(options: BatchJobOptions): Promise<BatchJobResult> {
  const started = performance.now();
  const { config, window, from } = options;
  const requestedTo = options.to;
  if (!Number.isInteger(window) || window <= 0 || DAY_MS % (window * 1000) !== 0) {
    throw new InvalidParameterError('window', `${window} s does not divide a day`);
  }
  if (from >= requestedTo) throw new InvalidParameterError('to', 'must be after from');
  requireWindowAligned({ from, to: requestedTo }, window);
  const logger = options.logger ?? createLogger('batch', config.logLevel, config.logFormat);
  const s3 = options.s3 ?? createS3Client(config.s3);
  const bucket = config.s3.bucket;
  const cassandra = options.cassandra ?? createCassandraClient(config.cassandra);
  const keyspace = config.cassandra.keyspace;
  try {
    if (!options.cassandra) await applyMigrations(cassandra, { keyspace });
    const batchDao = new AggregateDao(cassandra, { keyspace, family: 'batch_aggregates' });
    const marks = new HighWaterMarkDao(cassandra, { keyspace });
    const coveredUntil = await (
      options.coveredUntil ?? (() => sinkCoverage(config, logger, s3, options.topic, options.sinkGroup))
    )();
    const size = window * 1000;
    const to = Math.max(from, Math.min(requestedTo, Math.floor(coveredUntil / size) * size));
    if (to < requestedTo) {
      logger.warn(
        { requestedTo: new Date(requestedTo), to: new Date(to), lakeCoveredUntil: coveredUntil },
        'the lake does not hold every record of the range yet (the S3 sink has not flushed them): the run stops where it does',
      );
    }
    const dates = to > from ? datesInRange(from, to) : [];
    const objects = await listRawObjects(s3, bucket, dates, (key) =>
      logger.warn({ key }, 'object under raw/ does not follow the layout; skipped'),
    );
    const byDate = new Map<string, typeof objects>();
    for (const object of objects) {
      const list = byDate.get(object.date) ?? [];
      list.push(object);
      byDate.set(object.date, list);
    }
    const engine = options.engine ?? 'reference';
    const result: BatchJobResult = {
      engine,
      window,
      from,
      to,
      requestedTo,
      lakeCoveredUntil: coveredUntil,
      dates,
      objectsRead: 0,
      recordsRead: 0,
      recordsOutOfRange: 0,
      repeatedRecords: 0,
      recordsRefused: 0,
      aggregatesWritten: 0,
      lowWaterMark: null,
      highWaterMark: null,
      durationMs: 0,
    };
    const progress = options.progress
      ? createProgressReporter({
          label: 'batch',
          unit: 'objects',
          countField: 'objectsRead',
          total: objects.length,
          logger,
          ...options.progress,
        })
      : undefined;
    try {
      for (const date of dates) {
        const dayObjects = byDate.get(date) ?? [];
        const objectsBefore = result.objectsRead;
        const day =
          engine === 'duckdb'
            ? // Imported here: DuckDB's native binding costs ~200 ms to load, which the reference engine
              // (the default) and every other command of this module should not pay.
              await (await import('../sql/duckdb-recompute.js')).recomputeWithDuckDb({
                s3,
                bucket,
                keys: dayObjects.map((object) => object.key),
                window,
                range: { from, to },
                readConcurrency: options.readConcurrency,
              })
            : await recomputeInProcess(
                s3,
                bucket,
                dayObjects,
                window,
                { from, to },
                options.readConcurrency,
                (read) => progress?.update(objectsBefore + read, date),
              );
        const { aggregates, repeatedRecords: repeated } = day;
        result.recordsRefused += day.recordsRefused;
        result.objectsRead += dayObjects.length;
        progress?.update(result.objectsRead, date);
        result.recordsRead += day.recordsRead;
        result.repeatedRecords += repeated;
        if (repeated > 0) logger.warn({ date, repeated }, 'repeated records in the lake were counted once');
        const unique = day.recordsRead - day.recordsRefused - repeated;
        result.recordsOutOfRange += unique - aggregates.reduce((n, a) => n + a.sampleCount, 0);
        await batchDao.saveAll(window, aggregates);
        result.aggregatesWritten += aggregates.length;
        logger.info(
          { date, objects: dayObjects.length, records: day.recordsRead, aggregates: aggregates.length },
          'date recomputed',
        );
      }
    } finally {
      progress?.stop();
    }
    const previous = await marks.get(window);
    const coverage = mergeCoverage(
      previous ? { low: previous.lowWaterMark, high: previous.highWaterMark } : null,
      { low: from, high: to },
    );
    if (coverage && (coverage.low !== previous?.lowWaterMark || coverage.high !== previous?.highWaterMark))
      await marks.set(window, coverage.high, coverage.low);
    result.lowWaterMark = coverage?.low ?? null;
    result.highWaterMark = coverage?.high ?? null;
    result.durationMs = performance.now() - started;
    return result;
  } finally {
    if (!options.s3) s3.destroy();
    if (!options.cassandra) await cassandra.shutdown();
  }
}

/** The reference engine for one date: decode the objects here and fold them with common's fold. */
async function recomputeInProcess(
  s3: S3Client,
  bucket: string,
  objects: readonly { key: string }[],
  window: number,
  range: { from: number; to: number },
  readConcurrency = 4,
  onObjectRead: (objectsRead: number) => void = () => undefined,
): Promise<DayRecompute> {
  let objectsRead = 0;
  const parts = await mapBounded(objects, readConcurrency, async (object) => {
    const metrics = await readRawObject(s3, bucket, object.key);
    onObjectRead(++objectsRead);
    return metrics;
  });
  const read: ArchivedMetric[] = parts.flat();
  // The metric rule's checks on the payload (the key's were made by the typed columns): a lake
  // archived before the sink applied the rule may hold what the speed layer never aggregated.
  const metrics = read.filter((m) => isMetricTime(m.timestamp) && Number.isFinite(m.value));
  const { metrics: unique, repeated } = dropRepeatedOffsets(sortByPartitionOffset(metrics));
  return {
    aggregates: aggregateMetrics(unique, window, range),
    recordsRead: read.length,
    recordsRefused: read.length - metrics.length,
    repeatedRecords: repeated,
  };
}

/**
 * The batch view's coverage after a run over `run`: the served batch range must be one interval in
 * which every window was recomputed, so a run that touches or overlaps the previous coverage widens
 * it, an empty run changes nothing, and a run that leaves a gap replaces it only if it is later
 * (its windows were recomputed; the older ones are then served from the speed layer again rather
 * than the gap being claimed).
 */
export function mergeCoverage(
  previous: { low: number; high: number } | null,
  run: { low: number; high: number },
): { low: number; high: number } | null {
  if (run.high <= run.low) return previous;
  if (!previous) return run;
  if (run.low <= previous.high && run.high >= previous.low)
    return { low: Math.min(previous.low, run.low), high: Math.max(previous.high, run.high) };
  return run.low > previous.high ? run : previous;
}

async function sinkCoverage(
  config: MeterstreamConfig,
  logger: Logger,
  s3: S3Client,
  topic = 'metrics',
  sinkGroup?: string,
): Promise<number> {
  const admin = createKafka(config, logger).admin();
  await admin.connect();
  try {
    return (await lakeCoverage(s3, config.s3.bucket, admin, topic, sinkGroup)).coveredUntil;
  } finally {
    await admin.disconnect();
  }
}
