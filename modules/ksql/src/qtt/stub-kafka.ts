import { type Headers, NO_HEADERS } from '@meterstream/streams';
import type { RecordWriter, TopicCatalog } from '../engine/engine-api.js';

export interface StoredRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/**
 * The Kafka of one test case (ksqlDB's StubKafkaService): the topics the engine sees and every
 * record written to them — test inputs, INSERT VALUES rows and each query's output — in order.
 */
export class StubKafka implements TopicCatalog, RecordWriter {
  private readonly topicDefs = new Map<
    string,
    { partitions: number; replicas: number; config: Record<string, string> }
  >();
  private readonly logs = new Map<string, StoredRecord[]>();

  async partitions(topic: string): Promise<number | undefined> {
    return this.topicDefs.get(topic)?.partitions;
  }

  async create(
    topic: string,
    partitions: number,
    replicas: number,
    config: Readonly<Record<string, string>>,
  ): Promise<void> {
    this.ensure(topic, partitions, replicas, config);
  }

  async delete(topic: string): Promise<void> {
    this.topicDefs.delete(topic);
  }

  async list(): Promise<readonly string[]> {
    return [...this.topicDefs.keys()];
  }

  async write(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number): Promise<void> {
    this.append({ topic, key, value, timestamp, headers: NO_HEADERS });
  }

  ensure(topic: string, partitions = 1, replicas = 1, config: Readonly<Record<string, string>> = {}): void {
    if (!this.topicDefs.has(topic))
      this.topicDefs.set(topic, { partitions, replicas, config: { ...config } });
  }

  topicNames(): string[] {
    return [...this.topicDefs.keys()];
  }

  partitionsOf(topic: string): number | undefined {
    return this.topicDefs.get(topic)?.partitions;
  }

  append(record: StoredRecord): void {
    let log = this.logs.get(record.topic);
    if (!log) {
      log = [];
      this.logs.set(record.topic, log);
    }
    log.push(record);
  }

  /** A snapshot of the topic's records so far. */
  read(topic: string): StoredRecord[] {
    return [...(this.logs.get(topic) ?? [])];
  }
}
