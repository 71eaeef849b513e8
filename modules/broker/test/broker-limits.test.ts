/**
 * The broker's resource limits, each with a real client over TCP (kafkajs) and raw frames where
 * the exact error code and message matter: partitions per request and per broker, open segment
 * files, connections in total and per address, idle connections, request size.
 */
import { existsSync, fstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaJSAggregateError, KafkaJSProtocolError } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@meterstream/test-support';
import { FileHandlePool } from '../src/log/file-handles.js';
import { fdBudget, openFilesLimit } from '../src/os-limits.js';
import { ErrorCode } from '../src/protocol/errors.js';
import type { FetchResponse, MetadataResponse } from '../src/protocol/messages.generated.js';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import {
  answersApiVersions,
  createPartitionsRaw,
  createTopicsRaw,
  openFds,
  openSocket,
} from './helpers/limits.js';
import { decodeResponse, requestFrame, sendRaw } from './helpers/raw-client.js';

let b: TestBroker | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const topicDirs = (broker: TestBroker) => readdirSync(join(broker.dataDir, 'topics')).sort();

describe('partition limits', () => {
  it('refuses a topic past max.partitions.per.request with POLICY_VIOLATION naming the limit', async () => {
    b = await startTestBroker({ maxPartitionsPerRequest: 10 });
    const results = await createTopicsRaw(b.port, [
      { name: 'a', partitions: 4 },
      { name: 'b', partitions: 4 },
      { name: 'c', partitions: 4 },
    ]);
    expect(results.map((r) => r.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.NONE,
      ErrorCode.POLICY_VIOLATION,
    ]);
    expect(results[2].errorMessage).toContain('max.partitions.per.request=10');
    expect(topicDirs(b)).toEqual(['a', 'b']);

    const admin = kafkaClient(b.bootstrap).admin();
    await admin.connect();
    try {
      const err = await admin.createTopics({ topics: [{ topic: 'big', numPartitions: 11 }] }).then(
        () => undefined,
        (e: unknown) => e as KafkaJSAggregateError,
      );
      expect((err?.errors[0] as KafkaJSProtocolError | undefined)?.type).toBe('POLICY_VIOLATION');
      expect(await admin.listTopics()).not.toContain('big');

      const grow = await createPartitionsRaw(b.port, [
        { name: 'a', count: 9 },
        { name: 'b', count: 10 },
      ]);
      expect(grow.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.POLICY_VIOLATION]);
      expect(grow[1].errorMessage).toContain('max.partitions.per.request=10');
      expect(b.broker.topics.get('b')!.partitions).toHaveLength(4);
      expect(readdirSync(join(b.dataDir, 'topics', 'b')).filter((f) => f !== 'topic.json')).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses partitions past max.partitions: CreateTopics, CreatePartitions, validateOnly and auto-creation', async () => {
    b = await startTestBroker({ maxPartitions: 10, defaultPartitions: 3 });
    expect((await createTopicsRaw(b.port, [{ name: 't1', partitions: 6 }]))[0].errorCode).toBe(
      ErrorCode.NONE,
    );
    const over = await createTopicsRaw(b.port, [{ name: 't2', partitions: 5 }]);
    expect(over[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(over[0].errorMessage).toContain('max.partitions=10');
    // validateOnly counts the topics it accepted earlier in the same request
    const validated = await createTopicsRaw(
      b.port,
      [
        { name: 'v1', partitions: 3 },
        { name: 'v2', partitions: 3 },
      ],
      true,
    );
    expect(validated.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.POLICY_VIOLATION]);

    const grow = await createPartitionsRaw(b.port, [{ name: 't1', count: 8 }]);
    expect(grow[0].errorCode).toBe(ErrorCode.NONE);
    const growOver = await createPartitionsRaw(b.port, [{ name: 't1', count: 11 }]);
    expect(growOver[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(growOver[0].errorMessage).toContain('max.partitions=10');

    // auto-creation (3 partitions) would make 11
    const meta = await sendRaw(
      b.port,
      requestFrame(3, 4, 1, { topics: [{ name: 'auto-x' }], allowAutoTopicCreation: true }),
    );
    expect(Buffer.isBuffer(meta)).toBe(true);
    const decoded = decodeResponse<MetadataResponse>(3, 4, meta as Buffer);
    expect(decoded.topics[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(b.broker.topics.get('auto-x')).toBeUndefined();
    expect(topicDirs(b)).toEqual(['t1']);
    expect(b.broker.topics.partitionCount).toBe(8);
  });
});

describe('open segment files', () => {
  it('keeps at most maxOpenSegmentFiles open over 40 partitions, segment rolls, reads and a restart', async () => {
    const options = { maxOpenSegmentFiles: 8, segmentBytes: 1024, keepData: true };
    b = await startTestBroker(options);
    const { dataDir } = b;
    const kafka = kafkaClient(b.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'many', numPartitions: 40 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const expected = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const messages = Array.from({ length: 40 }, (_, p) => {
        const value = `r${round}-p${p}-${'x'.repeat(300)}`;
        expected.add(value);
        return { partition: p, value };
      });
      await producer.send({ topic: 'many', acks: -1, messages });
      expect(openFds('self', join(dataDir, 'topics')).inDir).toBeLessThanOrEqual(8);
    }
    await producer.disconnect();
    // several segments per partition: the rolls and reads below go through the pool too
    expect(b.broker.topics.partition('many', 0)!.segments.length).toBeGreaterThan(1);

    const consumeAll = async (groupId: string) => {
      const consumer = kafkaClient(b!.bootstrap).consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topic: 'many', fromBeginning: true });
      const seen = new Set<string>();
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
        },
      });
      await waitFor(`${expected.size} records`, () => seen.size >= expected.size, 60_000);
      await consumer.disconnect();
      return seen;
    };
    expect(await consumeAll('g1')).toEqual(expected);
    expect(openFds('self', join(dataDir, 'topics')).inDir).toBeLessThanOrEqual(8);

    await b.close();
    b = await startTestBroker({ ...options, dataDir });
    expect(openFds('self', join(dataDir, 'topics')).inDir).toBeLessThanOrEqual(8);
    expect(await consumeAll('g2')).toEqual(expected);
    expect(openFds('self', join(dataDir, 'topics')).inDir).toBeLessThanOrEqual(8);
    b.close = ((close) => async () => {
      await close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    })(b.close);
  }, 120_000);
});

