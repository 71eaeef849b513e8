import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import type { OutputRecord, RecordCollector } from '../task/record-collector.js';
import { COMMIT_MARKER_HEADER, COMMIT_MARKER_KEY, commitMarkerValue } from './commit-marker.js';

/**
 * Collects what tasks emit between commits — sink output and changelog records — for one send per
 * commit. Changelog writes are counted per partition so the next changelog offset (the checkpoint
 * written beside persistent stores) can be derived from the produce acknowledgements.
 */
export class OutputBuffer implements RecordCollector {
  private byTopic = new Map<string, Message[]>();
  private count = 0;

  constructor(private readonly partitionCounts: ReadonlyMap<string, number>) {}

  send(record: OutputRecord): void {
    let messages = this.byTopic.get(record.topic);
    if (!messages) {
      messages = [];
      this.byTopic.set(record.topic, messages);
    }
    const headers: Record<string, string | Buffer> = {};
    for (const header of record.headers ?? []) headers[header.key] = header.value ?? '';
    messages.push({
      key: record.key,
      value: record.value,
      partition: record.partition,
      timestamp: String(record.timestamp),
      headers,
    });
    this.count++;
  }

  partitionsFor(topic: string): number {
    const count = this.partitionCounts.get(topic);
    if (count === undefined) throw new Error(`unknown partition count for output topic ${topic}`);
    return count;
  }

  /** A changelog record, always to the task's own partition. */
  logChange(topic: string, partition: number, key: Buffer, value: Buffer | null, timestamp: number): void {
    this.send({ topic, partition, key, value, timestamp, headers: [] });
  }

  /** A commit marker after a task's changelog records (see commit-marker.ts). */
  commitMarker(topic: string, partition: number, positions: Record<string, number>, timestamp: number): void {
    this.send({
      topic,
      partition,
      key: COMMIT_MARKER_KEY,
      value: commitMarkerValue(positions),
      timestamp,
      headers: [{ key: COMMIT_MARKER_HEADER, value: Buffer.from('1') }],
    });
  }

  size(): number {
    return this.count;
  }

  /** Takes everything buffered so far, leaving the buffer empty. */
  drain(): TopicMessages[] {
    const out = [...this.byTopic].map(([topic, messages]) => ({ topic, messages }));
    this.byTopic = new Map();
    this.count = 0;
    return out;
  }
}

/**
 * Next offset per changelog partition after a send: kafkajs acknowledges each partition's batch
 * with its base offset, and the batch holds the messages we put in it for that partition.
 */
export function nextOffsets(
  sent: readonly TopicMessages[],
  acks: readonly RecordMetadata[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic, messages } of sent) {
    for (const m of messages) {
      if (m.partition === undefined) continue;
      const key = `${topic}:${m.partition}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const next = new Map<string, number>();
  for (const ack of acks) {
    const key = `${ack.topicName}:${ack.partition}`;
    const count = counts.get(key);
    if (count !== undefined && ack.baseOffset !== undefined) next.set(key, Number(ack.baseOffset) + count);
  }
  return next;
}

/**
 * kafkajs 2.2.4 groups a send's messages per partition by copying the partition's array for every
 * message (`[...current, message]`), which is quadratic in the messages per partition of one send.
 * Commits therefore send at most this many messages per topic partition in one request — but every
 * partition of every topic in the same request, so the number of round trips stays low.
 */
export const MESSAGES_PER_PARTITION_PER_SEND = 256;

/**
 * Splits topic messages into sends holding at most `perPartition` messages of each topic partition
 * (messages without a partition, left to the partitioner, count as one group per topic). Send n
 * holds the n-th slice of every group, so sending them in order keeps each partition's order (and,
 * for partitioner-chosen messages, each key's order).
 */
export function chunkTopicMessages(
  all: readonly TopicMessages[],
  perPartition = MESSAGES_PER_PARTITION_PER_SEND,
): TopicMessages[][] {
  const sends: Map<string, Message[]>[] = [];
  for (const { topic, messages } of all) {
    const seen = new Map<number | undefined, number>();
    for (const message of messages) {
      const n = seen.get(message.partition) ?? 0;
      seen.set(message.partition, n + 1);
      const index = Math.floor(n / perPartition);
      let send = sends[index];
      if (!send) {
        send = new Map();
        sends[index] = send;
      }
      let slice = send.get(topic);
      if (!slice) {
        slice = [];
        send.set(topic, slice);
      }
      slice.push(message);
    }
  }
  return sends.map((send) => [...send].map(([topic, messages]) => ({ topic, messages })));
}
