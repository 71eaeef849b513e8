import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessingLogRecord } from '../../src/runtime/processing-log.js';
import { RealServer } from './real-server.js';

const server = new RealServer();

beforeAll(async () => {
  await server.start();
  await server.admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'mixed', numPartitions: 1 }] });
  await server.ksql(
    "CREATE STREAM MIXED (ID STRING KEY, V INT) WITH (kafka_topic='mixed', value_format='JSON');",
  );
  await server.producer.send({
    topic: 'mixed',
    messages: [
      { key: 'a', value: JSON.stringify({ V: 1 }) },
      { key: 'b', value: 'not json {' },
      { key: 'c', value: JSON.stringify({ V: 3 }) },
    ],
  });
});
afterAll(() => server.stop());

/** The first `count` records of a topic, from its beginning. */
async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = server.kafka.consumer({ groupId: `reader-${topic}`, maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

describe('a stream pull query meeting an unreadable record', () => {
  it('skips it, answers the other rows, and writes it to the processing log', async () => {
    const res = await server.post('/query', { ksql: 'SELECT * FROM MIXED;' });
    expect(res.status).toBe(200);
    const rows = (JSON.parse(res.text) as Record<string, unknown>[])
      .filter((e) => e.row)
      .map((e) => (e.row as { columns: unknown[] }).columns);
    expect(rows).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    await server.runtime.flushProcessingLog();
    const [entry] = await readTopic(server.runtime.processingLogTopic, 1);
    const record = JSON.parse((entry as KafkaMessage).value?.toString() ?? 'null') as ProcessingLogRecord;
    expect(record.message.type).toBe(0);
    expect(record.message.deserializationError).toMatchObject({
      target: 'value',
      topic: 'mixed',
    });
    expect(record.message.deserializationError?.errorMessage).toMatch(/JSON/i);
  });
});
