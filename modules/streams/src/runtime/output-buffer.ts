import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Header } from '../processor/record.js';
import type { OutputRecord, RecordCollector } from '../task/record-collector.js';
import { COMMIT_MARKER_HEADER, COMMIT_MARKER_KEY, commitMarkerValue } from './commit-marker.js';
import { type EncodedRecordSet, RecordSetWriter } from './record-set-writer.js';

/**
 * A kafkajs message standing for a whole pre-encoded record set of its partition: the patched
 * producer (patches/kafkajs+2.2.4.patch) writes `encodedRecords` as the partition's record batch
 * and advances the idempotent sequence by its count. It must be the only message of its partition
 * in a send.
 */
export interface RecordSetMessage extends Message {
  readonly partition: number;
  readonly encodedRecords: EncodedRecordSet;
}

const MARKER_HEADERS: readonly Header[] = [{ key: COMMIT_MARKER_HEADER, value: Buffer.from('1') }];

/**
 * Collects what tasks emit between commits — sink output and changelog records — for the sends of
 * one commit. Changelog records and commit markers (always to the task's own partition, and as
 * many per commit as dirty keys) are encoded at once into one record set per partition; sink
 * output stays kafkajs messages (the producer's partitioner places those without a partition).
 * Acknowledged base offsets plus the records sent per partition give the next changelog offset
 * (the checkpoint written beside persistent stores).
 */
export class OutputBuffer implements RecordCollector {
  private byTopic = new Map<string, Message[]>();
  /** Changelog topic → partition → its records since the last drain. */
  private readonly logs = new Map<string, Map<number, RecordSetWriter>>();
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
    this.writer(topic, partition).append(key, value, timestamp);
    this.count++;
  }

  /** A commit marker after a task's changelog records (see commit-marker.ts). */
  commitMarker(topic: string, partition: number, positions: Record<string, number>, timestamp: number): void {
    this.writer(topic, partition).append(
      COMMIT_MARKER_KEY,
      commitMarkerValue(positions),
      timestamp,
      MARKER_HEADERS,
    );
    this.count++;
  }

  size(): number {
    return this.count;
  }

  /**
   * Takes everything buffered so far, leaving the buffer empty, as the sends to make in order:
   * sink output chunked as `chunkTopicMessages` does, and send n carrying the n-th record set of
   * every changelog partition (sets are cut below max.message.bytes), so each partition keeps its
   * order.
   */
  drain(): TopicMessages[][] {
    const messages = [...this.byTopic].map(([topic, messages]) => ({ topic, messages }));
    this.byTopic = new Map();
    this.count = 0;
    const sends = chunkTopicMessages(messages);
    // A topic written both ways would have two entries in one send, which kafkajs does not merge:
    // its record sets then follow in sends of their own.
    const plainTopics = new Set(messages.map((t) => t.topic));
    for (const [topic, partitions] of this.logs) {
      const first = plainTopics.has(topic) ? sends.length : 0;
      for (const [partition, writer] of partitions) {
        if (writer.size === 0) continue;
        const sets = writer.take();
        for (let i = 0; i < sets.length; i++) {
          const send = sends[first + i] ?? [];
          sends[first + i] = send;
          let entry = send.find((t) => t.topic === topic);
          if (!entry) {
            entry = { topic, messages: [] };
            send.push(entry);
          }
          const message: RecordSetMessage = { partition, key: null, value: null, encodedRecords: sets[i]! };
          entry.messages.push(message);
        }
      }
    }
    return sends;
  }

  private writer(topic: string, partition: number): RecordSetWriter {
    let partitions = this.logs.get(topic);
    if (!partitions) {
      partitions = new Map();
      this.logs.set(topic, partitions);
    }
    let writer = partitions.get(partition);
    if (!writer) {
      writer = new RecordSetWriter();
      partitions.set(partition, writer);
    }
    return writer;
  }
}

/** Records a message stands for: a pre-encoded set's count, else one. */
export function recordsOf(message: Message): number {
  return (message as Partial<RecordSetMessage>).encodedRecords?.count ?? 1;
}

/**
 * Next offset per changelog partition after a send: kafkajs acknowledges each partition's batch
 * with its base offset, and the batch holds the records we put in it for that partition.
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
      counts.set(key, (counts.get(key) ?? 0) + recordsOf(m));
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
