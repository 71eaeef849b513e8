import { appendFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ATTR_TRANSACTIONAL, buildBatch } from '../src/log/record-batch.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type {
  FetchResponse,
  OffsetForLeaderEpochResponse,
  ProduceResponse,
} from '../src/protocol/messages.generated.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

interface BatchOpts {
  producerId?: bigint;
  epoch?: number;
  seq?: number;
  txn?: boolean;
  timestamp?: number;
}

function batch(values: string[], o: BatchOpts = {}): Buffer {
  return buildBatch({
    attributes: o.txn ? ATTR_TRANSACTIONAL : 0,
    baseTimestamp: o.timestamp ?? Date.now(),
    producerId: o.producerId ?? -1n,
    producerEpoch: o.epoch ?? -1,
    baseSequence: o.seq ?? -1,
    records: values.map((v, i) => ({
      offsetDelta: i,
      timestampDelta: 0,
      key: Buffer.from(v),
      value: Buffer.from(v),
      headers: [],
    })),
  });
}

async function produce(port: number, topic: string, records: Buffer) {
  const res = await sendRaw(
    port,
    requestFrame(0, 7, 1, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    }),
  );
  if (!Buffer.isBuffer(res)) throw new Error(`produce got ${res}`);
  return decodeResponse<ProduceResponse>(0, 7, res).responses[0].partitionResponses[0];
}

async function fetchCommitted(port: number, topic: string, offset: number) {
  const res = await sendRaw(
    port,
    requestFrame(1, 11, 1, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic, partitions: [{ partition: 0, fetchOffset: BigInt(offset), partitionMaxBytes: 1 << 20 }] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    }),
  );
  if (!Buffer.isBuffer(res)) throw new Error(`fetch got ${res}`);
  return decodeResponse<FetchResponse>(1, 11, res).responses[0].partitions[0];
}

