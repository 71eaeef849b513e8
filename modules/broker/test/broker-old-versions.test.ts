import { connect } from 'node:net';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/protocol/errors.js';
import type {
  ApiVersionsResponse,
  FetchResponse,
  ListOffsetsResponse,
  ProduceResponse,
} from '../src/protocol/messages.generated.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { connectKafkajsBroker } from './helpers/kafkajs-broker.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

/**
 * Old and unserved protocol versions: ListOffsets v0 is served (kafkajs with
 * its version pinned, as kafkajs's own suite does; librdkafka 2.x always asks ApiVersions and then
 * uses v2+, even with api.version.request=false), and a known version the broker
 * does not serve is answered with UNSUPPORTED_VERSION in that version's shape on a connection that
 * stays open; a version no schema describes still closes the connection, as Kafka does.
 */
const TOPIC = 'old-versions';

/** Sends frames on one connection and collects one response body per frame (or 'closed'). */
function exchange(port: number, frames: Buffer[]): Promise<(Buffer | 'closed')[]> {
  return new Promise((resolveAll, reject) => {
    const out: (Buffer | 'closed')[] = [];
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`exchange: ${out.length} of ${frames.length} responses after 10 s`));
    }, 10_000);
    const finish = () => {
      clearTimeout(timer);
      while (out.length < frames.length) out.push('closed');
      sock.destroy();
      resolveAll(out);
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        out.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
      }
      if (out.length === frames.length) finish();
    });
    sock.on('error', () => undefined);
    sock.on('close', finish);
    sock.write(Buffer.concat(frames));
  });
}

describe('old and unserved protocol versions', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaClient(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  it('advertises ListOffsets from v0 in ApiVersions', async () => {
    const res = await sendRaw(broker.port, requestFrame(18, 0, 1, {}));
    const decoded = decodeResponse<ApiVersionsResponse>(18, 0, res as Buffer);
    expect(decoded.apiKeys.find((k) => k.apiKey === 2)).toMatchObject({ minVersion: 0, maxVersion: 6 });
  });

  it('kafkajs with ListOffsets pinned to v0 gets the latest and earliest offsets', async () => {
    const kbroker = await connectKafkajsBroker(broker.host, broker.port);
    try {
      kbroker.versions[2].minVersion = 0;
      kbroker.versions[2].maxVersion = 0;
      const latest = await kbroker.listOffsets({
        topics: [{ topic: TOPIC, partitions: [{ partition: 0 }] }],
      });
      expect(latest.responses).toEqual([
        { topic: TOPIC, partitions: [{ partition: 0, errorCode: 0, offset: '3' }] },
      ]);
      const earliest = await kbroker.listOffsets({
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, timestamp: -2 }] }],
      });
      expect(earliest.responses[0].partitions[0]).toEqual({ partition: 0, errorCode: 0, offset: '0' });
    } finally {
      await kbroker.disconnect();
    }
  });

  it('ListOffsets v0 answers old_style_offsets: latest first, bounded by max_num_offsets', async () => {
    const frame = requestFrame(2, 0, 5, {
      replicaId: -1,
      topics: [
        {
          name: TOPIC,
          partitions: [
            { partitionIndex: 0, timestamp: -1n, maxNumOffsets: 5 },
            { partitionIndex: 7, timestamp: -1n, maxNumOffsets: 1 },
          ],
        },
      ],
    });
    const res = await sendRaw(broker.port, frame);
    const decoded = decodeResponse<ListOffsetsResponse>(2, 0, res as Buffer);
    // one segment starting at 0 plus the end: [3, 0]
    expect(decoded.topics[0].partitions).toEqual([
      expect.objectContaining({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [3n, 0n] }),
      expect.objectContaining({
        partitionIndex: 7,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        oldStyleOffsets: [],
      }),
    ]);
  });

  it('answers a known but unserved version with UNSUPPORTED_VERSION and keeps the connection', async () => {
    const produceV2 = requestFrame(0, 2, 11, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: Buffer.alloc(0) }] }],
    });
    const fetchV3 = requestFrame(1, 3, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1024,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }] }],
    });
    const listOffsetsV1 = requestFrame(2, 1, 13, {
      replicaId: -1,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    const [p, f, l] = await exchange(broker.port, [produceV2, fetchV3, listOffsetsV1]);
    for (const [frame, id] of [
      [p, 11],
      [f, 12],
      [l, 13],
    ] as const) {
      expect(Buffer.isBuffer(frame)).toBe(true);
      expect((frame as Buffer).readInt32BE(0)).toBe(id);
    }
    const produced = decodeResponse<ProduceResponse>(0, 2, p as Buffer);
    expect(produced.responses).toEqual([
      {
        name: TOPIC,
        partitionResponses: [expect.objectContaining({ index: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION })],
      },
    ]);
    const fetched = decodeResponse<FetchResponse>(1, 3, f as Buffer);
    expect(fetched.responses).toEqual([
      expect.objectContaining({
        topic: TOPIC,
        partitions: [
          expect.objectContaining({ partitionIndex: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION }),
        ],
      }),
    ]);
    // the connection kept serving: the request after them was answered normally
    const listed = decodeResponse<ListOffsetsResponse>(2, 1, l as Buffer);
    expect(listed.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 3n });
    // nothing was stored by the refused produce
    expect((await admin.fetchTopicOffsets(TOPIC))[0].high).toBe('3');
  });

  it('closes the connection on an unserved Produce with acks=0, which expects no answer', async () => {
    const frame = requestFrame(0, 2, 31, {
      acks: 0,
      timeoutMs: 1000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: Buffer.alloc(0) }] }],
    });
    expect(await sendRaw(broker.port, frame)).toBe('closed');
  });

  it('closes the connection on a version no schema describes, as Kafka does', async () => {
    const frame = requestFrame(2, 1, 21, { replicaId: -1, topics: [] });
    frame.writeInt16BE(99, 6); // ListOffsets v99
    expect(await sendRaw(broker.port, frame)).toBe('closed');
  });
});
