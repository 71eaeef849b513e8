import type { KafkaMessage, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Header } from '../processor/record.js';
import { nextOffsets } from './output-buffer.js';

const NO_HEADERS: Header[] = [];

/** kafkajs message headers as the tasks take them (a shared empty array when there are none). */
export function toHeaders(headers: KafkaMessage['headers']): Header[] {
  if (!headers) return NO_HEADERS;
  let empty = true;
  for (const _ in headers) {
    empty = false;
    break;
  }
  if (empty) return NO_HEADERS;
  const out: Header[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.push({ key, value: toBuffer(v) });
    else out.push({ key, value: toBuffer(value) });
  }
  return out;
}

function toBuffer(value: string | Buffer | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

export interface TopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

/** Offsets per topic as `consumer.commitOffsets` takes them (one entry per partition). */
export function flattenOffsets(offsets: readonly TopicOffsets[]) {
  return offsets.flatMap(({ topic, partitions }) =>
    partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
  );
}

/** Records, per changelog partition, the offset after the last record of a send (the highest wins). */
export function mergeNextOffsets(
  into: Map<string, number>,
  sent: TopicMessages[],
  acks: RecordMetadata[],
): void {
  for (const [key, offset] of nextOffsets(sent, acks)) into.set(key, Math.max(into.get(key) ?? 0, offset));
}
