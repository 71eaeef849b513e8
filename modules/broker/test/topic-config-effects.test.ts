import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { buildBatch } from '../src/log/record-batch.js';
import type { ProduceResponse } from '../src/protocol/messages.generated.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

// Topic configs acting on the records a topic takes and keeps (split from
// admin-topic-configs.test.ts, which checks how configs are accepted and described).
describe('topic configs acting on records: timestamp window and type, segment.ms (issue #26 item 3)', () => {
  let b: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    b = await startTestBroker({ defaultPartitions: 2 });
    kafka = kafkaClient(b.bootstrap);
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await b.close();
  });

  it('message.timestamp.difference.max.ms: records outside the window are INVALID_TIMESTAMP', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'ts-window',
          numPartitions: 1,
          configEntries: [{ name: 'message.timestamp.difference.max.ms', value: '60000' }],
        },
      ],
    });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const now = Date.now();
      const old = await producer
        .send({
          topic: 'ts-window',
          messages: [
            { value: 'fresh', timestamp: String(now) },
            { value: 'old', timestamp: String(now - 3_600_000) },
          ],
        })
        .catch((e: unknown) => e);
      expect((old as { type?: string }).type).toBe('INVALID_TIMESTAMP');
      const future = await producer
        .send({ topic: 'ts-window', messages: [{ value: 'future', timestamp: String(now + 3_600_000) }] })
        .catch((e: unknown) => e);
      expect((future as { type?: string }).type).toBe('INVALID_TIMESTAMP');
      await producer.send({ topic: 'ts-window', messages: [{ value: 'ok', timestamp: String(Date.now()) }] });
    } finally {
      await producer.disconnect();
    }
    // nothing of the refused requests was stored, the in-window record was
    expect(await admin.fetchTopicOffsets('ts-window')).toEqual([
      { partition: 0, offset: '1', high: '1', low: '0' },
    ]);
  });

  it("Produce v8 names the refused record and the window, with Kafka's messages (raw frame)", async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'ts-raw',
          numPartitions: 1,
          configEntries: [
            { name: 'message.timestamp.before.max.ms', value: '60000' },
            { name: 'message.timestamp.after.max.ms', value: '1000' },
          ],
        },
      ],
    });
    const now = Date.now();
    // records 0 and 2 in the window, record 1 ten minutes old
    const records = buildBatch({
      attributes: 0,
      baseTimestamp: now,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      records: [0, -600_000, 0].map((delta, i) => ({
        offsetDelta: i,
        timestampDelta: delta,
        key: null,
        value: Buffer.from(`v${i}`),
        headers: [],
      })),
    });
    const frame = await sendRaw(
      b.port,
      requestFrame(0, 8, 3, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: 'ts-raw', partitionData: [{ index: 0, records }] }],
      }),
    );
    expect(Buffer.isBuffer(frame)).toBe(true);
    const p = decodeResponse<ProduceResponse>(0, 8, frame as Buffer).responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(32);
    expect(p.errorMessage).toBe('One or more records have been rejected due to invalid timestamp');
    const recordErrors = p.recordErrors ?? [];
    expect(recordErrors).toHaveLength(1);
    expect(recordErrors[0].batchIndex).toBe(1);
    expect(recordErrors[0].batchIndexErrorMessage).toMatch(
      new RegExp(
        `^Timestamp ${now - 600_000} of message with offset 1 is out of range\\. The timestamp should be within \\[\\d+, \\d+\\]$`,
      ),
    );
    const [lo, hi] = (recordErrors[0].batchIndexErrorMessage ?? '')
      .match(/\[(\d+), (\d+)\]/)!
      .slice(1)
      .map(Number);
    expect(hi - lo).toBe(61_000);
    expect(await admin.fetchTopicOffsets('ts-raw')).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
    ]);
  });

  it('message.timestamp.type=LogAppendTime: consumers see the broker append time', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'ts-append',
          numPartitions: 1,
          configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    const before = Date.now();
    const [meta] = await producer.send({
      topic: 'ts-append',
      messages: [
        { value: 'a', timestamp: '1000' },
        { value: 'b', timestamp: '2000' },
      ],
    });
    const after = Date.now();
    await producer.disconnect();
    expect(Number(meta.logAppendTime)).toBeGreaterThanOrEqual(before);
    expect(Number(meta.logAppendTime)).toBeLessThanOrEqual(after);
    const consumer = kafka.consumer({ groupId: 'ts-append-reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'ts-append', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((done) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.timestamp);
          if (seen.length === 2) done();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual([meta.logAppendTime, meta.logAppendTime]);
  });

  it('segment.ms: the cleanup pass closes an active segment open that long, not a younger one', async () => {
    await admin.createTopics({
      topics: [
        { topic: 'seg-ms', numPartitions: 1, configEntries: [{ name: 'segment.ms', value: '1' }] },
        { topic: 'seg-default', numPartitions: 1 },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    const send = () =>
      producer.sendBatch({
        topicMessages: ['seg-ms', 'seg-default'].map((topic) => ({ topic, messages: [{ value: 'x' }] })),
      });
    await send();
    // let the 1 ms segment age
    await new Promise((r) => setTimeout(r, 20));
    await b.broker.topics.runCleanup();
    await send();
    await producer.disconnect();
    const logFiles = (topic: string) =>
      readdirSync(join(b.dataDir, 'topics', topic, '0')).filter((f) => f.endsWith('.log')).length;
    expect(logFiles('seg-ms')).toBe(2);
    expect(logFiles('seg-default')).toBe(1);
  });
});
