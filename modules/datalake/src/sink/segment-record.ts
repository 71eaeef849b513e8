import { type Logger, identityOfKey, validateMetricRecord } from '@meterstream/common';
import type { KafkaMessage } from 'kafkajs';
import type { ArchivedMetric } from '../parquet/metric-parquet.js';
import type { MetricDecoder } from './decode-record.js';
import type { Segment } from './segment.js';

export interface RecordRules {
  topic: string;
  /** Named in the dead-letter headers as the consumer that refused the record. */
  groupId: string;
  decoder: MetricDecoder;
  logger: Logger;
}

/**
 * Takes one record into the segment if common's metric record rule accepts it (the aggregator's
 * rule), else keeps it as a dead letter: the lake holds exactly what the speed layer aggregates.
 */
export function addRecordToSegment(
  rules: RecordRules,
  segment: Segment,
  message: KafkaMessage,
  offset: number,
): void {
  const partition = segment.partition;
  const size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  // No source on the hot path: the location is added to a refusal only.
  const verdict = validateMetricRecord(message.key, message.value, rules.decoder.decode);
  if (verdict.ok) {
    const { gateway, metricType, metricAttribute } = identityOfKey(verdict.key);
    const { timestamp, value, quality, estimated, gapFrom } = verdict.reading;
    const metric: ArchivedMetric = {
      gateway,
      metricType,
      metricAttribute,
      timestamp,
      value,
      partition,
      offset,
      // Clean readings (metrics-clean) only: the object then gains the quality columns.
      ...(quality !== undefined && { quality }),
      ...(estimated !== undefined && { estimated }),
      ...(gapFrom !== undefined && { gapFrom }),
    };
    segment.addMetric(offset, size, metric);
    return;
  }
  const located = verdict.error.at({ topic: rules.topic, partition, offset: message.offset });
  rules.logger.debug(
    { partition, offset, error: located.message },
    'invalid record goes to the dead-letter topic',
  );
  const original: Record<string, string | Buffer> = {};
  for (const [name, header] of Object.entries(message.headers ?? {}))
    if (header !== undefined && !Array.isArray(header)) original[name] = header;
  segment.addDeadLetter(offset, size, {
    offset,
    key: message.key,
    value: message.value,
    reason: located.kind,
    headers: { ...original, ...located.toHeaders(rules.groupId) },
  });
}
