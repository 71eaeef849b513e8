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
  };
}
