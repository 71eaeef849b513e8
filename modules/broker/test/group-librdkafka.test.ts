import { resolve } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

const SCRIPT = resolve(import.meta.dirname, 'fixtures/librdkafka-group.py');
const PARTITIONS = 4;
const PER_PARTITION = 2500;

interface GroupRun {
  complete: boolean;
  /** partition → offsets in delivery order, repeats included. */
  delivered: Record<string, number[]>;
  /** partition → names of the consumers that delivered from it. */
  readers: Record<string, string[]>;
  events: object[];
  errors: string[];
}

/**
 * librdkafka consumers (confluent_kafka, one Python process, polled in turn) sharing `group`;
 * see the fixture for the scenarios.
 */
async function librdkafkaGroup(
  bootstrap: string,
  topic: string,
  group: string,
  strategy: 'cooperative-sticky' | 'range',
  scenario: 'pair' | 'churn',
  pauseMs: number,
): Promise<GroupRun> {
  const total = String(PARTITIONS * PER_PARTITION);
  const args = [SCRIPT, bootstrap, topic, group, strategy, scenario, total, '60', String(pauseMs)];
  const r = await run('/usr/bin/python3', args, undefined, 90_000);
  if (r.code !== 0) throw new Error(`librdkafka-group.py ${scenario} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as GroupRun;
}

/** Offsets of each partition that were never delivered, and how many deliveries were repeats. */
function gaps(result: GroupRun): { missing: Record<number, number>; repeats: number } {
  const missing: Record<number, number> = {};
  let repeats = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = result.delivered[String(p)] ?? [];
    const distinct = new Set(offsets);
    repeats += offsets.length - distinct.size;
    let absent = 0;
    for (let o = 0; o < PER_PARTITION; o++) if (!distinct.has(o)) absent++;
    if (absent > 0) missing[p] = absent;
  }
  return { missing, repeats };
}

describe('consumer groups through librdkafka (confluent_kafka)', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaClient(broker.bootstrap, 'librdkafka-group-test');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await broker?.close();
  });

  async function topicWithRecords(topic: string): Promise<void> {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    const producer = kafka.producer();
    await producer.connect();
    const messages = [];
    for (let i = 0; i < PARTITIONS * PER_PARTITION; i++)
      messages.push({ partition: i % PARTITIONS, value: `r-${i}` });
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();
  }

  async function committed(group: string, topic: string): Promise<string[]> {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }

  const ends = Array.from({ length: PARTITIONS }, () => String(PER_PARTITION));

  for (const { strategy, scenario, pauseMs } of [
    { strategy: 'cooperative-sticky', scenario: 'pair', pauseMs: 1 },
    // Slower rounds under churn: on a loaded machine a 1 ms pause let the first consumer read every
    // partition it owned to the end before a rebalance moved one (nothing changed hands mid-way).
    { strategy: 'cooperative-sticky', scenario: 'churn', pauseMs: 3 },
    { strategy: 'range', scenario: 'pair', pauseMs: 1 },
  ] as const) {
    const what =
      scenario === 'pair'
        ? 'a second consumer joins the first, both polled in turn'
        : 'a second and a third consumer join, the third leaves, then the second';
    it(`${strategy}, ${what}: every record arrives and the committed offsets reach the end`, async () => {
      const topic = `lrk-${strategy}-${scenario}`;
      const group = `${topic}-g`;
      await topicWithRecords(topic);
      const result = await librdkafkaGroup(broker.bootstrap, topic, group, strategy, scenario, pauseMs);
      expect(result.errors).toEqual([]);
      expect(gaps(result).missing).toEqual({});
      expect(result.complete).toBe(true);
      expect(await committed(group, topic)).toEqual(ends);
      if (scenario === 'churn') {
        // Some partition changed hands part-way, so the hand-over went through a committed offset.
        expect(Object.values(result.readers).some((names) => names.length > 1)).toBe(true);
      }
    }, 120_000);
  }
});
