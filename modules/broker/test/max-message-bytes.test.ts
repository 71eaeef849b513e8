import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBroker, kafkaClient, startTestBroker } from './helpers/broker.js';

describe('max.message.bytes', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('a record batch larger than the topic allows is refused with MESSAGE_TOO_LARGE; smaller ones are stored', async () => {
    const kafka = kafkaClient(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'small', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '200' }] },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    const error = await producer
      .send({ topic: 'small', messages: [{ value: Buffer.alloc(300, 1) }] })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/larger than the max message size the server will accept/);
    await producer.send({ topic: 'small', messages: [{ value: Buffer.alloc(20, 1) }] });
    const [offsets] = await admin.fetchTopicOffsets('small');
    expect(offsets!.high).toBe('1');
    await producer.disconnect();
    await admin.disconnect();
  });
});
