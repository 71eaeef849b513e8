import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import type { ApiVersionsResponse, ProduceResponse } from '../src/protocol/messages.generated.js';
import { buildBatch } from '../src/log/record-batch.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

const MAX_FRAME = 1024 * 1024;

function batchOf(values: string[]): Buffer {
  return buildBatch({
    attributes: 0,
    baseTimestamp: Date.now(),
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    records: values.map((v, i) => ({
      offsetDelta: i,
      timestampDelta: 0,
      key: null,
      value: Buffer.from(v),
      headers: [],
    })),
  });
}

function produceFrame(records: Buffer): Buffer {
  return requestFrame(0, 7, 1, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: 'fuzz', partitionData: [{ index: 0, records }] }],
  });
}

describe('bad input from raw sockets', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ maxFrameBytes: MAX_FRAME });
    await b.broker.topics.create('fuzz', 1, {});
  });
  afterAll(async () => {
    await b.close();
  });

  it('answers a too-new ApiVersions with UNSUPPORTED_VERSION and the supported ranges', async () => {
    const res = await sendRaw(b.port, requestFrame(18, 0, 7, {}).fill(0x63, 6, 8)); // version 0x6363
    expect(Buffer.isBuffer(res)).toBe(true);
    const decoded = decodeResponse<ApiVersionsResponse>(18, 0, res as Buffer);
    expect(decoded.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(decoded.apiKeys.find((k) => k.apiKey === 0)).toMatchObject({ minVersion: 3 });
  });

  it('closes connections on oversized frames, unknown API keys and undecodable bodies', async () => {
    const oversized = Buffer.alloc(8);
    oversized.writeInt32BE(MAX_FRAME + 1, 0);
    expect(await sendRaw(b.port, oversized)).toBe('closed');
    const negative = Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]);
    expect(await sendRaw(b.port, negative)).toBe('closed');
    const unknown = requestFrame(18, 0, 1, {});
    unknown.writeInt16BE(999, 4);
    expect(await sendRaw(b.port, unknown)).toBe('closed');
    const truncatedBody = produceFrame(batchOf(['x']));
    const cut = truncatedBody.subarray(0, truncatedBody.length - 30);
    cut.writeInt32BE(cut.length - 4, 0); // a consistent frame whose body ends early
    expect(await sendRaw(b.port, cut)).toBe('closed');
  });

  it('refuses batches with a bad CRC or wrong lengths with CORRUPT_MESSAGE, storing nothing', async () => {
    const before = b.broker.topics.partition('fuzz', 0)!.logEndOffset;
    const badCrc = batchOf(['a', 'b']);
    badCrc[badCrc.length - 1] ^= 0xff;
    const badLength = batchOf(['c']);
    badLength.writeInt32BE(badLength.length + 100, 8);
    for (const records of [badCrc, badLength, Buffer.from('definitely not a batch')]) {
      const res = await sendRaw(b.port, produceFrame(records));
      expect(Buffer.isBuffer(res)).toBe(true);
      const decoded = decodeResponse<ProduceResponse>(0, 7, res as Buffer);
      expect(decoded.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    }
    expect(b.broker.topics.partition('fuzz', 0)!.logEndOffset).toBe(before);
    const good = await sendRaw(b.port, produceFrame(batchOf(['ok'])));
    const decoded = decodeResponse<ProduceResponse>(0, 7, good as Buffer);
    expect(decoded.responses[0].partitionResponses[0]).toMatchObject({
      errorCode: 0,
      baseOffset: BigInt(before),
    });
  });

  it('keeps serving a kafkajs client while random, truncated and mutated frames arrive', async () => {
    const kafka = kafkaClient(b.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    let acked = 0;
    let stop = false;
    const work = (async () => {
      let i = 0;
      while (!stop) {
        await producer.send({ topic: 'steady', messages: [{ value: `m${i++}` }] });
        acked++;
      }
    })();

    const valid = [
      requestFrame(3, 9, 1, { topics: null }),
      produceFrame(batchOf(['x', 'y'])),
      requestFrame(18, 3, 1, {}),
    ];
    const attacks: Promise<unknown>[] = [];
    for (let n = 0; n < 120; n++) {
      let frame: Buffer;
      const kind = n % 4;
      if (kind === 0) frame = randomBytes(1 + (n % 300));
      else if (kind === 1) {
        const v = valid[n % valid.length];
        frame = v.subarray(0, Math.max(1, (n * 7) % v.length)); // truncated, then the socket goes away
      } else if (kind === 2) {
        frame = Buffer.from(valid[n % valid.length]);
        for (let k = 0; k < 4; k++)
          frame[4 + ((n * 31 + k * 17) % (frame.length - 4))] ^= 1 + ((n + k) % 255);
      } else {
        frame = randomBytes(8 + (n % 64));
        frame.writeInt32BE(frame.length - 4, 0); // well-sized frame of garbage
      }
      attacks.push(sendRaw(b.port, frame, 300));
      if (attacks.length >= 20) await Promise.all(attacks.splice(0));
    }
    await Promise.all(attacks);

    // Every API (groups and transactions included), lowest and highest version: a minimal valid
    // request with a few bytes of its body flipped (seeded, so a failure is reproducible).
    let seed = 20261123;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const h of b.broker.handlers.values()) {
      for (const v of [h.minVersion, h.maxVersion]) {
        const base = requestFrame(h.apiKey, v, 7, h.apiKey === 0 ? { acks: -1 } : {});
        for (let k = 0; k < 3; k++) {
          const frame = Buffer.from(base);
          const headerEnd = 18; // size, key, version, correlation id, client id "fuzz"
          if (frame.length > headerEnd) {
            for (let m = 0; m < 3; m++) frame[headerEnd + rand(frame.length - headerEnd)] = rand(256);
          }
          attacks.push(sendRaw(b.port, frame, 300));
        }
      }
      if (attacks.length >= 30) await Promise.all(attacks.splice(0));
    }
    await Promise.all(attacks);
    stop = true;
    await work;
    await producer.disconnect();
    expect(acked).toBeGreaterThan(0);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('steady');
    await admin.disconnect();
    expect(Number(offsets[0].high)).toBe(acked);
    const errors = await b.broker.metrics.registry.getSingleMetricAsString('kafka_protocol_errors_total');
    expect(errors).toMatch(/kafka_protocol_errors_total\{reason="[a-z-]+"\} [1-9]/);
  });
});
