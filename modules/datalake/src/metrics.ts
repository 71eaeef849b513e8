import { DEAD_LETTER_COUNTER } from '@meterstream/common';
import { Counter, Histogram, type Registry, register } from 'prom-client';

/** Prometheus metrics of the S3 sink; one set per registry. */
export interface SinkMetrics {
  recordsArchived: Counter<'partition'>;
  deadLetters: Counter<'partition'>;
  /** The pipeline-wide dead-letter counter (common's DEAD_LETTER_COUNTER), by consumer and reason. */
  deadLettersByReason: Counter<'application' | 'reason'>;
  objectsWritten: Counter<'multipart'>;
  bytesWritten: Counter;
  flushSeconds: Histogram<'reason'>;
  /** Segment writes that failed and were retried with backoff (common's sink-failure.ts). */
  writeRetries: Counter;
  /** Segment writes that still failed after the retries (the partition is re-read from the segment). */
  writeFailures: Counter;
  /** Sink alerts raised on meter-alerts, by type (`sink-failing`, `sink-recovered`). */
  alerts: Counter<'type'>;
}

const cache = new WeakMap<Registry, SinkMetrics>();

export function sinkMetrics(registry: Registry = register): SinkMetrics {
  let metrics = cache.get(registry);
  if (!metrics) {
    const registers = [registry];
    metrics = {
      recordsArchived: new Counter({
        name: 'meterstream_s3_sink_records_archived_total',
        help: 'Metrics written to Parquet objects and committed',
        labelNames: ['partition'],
        registers,
      }),
      deadLetters: new Counter({
        name: 'meterstream_s3_sink_dead_letters_total',
        help: 'Records sent to the dead-letter topic',
        labelNames: ['partition'],
        registers,
      }),
      deadLettersByReason: new Counter({
        ...DEAD_LETTER_COUNTER,
        labelNames: [...DEAD_LETTER_COUNTER.labelNames],
        registers,
      }),
      objectsWritten: new Counter({
        name: 'meterstream_s3_sink_objects_written_total',
        help: 'Parquet objects written',
        labelNames: ['multipart'],
        registers,
      }),
      bytesWritten: new Counter({
        name: 'meterstream_s3_sink_bytes_written_total',
        help: 'Parquet bytes written',
        registers,
      }),
      flushSeconds: new Histogram({
        name: 'meterstream_s3_sink_flush_seconds',
        help: 'Time to write a segment (objects + commit)',
        labelNames: ['reason'],
        registers,
      }),
      writeRetries: new Counter({
        name: 'meterstream_s3_sink_write_retries_total',
        help: 'Segment writes that failed and were retried with backoff',
        registers,
      }),
      writeFailures: new Counter({
        name: 'meterstream_s3_sink_write_failures_total',
        help: 'Segment writes that still failed after the retries (the segment is read and written again)',
        registers,
      }),
      alerts: new Counter({
        name: 'meterstream_s3_sink_alerts_total',
        help: 'Sink alerts raised on meter-alerts (sink-failing after consecutive failed segment writes, sink-recovered)',
        labelNames: ['type'],
        registers,
      }),
    };
    cache.set(registry, metrics);
  }
  return metrics;
}