describe('partition log', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startTestBroker({ metricsPort: 0 });
  });
  afterAll(async () => {
    await b.close();
  });

  it('deduplicates idempotent retries and refuses sequence gaps and fenced epochs', async () => {
    const pid = 4242n;
    const first = await produce(b.port, 'idem', batch(['a', 'b'], { producerId: pid, epoch: 0, seq: 0 }));
    expect(first).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const second = await produce(b.port, 'idem', batch(['c'], { producerId: pid, epoch: 0, seq: 2 }));
    expect(second).toMatchObject({ errorCode: 0, baseOffset: 2n });
    // a retry of the first batch: answered with its original offset, not stored again
    const retry = await produce(b.port, 'idem', batch(['a', 'b'], { producerId: pid, epoch: 0, seq: 0 }));
    expect(retry).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const gap = await produce(b.port, 'idem', batch(['e'], { producerId: pid, epoch: 0, seq: 9 }));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const bumped = await produce(b.port, 'idem', batch(['f'], { producerId: pid, epoch: 1, seq: 0 }));
    expect(bumped).toMatchObject({ errorCode: 0, baseOffset: 3n });
    const fenced = await produce(b.port, 'idem', batch(['g'], { producerId: pid, epoch: 0, seq: 3 }));
    expect(fenced.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(b.broker.topics.partition('idem', 0)!.logEndOffset).toBe(4);
  });

  it('kafkajs idempotent producer writes each record once', async () => {
    const producer = kafkaClient(b.bootstrap).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect().catch((err: unknown) => {
      // InitProducerId belongs to the transaction coordinator; without it kafkajs cannot be idempotent
      throw new Error(`idempotent producer needs InitProducerId: ${String(err)}`);
    });
    for (let i = 0; i < 5; i++)
      await producer.send({ topic: 'idem-kafkajs', messages: [{ value: `v${i}` }] });
    await producer.disconnect();
    expect(b.broker.topics.partition('idem-kafkajs', 0)!.logEndOffset).toBe(5);
  });

  it('stores acks=0 and acks=1 produce requests from kafkajs', async () => {
    const producer = kafkaClient(b.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'acks', acks: 1, messages: [{ value: 'one' }] });
    for (let i = 0; i < 3; i++)
      await producer.send({ topic: 'acks', acks: 0, messages: [{ value: `zero-${i}` }] });
    await producer.disconnect();
    const p = () => b.broker.topics.partition('acks', 0)!;
    await expect.poll(() => p().highWatermark).toBe(4);
  });

  it('long-polls: an idle consumer does not spin on Fetch', async () => {
    const fetches = async () =>
      (await b.broker.metrics.requests.get()).values.find((v) => v.labels.api === 'Fetch')?.value ?? 0;
    const kafka = kafkaClient(b.bootstrap);
    const consumer = kafka.consumer({ groupId: 'idle', maxWaitTimeInMs: 1000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'idle-topic', fromBeginning: true });
    const got: string[] = [];
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(String(message.value));
      },
    });
    await expect.poll(fetches, { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await fetches();
    await new Promise((r) => setTimeout(r, 2500));
    // maxWait 1 s: about three fetches in 2.5 s, a little slack for a rejoin (a spinning consumer
    // would make hundreds)
    expect((await fetches()) - before).toBeLessThanOrEqual(6);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'idle-topic', messages: [{ value: 'wake up' }] });
    await producer.disconnect();
    await expect.poll(() => got, { timeout: 20_000 }).toEqual(['wake up']);
    await consumer.disconnect();
  });

  it('holds READ_COMMITTED reads at the last stable offset and lists aborted transactions', async () => {
    const topic = 'txn-log';
    // Partition-level behaviour only: bypass the coordinator's AddPartitionsToTxn check, as if
    // the transaction coordinator had registered these partitions.
    const check = b.broker.transactionalProduceCheck;
    b.broker.transactionalProduceCheck = undefined;
    onTestFinished(() => {
      b.broker.transactionalProduceCheck = check;
    });
    await produce(b.port, topic, batch(['plain'])); // offset 0
    const open = await produce(
      b.port,
      topic,
      batch(['t1', 't2'], { producerId: 77n, epoch: 0, seq: 0, txn: true }),
    ); // 1-2
    expect(open.errorCode).toBe(0);
    const p = b.broker.topics.partition(topic, 0)!;
    expect(p.lastStableOffset).toBe(1);
    let res = await fetchCommitted(b.port, topic, 0);
    expect(res.lastStableOffset).toBe(1n);
    const abortAt = await p.appendTxnMarker(77n, 0, false, 0); // offset 3
    expect(abortAt).toBe(3);
    expect(p.lastStableOffset).toBe(4);
    res = await fetchCommitted(b.port, topic, 0);
    expect(res.lastStableOffset).toBe(4n);
    expect(res.abortedTransactions).toEqual([{ producerId: 77n, firstOffset: 1n }]);
    // committed transaction: not listed as aborted
    await produce(b.port, topic, batch(['t3'], { producerId: 78n, epoch: 0, seq: 0, txn: true })); // 4
    await p.appendTxnMarker(78n, 0, true, 0); // 5
    res = await fetchCommitted(b.port, topic, 4);
    expect(res.abortedTransactions).toEqual([]);
    expect(res.highWatermark).toBe(6n);
  });

  it('applies time and size retention to old segments, never with retention.ms=-1', async () => {
    const admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'old-keep', configEntries: [{ name: 'segment.bytes', value: '1024' }] },
        {
          topic: 'old-drop',
          configEntries: [
            { name: 'segment.bytes', value: '1024' },
            { name: 'retention.ms', value: '3600000' },
          ],
        },
      ],
    });
    await admin.createTopics({
      topics: [
        {
          topic: 'size-capped',
          configEntries: [
            { name: 'segment.bytes', value: '1024' },
            { name: 'retention.bytes', value: '2048' },
          ],
        },
      ],
    });
    const ts2006 = Date.UTC(2006, 11, 16);
    for (const topic of ['old-keep', 'old-drop', 'size-capped']) {
      for (let i = 0; i < 20; i++) {
        await produce(b.port, topic, batch([`reading-${i}`.padEnd(100, '.')], { timestamp: ts2006 + i }));
      }
      await produce(b.port, topic, batch(['recent'.padEnd(100, '.')]));
    }
    const { segmentsDeleted } = await b.broker.topics.runCleanup();
    expect(segmentsDeleted).toBeGreaterThan(0);
    const offsets = async (t: string) => (await admin.fetchTopicOffsets(t))[0];
    expect(await offsets('old-keep')).toMatchObject({ low: '0', high: '21' });
    const dropped = await offsets('old-drop');
    expect(Number(dropped.low)).toBeGreaterThan(0);
    expect(dropped.high).toBe('21');
    // retention.bytes: old segments go until the rest fits in 2 KiB
    const capped = b.broker.topics.partition('size-capped', 0)!;
    expect(capped.logStartOffset).toBeGreaterThan(0);
    expect(capped.sizeBytes - capped.segments[0].size).toBeLessThan(2048);
    await admin.disconnect();
  });

  it('answers OffsetForLeaderEpoch (flexible v4) with the log end for epoch 0', async () => {
    const res = await sendRaw(
      b.port,
      requestFrame(23, 4, 9, {
        replicaId: -1,
        topics: [
          {
            topic: 'idem',
            partitions: [
              { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
              { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 5 },
            ],
          },
        ],
      }),
    );
    if (!Buffer.isBuffer(res)) throw new Error(`got ${res}`);
    const decoded = decodeResponse<OffsetForLeaderEpochResponse>(23, 4, res);
    expect(decoded.topics[0].partitions).toEqual([
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 4n },
      { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1n },
    ]);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${b.metricsPort}/metrics`)).text();
    expect(text).toMatch(/kafka_requests_total\{api="Produce"\} [1-9]/);
    expect(text).toMatch(/kafka_log_end_offset\{topic="idem",partition="0"\} 4/);
    expect(text).toMatch(/kafka_bytes_in_total [1-9]/);
    // the default policy fsyncs before answering acks=-1
    expect(text).toMatch(/kafka_log_fsyncs_total [1-9]/);
  });
});

describe('segments on disk', () => {
  it('reads across many segments from the files, before and after a restart', async () => {
    const b = await startTestBroker({ keepData: true, tailCacheBytes: 1024 });
    const dataDir = b.dataDir;
    const kafka = kafkaClient(b.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'segs', configEntries: [{ name: 'segment.bytes', value: '2048' }] }],
    });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const expected: string[] = [];
    for (let i = 0; i < 40; i++) {
      const messages = Array.from({ length: 25 }, (_, j) => ({ value: `r${i * 25 + j}` }));
      await producer.send({ topic: 'segs', messages });
      expected.push(...messages.map((m) => m.value));
    }
    await producer.disconnect();
    expect(b.broker.topics.partition('segs', 0)!.segments.length).toBeGreaterThan(5);
    const read = async (bootstrap: string) => {
      const out = await run('kcat', ['-b', bootstrap, '-C', '-t', 'segs', '-e', '-f', '%s\n']);
      expect(out.code, out.stderr).toBe(0);
      return out.stdout.trim().split('\n');
    };
    expect(await read(b.bootstrap)).toEqual(expected);
    await b.close();
    const again = await startTestBroker({ dataDir, tailCacheBytes: 1024 });
    try {
      expect(await read(again.bootstrap)).toEqual(expected);
    } finally {
      await again.close();
    }
  });
});

describe('recovery', () => {
  it('rebuilds transaction state (open transaction, aborted list) from the log', async () => {
    const b = await startTestBroker({ keepData: true });
    const dataDir = b.dataDir;
    b.broker.transactionalProduceCheck = undefined; // partition-level test, no coordinator
    await produce(b.port, 'txr', batch(['t1'], { producerId: 5n, epoch: 0, seq: 0, txn: true })); // 0
    await b.broker.topics.partition('txr', 0)!.appendTxnMarker(5n, 0, false, 0); // 1
    await produce(b.port, 'txr', batch(['plain'])); // 2
    await produce(b.port, 'txr', batch(['t2'], { producerId: 6n, epoch: 0, seq: 0, txn: true })); // 3, left open
    await b.close();
    // no snapshot: everything must come from the batch headers
    rmSync(join(dataDir, 'topics', 'txr', '0', 'state.json'));
    const again = await startTestBroker({ dataDir });
    try {
      again.broker.transactionalProduceCheck = undefined;
      const p = again.broker.topics.partition('txr', 0)!;
      expect(p.lastStableOffset).toBe(3);
      const res = await fetchCommitted(again.port, 'txr', 0);
      expect(res.abortedTransactions).toEqual([{ producerId: 5n, firstOffset: 0n }]);
      // the idempotence state came back too: a retry of producer 6's batch is a duplicate
      const retry = await produce(
        again.port,
        'txr',
        batch(['t2'], { producerId: 6n, epoch: 0, seq: 0, txn: true }),
      );
      expect(retry).toMatchObject({ errorCode: 0, baseOffset: 3n });
      expect(p.logEndOffset).toBe(4);
    } finally {
      await again.close();
    }
  });

  it('after a power loss took back unsynced batches and tore the state snapshot, rebuilds the producer state from the log', async () => {
    const b = await startTestBroker({ keepData: true });
    const dataDir = b.dataDir;
    const idem = (seq: number) => batch([`p${seq}`], { producerId: 7n, epoch: 0, seq });
    for (let seq = 0; seq < 3; seq++) {
      expect(await produce(b.port, 'lost', idem(seq))).toMatchObject({
        errorCode: 0,
        baseOffset: BigInt(seq),
      });
    }
    await b.close(); // writes state.json describing offsets 0..2
    const dir = join(dataDir, 'topics', 'lost', '0');
    const log = readdirSync(dir).find((f) => f.endsWith('.log'))!;
    // the disk kept only the first batch (the others were acknowledged with acks=1, never
    // fsync'ed), and the snapshot file is empty (torn)
    truncateSync(join(dir, log), idem(0).length);
    writeFileSync(join(dir, 'state.json'), '');
    const again = await startTestBroker({ dataDir });
    try {
      const p = again.broker.topics.partition('lost', 0)!;
      expect(p.logEndOffset).toBe(1);
      // sequence 1 is the next one the log knows: stored at offset 1, not a duplicate or a gap
      expect(await produce(again.port, 'lost', idem(1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
      expect(await produce(again.port, 'lost', idem(1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
      expect(p.logEndOffset).toBe(2);
    } finally {
      await again.close();
    }
  });

  it('truncates a torn tail on restart and keeps appending at the right offset', async () => {
    const b = await startTestBroker({ keepData: true });
    const dataDir = b.dataDir;
    for (let i = 0; i < 3; i++) await produce(b.port, 'torn', batch([`r${i}`]));
    await b.close();
    const dir = join(dataDir, 'topics', 'torn', '0');
    const log = readdirSync(dir).find((f) => f.endsWith('.log'))!;
    appendFileSync(join(dir, log), batch(['half-written']).subarray(0, 40)); // a crash mid-write
    const again = await startTestBroker({ dataDir });
    try {
      expect(again.broker.topics.partition('torn', 0)!.logEndOffset).toBe(3);
      const next = await produce(again.port, 'torn', batch(['after']));
      expect(next).toMatchObject({ errorCode: 0, baseOffset: 3n });
    } finally {
      await again.close();
    }
  });
});
