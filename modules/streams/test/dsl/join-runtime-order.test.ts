import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaStreams, Serdes, StreamsBuilder } from '@meterstream/streams';

const str = Serdes.string();
const serdes = { keySerde: str, valueSerde: str };

describe('KafkaStreams runtime: a join task takes its inputs in timestamp order', () => {
  let broker: RunningBroker;
  let dataDir: string;
  let kafka: Kafka;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ms-join-order-'));
    broker = await startBroker({ port: 0, dataDir, logger: testLogger() });
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'test', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a threshold inserted now never meets metrics replayed with event times years ago', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: ['thresholds', 'metrics', 'alerts'].map((topic) => ({ topic, numPartitions: 1 })),
    });
    await admin.disconnect();
    const now = Date.now();
    const yearsAgo = now - 5 * 365 * 24 * 3600 * 1000;
    const producer = kafka.producer();
    await producer.connect();
    // The threshold is written first, so it is first in any fetch order; the metrics come later.
    await producer.send({
      topic: 'thresholds',
      messages: [{ key: 'cpu', value: '90', timestamp: String(now) }],
    });
    await producer.send({
      topic: 'metrics',
      messages: [
        { key: 'cpu', value: '95', timestamp: String(yearsAgo) },
        { key: 'cpu', value: '97', timestamp: String(now + 1) },
      ],
    });
    await producer.disconnect();

    const b = new StreamsBuilder();
    const thresholds = b.table<string, string>('thresholds', serdes);
    b.stream<string, string>('metrics', serdes)
      .leftJoin(thresholds, (m, t) => `${m}|${t}`)
      .to('alerts', serdes);
    const streams = new KafkaStreams(b.build(), {
      applicationId: 'join-order',
      kafka,
      commitIntervalMs: 100,
      logger: testLogger(),
    });
    await streams.start();
    const consumer = kafka.consumer({ groupId: 'reader' });
    const seen: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: ['alerts'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      const deadline = Date.now() + 20_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await consumer.disconnect();
      await streams.close();
    }
    expect(seen).toEqual(['95|null', '97|90']);
  }, 40_000);
});
