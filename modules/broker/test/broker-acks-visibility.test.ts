import { resolve } from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

/**
 * The high watermark covers everything acknowledged. Under the default
 * `--fsync fsync` policy the broker's fsync rounds are held back here (the flusher's fdatasync is
 * gated), so "acks=1 answered but not yet fsync'ed" lasts as long as the test needs instead of the
 * millisecond a real fsync takes: acknowledged acks=1 records must be visible to ListOffsets and
 * DeleteRecords, while an acks=-1 produce must stay unanswered until the fsync completes.
 */
const gate = vi.hoisted(() => {
  let held = false;
  let parked: (() => void)[] = [];
  return {
    hold(): void {
      held = true;
    },
    release(): void {
      held = false;
      const run = parked;
      parked = [];
      for (const f of run) f();
    },
    /** fdatasync calls parked while held. */
    get parkedCount(): number {
      return parked.length;
    },
    wrap(real: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void) {
      return (fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void => {
        if (held) parked.push(() => real(fd, cb));
        else real(fd, cb);
      };
    },
  };
});

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = gate.wrap(fs.fdatasync);
  return { ...fs, fdatasync, default: { ...fs, fdatasync } };
});

const SCRIPT = resolve(import.meta.dirname, 'fixtures/librdkafka-acks1-visibility.py');

describe('acknowledged records are visible whatever the acks level (fsync policy)', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startTestBroker({ fsyncPolicy: 'fsync' });
    kafka = kafkaClient(broker.bootstrap);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterEach(() => gate.release());

  afterAll(async () => {
    gate.release();
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.close();
  });

  it('kafkajs: acks=1 records count in ListOffsets and DeleteRecords before the fsync; acks=-1 waits for it', async () => {
    const topic = 'acks-visibility-kafkajs';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    gate.hold();

    const messages = Array.from({ length: 10 }, (_, i) => ({ value: `one-${i}` }));
    const [ack] = await producer.send({ topic, acks: 1, messages });
    expect(ack.errorCode).toBe(0);
    // the acknowledged records were written but their fsync is parked
    expect(gate.parkedCount).toBeGreaterThan(0);

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '10', offset: '10' })]);
    // DeleteRecords up to the acknowledged end is in range (Kafka's check: offset <= high watermark)
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '10' }] });
    const after = await admin.fetchTopicOffsets(topic);
    expect(after[0]).toMatchObject({ low: '10', high: '10' });

    // acks=-1: readable once written (as on a single-replica Kafka), answered only after the fsync
    let answered = false;
    const all = producer
      .send({ topic, acks: -1, messages: [{ value: 'all-0' }, { value: 'all-1' }] })
      .then((r) => {
        answered = true;
        return r;
      });
    await expect.poll(async () => (await admin.fetchTopicOffsets(topic))[0].high).toBe('12');
    expect(answered).toBe(false);
    gate.release();
    const [allAck] = await all;
    expect(allAck).toMatchObject({ errorCode: 0, baseOffset: '10' });
  });

  it('librdkafka: records delivered with acks=1 are counted by the watermark query before the fsync', async () => {
    const topic = 'acks-visibility-librdkafka';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    gate.hold();
    const r = await run('/usr/bin/python3', [SCRIPT, broker.bootstrap, topic, '25'], undefined, 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { delivered: number; errors: string[]; high: number };
    expect(gate.parkedCount).toBeGreaterThan(0);
    expect(out).toEqual({ delivered: 25, errors: [], high: 25 });
  });
});
