import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@meterstream/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaClient } from './helpers/broker.js';
import { spawnBroker } from './helpers/processes.js';

describe('transactions across a broker SIGKILL (broker in a child process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterstream-txn-crash-'));
  const children: { kill(sig: NodeJS.Signals): boolean }[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps producer ids and epochs monotonic, committed transactions visible and the open one aborted', async () => {
    const args = ['--port', '0', '--data-dir', dataDir, '--schema-registry-port', 'off'];
    const first = await spawnBroker(args);
    children.push(first.child);
    const kafka = kafkaClient(`127.0.0.1:${first.port}`, 'txn-crash');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'txn-crash', numPartitions: 2 },
        { topic: 'in', numPartitions: 1 },
      ],
    });
    await admin.disconnect();

    const producer = kafka.producer({
      transactionalId: 'survivor',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({
      topic: 'txn-crash',
      messages: [
        { partition: 0, value: 'c0' },
        { partition: 1, value: 'c1' },
      ],
    });
    await committed.sendOffsets({
      consumerGroupId: 'txn-crash-group',
      topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '42' }] }],
    });
    await committed.commit();
    const open = await producer.transaction();
    await open.send({
      topic: 'txn-crash',
      messages: [
        { partition: 0, value: 'open0' },
        { partition: 1, value: 'open1' },
      ],
    });
    const idempotent = kafka.producer({ idempotent: true });
    await idempotent.connect();
    await idempotent.send({ topic: 'txn-crash', acks: -1, messages: [{ partition: 0, value: 'plain' }] });

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await producer.disconnect().catch(() => undefined);
    await idempotent.disconnect().catch(() => undefined);

    const second = await spawnBroker(args);
    children.push(second.child);
    const kafka2 = kafkaClient(`127.0.0.1:${second.port}`, 'txn-crash-2');
    // The same transactional id comes back: a higher epoch, and its open transaction is aborted.
    const again = kafka2.producer({ transactionalId: 'survivor', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    const t = await again.transaction();
    await t.send({ topic: 'txn-crash', messages: [{ partition: 1, value: 'after' }] });
    await t.commit();
    await again.disconnect();
    // A new idempotent producer must get a producer id never used before the crash: a reused id
    // would make the partition drop its first batch as a duplicate of 'plain' (same sequence 0).
    const idempotent2 = kafka2.producer({ idempotent: true });
    await idempotent2.connect();
    await idempotent2.send({
      topic: 'txn-crash',
      acks: -1,
      messages: [{ partition: 0, value: 'plain-after' }],
    });
    await idempotent2.disconnect();

    const consumer = kafka2.consumer({ groupId: 'txn-crash-reader', maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'txn-crash', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(
      'records after restart',
      () => seen.includes('after') && seen.includes('plain-after'),
      30_000,
    );
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['after', 'c0', 'c1', 'plain', 'plain-after']);

    const admin2 = kafka2.admin();
    await admin2.connect();
    const [offsets] = await admin2.fetchOffsets({ groupId: 'txn-crash-group', topics: ['in'] });
    expect(offsets.partitions[0].offset).toBe('42');
    await admin2.disconnect();
    second.child.kill('SIGTERM');
  });
});