describe('connections', () => {
  it('closes connections over max.connections at accept, and serves again once one closes', async () => {
    b = await startTestBroker({ maxConnections: 3 });
    const held = await Promise.all([0, 1, 2].map(() => openSocket(b!.port)));
    for (const c of held) expect(await answersApiVersions(c.socket)).toBe(true);
    const extra = await openSocket(b.port);
    expect(await answersApiVersions(extra.socket)).toBe(false);
    expect(
      await b.broker.metrics.registry.getSingleMetricAsString('kafka_connections_refused_total'),
    ).toContain('reason="max-connections"} 1');
    held[0].socket.destroy();
    await waitFor(
      'a free connection slot',
      async () => {
        const again = await openSocket(b!.port);
        const served = await answersApiVersions(again.socket);
        again.socket.destroy();
        return served;
      },
      30_000,
    );
    for (const c of held) c.socket.destroy();
  });

  it('closes connections over max.connections.per.ip; other addresses still connect', async () => {
    b = await startTestBroker({ maxConnections: 10, maxConnectionsPerIp: 2 });
    const held = [await openSocket(b.port), await openSocket(b.port)];
    for (const c of held) expect(await answersApiVersions(c.socket)).toBe(true);
    const third = await openSocket(b.port);
    expect(await answersApiVersions(third.socket)).toBe(false);
    // another loopback address is another client
    const other = await openSocket(b.port, '127.0.0.2');
    expect(await answersApiVersions(other.socket)).toBe(true);
    for (const c of [...held, other]) c.socket.destroy();
  });

  it('closes idle connections after connections.max.idle.ms, but not one waiting on a long poll', async () => {
    b = await startTestBroker({ connectionsMaxIdleMs: 300 });
    await b.broker.topics.create('idle', 1, {});
    const idle = await openSocket(b.port);
    expect(await answersApiVersions(idle.socket)).toBe(true);
    let closed = false;
    void idle.closed.then(() => {
      closed = true;
    });
    await waitFor('the idle connection to be closed', () => closed, 30_000);

    // a Fetch long-polling 2 s on an empty partition is answered, not cut off as idle
    const fetch = await sendRaw(
      b.port,
      requestFrame(1, 4, 1, {
        replicaId: -1,
        maxWaitMs: 2000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        topics: [
          { topic: 'idle', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
        ],
      }),
      30_000,
    );
    expect(Buffer.isBuffer(fetch)).toBe(true);
    expect(decodeResponse<FetchResponse>(1, 4, fetch as Buffer).responses[0].partitions[0].errorCode).toBe(
      ErrorCode.NONE,
    );

    // kafkajs reconnects after its idle connection was closed
    const producer = kafkaClient(b.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'idle', messages: [{ value: 'one' }] });
    const idleClosed = async () =>
      (await b!.broker.metrics.registry.getSingleMetricAsString('kafka_connections_idle_closed_total')).match(
        / (\d+)$/m,
      )?.[1];
    const before = Number(await idleClosed());
    await waitFor(
      'kafkajs connections to be closed as idle',
      async () => Number(await idleClosed()) > before,
      30_000,
    );
    await producer.send({ topic: 'idle', messages: [{ value: 'two' }] });
    await producer.disconnect();
    expect(b.broker.topics.partition('idle', 0)!.logEndOffset).toBe(2);
  });
});

