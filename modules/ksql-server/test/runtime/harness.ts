import { testLogger, waitFor } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import {
  InMemorySchemaRegistry,
  KsqlEngine,
  type PersistentQuery,
  type StatementResult,
} from '@meterstream/ksql';
import type { StoreBackend } from '@meterstream/streams';
import { type Admin, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { KafkaRecordWriter } from '../../src/kafka/kafka-record-writer.js';
import { KafkaTopicCatalog } from '../../src/kafka/kafka-topic-catalog.js';
import { KafkaQueryRuntime, type KafkaQueryRuntimeOptions } from '../../src/runtime/kafka-query-runtime.js';

export const testLog = testLogger();
export const SERVICE_ID = 'test_';

/** An embedded broker and connected kafkajs clients, for one test file. */
export class Cluster {
  broker!: RunningBroker;
  kafka!: Kafka;
  admin!: Admin;
  producer!: Producer;
  private dataDir = '';
  private groups = 0;

  async start(): Promise<void> {
    this.dataDir = mkdtempSync(join(tmpdir(), 'ms-ksql-runtime-'));
    this.broker = await startBroker({ port: 0, dataDir: this.dataDir, logger: testLog });
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    this.kafka = new Kafka({
      brokers: [this.broker.bootstrap],
      clientId: 'test',
      logLevel: logLevel.NOTHING,
    });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer();
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    await this.broker?.close();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  runtime(options: Partial<KafkaQueryRuntimeOptions> = {}): KafkaQueryRuntime {
    return new KafkaQueryRuntime({
      brokers: [this.broker.bootstrap],
      serviceId: SERVICE_ID,
      logger: testLog,
      ...options,
    });
  }

  /** A KSQL engine on this cluster (topics through kafkajs admin, INSERT VALUES through the producer). */
  engine(properties: Record<string, string> = {}, storeBackend?: StoreBackend): KsqlEngine {
    return new KsqlEngine({
      serviceId: SERVICE_ID,
      topics: new KafkaTopicCatalog(this.admin),
      writer: new KafkaRecordWriter(this.producer),
      schemaRegistry: new InMemorySchemaRegistry(),
      properties: { 'auto.offset.reset': 'earliest', ...properties },
      storeBackend,
    });
  }

  async createTopic(topic: string, partitions = 1): Promise<void> {
    await this.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  }

  /** Writes JSON values (null → a tombstone; a Buffer as is) under string keys. */
  async send(
    topic: string,
    records: readonly { key?: string | null; value: unknown; timestamp?: number; partition?: number }[],
  ): Promise<void> {
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key ?? null,
        value: Buffer.isBuffer(r.value) ? r.value : r.value === null ? null : JSON.stringify(r.value),
        ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}),
        ...(r.partition !== undefined ? { partition: r.partition } : {}),
      })),
    });
  }

  /**
   * Reads a topic from the beginning (a fresh group) until `count` records arrived, then a moment
   * more to catch any extra (a duplicate would show up); read_committed unless told otherwise.
   */
  async read(
    topic: string,
    count: number,
    options: { readUncommitted?: boolean; settleMs?: number; timeoutMs?: number } = {},
  ): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({
      groupId: `reader-${++this.groups}-${topic}`,
      readUncommitted: options.readUncommitted ?? false,
      maxWaitTimeInMs: 100,
    });
    const messages: KafkaMessage[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(`${count} records in ${topic}`, () => messages.length >= count, options.timeoutMs);
      await new Promise((r) => setTimeout(r, options.settleMs ?? 500));
    } finally {
      await consumer.disconnect();
    }
    return messages;
  }
}

/** Retries an async check until it holds (results of asynchronous processing). */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  holds: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The query a CREATE … AS statement created. */
export function createdQuery(results: readonly StatementResult[]): PersistentQuery {
  const last = results[results.length - 1];
  if (last?.kind !== 'QueryCreated') throw new Error(`expected QueryCreated, got ${last?.kind}`);
  return last.query;
}

/** The plan of a SELECT (push or pull). */
export function transientPlan<T>(results: readonly StatementResult[]): T {
  const last = results[results.length - 1];
  if (last?.kind !== 'TransientQuery') throw new Error(`expected TransientQuery, got ${last?.kind}`);
  return last.query as T;
}

export const jsonValue = (m: KafkaMessage): unknown =>
  m.value === null ? null : JSON.parse(m.value.toString());
