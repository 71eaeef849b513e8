import { resolve } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, startTestBroker, type TestBroker } from './helpers/broker.js';
import { run } from './helpers/processes.js';

/**
 * Issue #16 item 6: librdkafka consumers under cooperative-sticky, created together and polled in
 * turn with a blocking poll (the reported setup), then 3 consumers joining and leaving. The
 * fixture separates a record that is late (waiting in a consumer's queue while another
 * consumer's blocking poll holds the loop) from one that is never fetched; see its docstring.
 */
const SCRIPT = resolve(import.meta.dirname, 'fixtures/librdkafka-cooperative.py');
const PARTITIONS = 4;
const PER_PARTITION = 2500;
const POLL_S = '0.05';
const TURN_S = '20';

interface CooperativeRun {
  in_turn: number;
  steps_done: boolean;
  settled: boolean;
  owners: Record<string, number[]>;
  /** partition → offsets in delivery order, repeats included. */
  delivered: Record<string, number[]>;
  events: { t: number; member: string; assigned?: number[] }[];
  errors: string[];
  commit_errors: object[];
}

async function cooperativeGroup(
  bootstrap: string,
  topic: string,
  group: string,
  scenario: 'pair' | 'churn',
): Promise<CooperativeRun> {
  const total = String(PARTITIONS * PER_PARTITION);
  const args = [SCRIPT, bootstrap, topic, group, String(PARTITIONS), scenario, total, POLL_S, TURN_S];
  const r = await run('/usr/bin/python3', args, undefined, 200_000);
  if (r.code !== 0) throw new Error(`librdkafka-cooperative.py ${scenario} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CooperativeRun;
}

/** Per partition, how many of its offsets were never delivered. */
function missing(result: CooperativeRun): Record<number, number> {
  const out: Record<number, number> = {};
  for (let p = 0; p < PARTITIONS; p++) {
    const seen = new Set(result.delivered[String(p)] ?? []);
    let absent = 0;
    for (let o = 0; o < PER_PARTITION; o++) if (!seen.has(o)) absent++;
    if (absent > 0) out[p] = absent;
  }
  return out;
}

describe('cooperative-sticky groups through librdkafka (confluent_kafka), consumers started together', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = kafkaClient(broker.bootstrap, 'librdkafka-cooperative-test');
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
    // Several sends, so that each partition holds several batches and a consumer can stop
    // inside one.
    for (let sent = 0; sent < PARTITIONS * PER_PARTITION; sent += 1000) {
      const messages = [];
      for (let i = sent; i < sent + 1000; i++) messages.push({ partition: i % PARTITIONS, value: `r-${i}` });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();
  }

  async function committed(group: string, topic: string): Promise<string[]> {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }

  const ends = Array.from({ length: PARTITIONS }, () => String(PER_PARTITION));

  for (const scenario of ['pair', 'churn'] as const) {
    const what =
      scenario === 'pair'
        ? 'two consumers created together'
        : 'three created together, one leaves, a fourth joins, another leaves';
    it(`${what}: every record is fetched, every partition owned once, committed offsets at the end`, async () => {
      const topic = `lrk-coop-${scenario}`;
      const group = `${topic}-g`;
      await topicWithRecords(topic);
      const result = await cooperativeGroup(broker.bootstrap, topic, group, scenario);
      const context = JSON.stringify({
        in_turn: result.in_turn,
        owners: result.owners,
        events: result.events,
        commit_errors: result.commit_errors,
      });
      expect(result.errors, context).toEqual([]);
      expect(missing(result), context).toEqual({});
      expect(result.steps_done, context).toBe(true);
      // Every partition ends with exactly one live owner: none is left unassigned by an
      // incremental rebalance.
      expect(result.settled, context).toBe(true);
      expect(await committed(group, topic), context).toEqual(ends);
      if (scenario === 'churn') {
        // c3 left owning partitions, so they changed hands through committed offsets.
        const assignees = new Map<number, Set<string>>();
        for (const e of result.events)
          for (const p of e.assigned ?? []) assignees.set(p, (assignees.get(p) ?? new Set()).add(e.member));
        expect(
          [...assignees.values()].some((names) => names.size > 1),
          context,
        ).toBe(true);
      }
    }, 240_000);
  }
});