describe('request size (socket.request.max.bytes)', () => {
  it('closes the connection on a size prefix over the limit, before any of the body arrives', async () => {
    b = await startTestBroker({ maxFrameBytes: 64 * 1024 });
    const c = await openSocket(b.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(1024 * 1024, 0);
    c.socket.write(prefix);
    await c.closed;
    // a frame under the limit is served
    const ok = await openSocket(b.port);
    expect(await answersApiVersions(ok.socket)).toBe(true);
    ok.socket.destroy();
  });
});

describe('topic creation is all or nothing', () => {
  it('refused topics leave no directory, and a staging leftover of a crash is removed at start', async () => {
    b = await startTestBroker({ maxPartitions: 5, keepData: true });
    const { dataDir } = b;
    expect((await createTopicsRaw(b.port, [{ name: 'x', partitions: 6 }]))[0].errorCode).toBe(
      ErrorCode.POLICY_VIOLATION,
    );
    expect(existsSync(join(dataDir, 'topics', 'x'))).toBe(false);
    await b.close();
    const { mkdirSync, rmSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'topics', '~new-0123456789abcdef', '0'), { recursive: true });
    b = await startTestBroker({ dataDir });
    expect(topicDirs(b)).toEqual([]);
    b.close = ((close) => async () => {
      await close();
      rmSync(dataDir, { recursive: true, force: true });
    })(b.close);
  });
});

describe('defaults from RLIMIT_NOFILE', () => {
  it('reads the soft limit from /proc/self/limits and keeps files and connections below it', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units',
      'Max processes             63704                63704                processes',
      'Max open files            128                  4096                 files',
    ].join('\n');
    expect(openFilesLimit(text)).toBe(128);
    expect(openFilesLimit(text.replace('128 ', 'unlimited '))).toBe(Number.MAX_SAFE_INTEGER);
    expect(fdBudget(128)).toEqual({ maxOpenSegmentFiles: 32, maxConnections: 8 });
    expect(fdBudget(1024)).toEqual({ maxOpenSegmentFiles: 480, maxConnections: 120 });
    expect(fdBudget(1_048_576)).toEqual({ maxOpenSegmentFiles: 1024, maxConnections: 1000 });
    expect(openFilesLimit()).toBeGreaterThan(0);
  });
});

describe('file handle pool', () => {
  it('closes the least recently used file beyond its limit, never a pinned one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'file-pool-'));
    try {
      const pool = new FileHandlePool(4);
      const files = Array.from({ length: 10 }, (_, i) => pool.file(join(dir, `f${i}`)));
      const pinnedFd = files[0].pin();
      for (let round = 0; round < 3; round++) {
        for (const f of files.slice(1)) {
          f.get();
          expect(pool.size).toBeLessThanOrEqual(4);
        }
      }
      // the pinned file kept its descriptor through all the evictions
      expect(files[0].fd).toBe(pinnedFd);
      expect(fstatSync(pinnedFd).isFile()).toBe(true);
      // most recently used stay open: f9, f8, f7 (and the pinned f0)
      expect(files.filter((f) => f.fd >= 0).map((f) => f.path.slice(-2))).toEqual(['f0', 'f7', 'f8', 'f9']);
      files[0].unpin();
      files[1].get(); // f0 is now the least recently used unpinned file
      expect(files[0].fd).toBe(-1);
      files[2].retire();
      expect(() => files[2].get()).toThrow(/used after it was closed/);
      pool.closeAll();
      expect(pool.size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
