import { DEAD_LETTER_COUNTER } from '@meterstream/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** The metric-name prefixes of the two sink loops (their metrics: `<prefix>_records_written_total`, …). */
export const SINK_LOOP_PREFIXES = {
  cassandraWriter: 'meterstream_cassandra_writer',
  redisView: 'meterstream_redis_view',
} as const;

/** Prometheus metrics of a sink loop (Cassandra writer, Redis view sink); one set per registry. */
export interface SinkLoopMetrics {
  registry: Registry;
  recordsWritten: Counter<'topic'>;
  deadLetters: Counter<'topic'>;
  /** The pipeline-wide dead-letter counter (common's DEAD_LETTER_COUNTER), by consumer and reason. */
  deadLettersByReason: Counter<'application' | 'reason'>;
  chunkSeconds: Histogram<'topic'>;
  /** Failed writes that were retried (common's sink-failure.ts policy). */
  writeRetries: Counter<'topic'>;
  /** Records given up to the dead-letter topic after the retries. */
  writeFailures: Counter<'topic'>;
  /** Sink alerts raised on meter-alerts, by type (`sink-failing`, `sink-recovered`). */
  alerts: Counter<'type'>;
}

export function sinkLoopMetrics(prefix: string, registry = new Registry()): SinkLoopMetrics {
  const registers = [registry];
  return {
    registry,
    recordsWritten: new Counter({
      name: `${prefix}_records_written_total`,
      help: 'Records made durable (re-deliveries after a crash count again)',
      labelNames: ['topic'],
      registers,
    }),
    deadLetters: new Counter({
      name: `${prefix}_dead_letters_total`,
      help: 'Records sent to the dead-letter topic',
      labelNames: ['topic'],
      registers,
    }),
    deadLettersByReason: new Counter({
      ...DEAD_LETTER_COUNTER,
      labelNames: [...DEAD_LETTER_COUNTER.labelNames],
      registers,
    }),
    chunkSeconds: new Histogram({
      name: `${prefix}_chunk_seconds`,
      help: 'Time to decode, write and commit one chunk of records',
      labelNames: ['topic'],
      registers,
    }),
    writeRetries: new Counter({
      name: `${prefix}_write_retries_total`,
      help: 'Writes that failed and were retried with backoff',
      labelNames: ['topic'],
      registers,
    }),
    writeFailures: new Counter({
      name: `${prefix}_write_failures_total`,
      help: 'Records whose write still failed after the retries, sent to the dead-letter topic',
      labelNames: ['topic'],
      registers,
    }),
    alerts: new Counter({
      name: `${prefix}_alerts_total`,
      help: 'Sink alerts raised on meter-alerts (sink-failing after consecutive failed writes, sink-recovered)',
      labelNames: ['type'],
      registers,
    }),
  };
}
