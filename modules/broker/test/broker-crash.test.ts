import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaClient } from './helpers/broker.js';
import { spawnBroker } from './helpers/processes.js';

const PARTITIONS = 2;
const PER_SEND = 20;

describe('crash safety (broker in a child process, SIGKILL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterstream-crash-'));
  const children: { kill(sig: NodeJS.Signals): boolean }[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every record acknowledged with acks=-1 is readable at its offset after SIGKILL and restart, committed offsets intact', async () => {
    const first = await spawnBroker(['--port', '0', '--data-dir', dataDir]);
    children.push(first.child);
    const kafka = kafkaClient(`127.0.0.1:${first.port}`, 'crash-producer');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: PARTITIONS }] });
    // a committed group offset that must survive the crash too
    await admin.setOffsets({
      groupId: 'committed-before-crash',
      topic: 'crash',
      partitions: [{ partition: 1, offset: '7' }],
    });
    await admin.disconnect();

    // partition → offset → value, for every acknowledged record
    const acked = new Map<number, Map<number, string>>();
    for (let p = 0; p < PARTITIONS; p++) acked.set(p, new Map());
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    let seq = 0;
    let sends = 0;
    let stop = false;
    // Several concurrent senders keep requests in flight when the kill lands.
    const sender = async () => {
      while (!stop) {
        const p = seq % PARTITIONS;
        const values = Array.from({ length: PER_SEND }, () => `rec-${seq++}`);
        try {
          const meta = await producer.send({
            topic: 'crash',
            acks: -1,
            messages: values.map((value) => ({ value, partition: p })),
          });
          const base = Number(meta[0].baseOffset);
          for (const [i, v] of values.entries()) acked.get(p)!.set(base + i, v);
          sends++;
        } catch {
          return; // the broker is gone: whatever was not acknowledged may be lost
        }
      }
    };
    let running = 3;
    const senders = [sender(), sender(), sender()].map((s) => s.finally(() => running--));
    while (sends < 60 && running > 0) await new Promise((r) => setTimeout(r, 5));
    expect(sends, 'the senders stopped before the kill').toBeGreaterThanOrEqual(60);
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await producer.disconnect().catch(() => undefined);
    const ackedCount = [...acked.values()].reduce((n, m) => n + m.size, 0);
    expect(ackedCount).toBeGreaterThanOrEqual(60 * PER_SEND);

    const second = await spawnBroker(['--port', '0', '--data-dir', dataDir]);
    children.push(second.child);
    const kafka2 = kafkaClient(`127.0.0.1:${second.port}`, 'crash-reader');
    const admin2 = kafka2.admin();
    await admin2.connect();
    const offsets = await admin2.fetchTopicOffsets('crash');
    const committed = await admin2.fetchOffsets({ groupId: 'committed-before-crash', topics: ['crash'] });
    expect(committed[0].partitions.find((p) => p.partition === 1)?.offset).toBe('7');
    await admin2.disconnect();
    const high = new Map(offsets.map((o) => [o.partition, Number(o.high)]));

    const consumer = kafka2.consumer({ groupId: 'crash-check' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'crash', fromBeginning: true });
    const stored = new Map<number, Map<number, string>>();
    for (let p = 0; p < PARTITIONS; p++) stored.set(p, new Map());
    const total = [...high.values()].reduce((a, b) => a + b, 0);
    let got = 0;
    await new Promise<void>((resolve, reject) => {
      if (total === 0) resolve();
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            stored.get(partition)!.set(Number(message.offset), message.value!.toString());
            if (++got >= total) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    second.child.kill('SIGTERM');

    let missing = 0;
    for (const [p, records] of acked) {
      for (const [offset, value] of records) if (stored.get(p)!.get(offset) !== value) missing++;
    }
    expect(missing).toBe(0);
  });
});
