import type { InvalidRecordReason } from './errors.js';

/**
 * The one dead-letter topic of the pipeline: every consumer (aggregator, S3 sink, Cassandra writer,
 * Redis view sink) sends the records it refuses here, with their original key, value and headers
 * plus these error headers:
 *
 * - `error.reason`: an InvalidRecordReason (`malformed-key`, `null-value`, ...)
 * - `error.part`: `key` or `value`
 * - `error.message`: the explanation
 * - `error.topic`, `error.partition`, `error.offset`: where the record was read
 * - `error.application`: the consumer (application id or consumer group) that refused it
 */
export const DEAD_LETTER_TOPIC = 'metrics-dlq';

/** The dead-letter header names, for readers of the topic. */
export const DEAD_LETTER_HEADERS = {
  reason: 'error.reason',
  part: 'error.part',
  message: 'error.message',
  topic: 'error.topic',
  partition: 'error.partition',
  offset: 'error.offset',
  application: 'error.application',
} as const;

/**
 * The Prometheus counter every consumer keeps of what it dead-letters (create it with prom-client:
 * `new Counter({ ...DEAD_LETTER_COUNTER, registers })`), labelled by consumer and reason.
 */
export const DEAD_LETTER_COUNTER = {
  name: 'meterstream_dead_letters_total',
  help: 'Records refused as invalid and sent to the dead-letter topic, by consumer and reason',
  labelNames: ['application', 'reason'] as const,
};

export type DeadLetterLabels = { application: string; reason: InvalidRecordReason };
