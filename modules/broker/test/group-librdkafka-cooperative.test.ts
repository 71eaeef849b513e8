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
 *
 * The consume(n) cases cover librdkafka's batch API (`rd_kafka_consume_batch_queue`), which the
 * report may have used: before 2.1.0 (Debian bookworm ships 2.0.2) it stored a record's offset as
 * it put the record in the batch, and a rebalance met later in the same call could drop the
 * revoked partition's records with their offsets stored, to be committed and skipped by the next
 * owner (librdkafka #4208, fixed in 2.1.0). That would explain the report's 9,899 of 10,000 on the
 * client side, but it did not reproduce here either (6 runs of the fixture, 3 live runs with
 * records produced while consumers joined and left): the loss stays unexplained. With the
 * automatic store the test therefore checks that any record missing is one a member committed past
 * without receiving it (the client's loss, not the broker's); with offsets stored by the
 * application after each call, that every record arrives.
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
  /** Each change of a member's committed offset for a partition, in time order. */
  commits: { t: number; member: string; partition: number; offset: number }[];
  /** member → partition → offsets that member received. */
  received: Record<string, Record<string, number[]>>;
}

type Api = 'poll' | 'batch' | 'batch-store';

async function cooperativeGroup(
  bootstrap: string,
  topic: string,
  group: string,
  scenario: 'pair' | 'churn',
  api: Api,
): Promise<CooperativeRun> {
  const total = String(PARTITIONS * PER_PARTITION);
  const args = [SCRIPT, bootstrap, topic, group, String(PARTITIONS), scenario, total, POLL_S, TURN_S, api];
  const r = await run('/usr/bin/python3', args, undefined, 200_000);
  if (r.code !== 0) throw new Error(`librdkafka-cooperative.py ${scenario} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CooperativeRun;
}

/** Per partition, the offsets that were never delivered. */
function missingOffsets(result: CooperativeRun): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    const seen = new Set(result.delivered[String(p)] ?? []);
    const absent: number[] = [];
    for (let o = 0; o < PER_PARTITION; o++) if (!seen.has(o)) absent.push(o);
    if (absent.length > 0) out.set(p, absent);
  }
  return out;
}

/** Per partition, how many of its offsets were never delivered. */
function missing(result: CooperativeRun): Record<number, number> {
  return Object.fromEntries([...missingOffsets(result)].map(([p, offsets]) => [p, offsets.length]));
}

/**
 * The missing records no client explains: a record is explained when the first commit past its
 * offset was made by a member that had received nothing at or beyond it from that partition (the
 * member committed an offset it never handed to the application: #4208's signature).
 */
function unexplainedLoss(
  result: CooperativeRun,
): { partition: number; offset: number; firstCommitBy?: string }[] {
  const out: { partition: number; offset: number; firstCommitBy?: string }[] = [];
  for (const [p, offsets] of missingOffsets(result)) {
    for (const offset of offsets) {
      const first = result.commits.find((c) => c.partition === p && c.offset > offset);
      const receivedBeyond = first
        ? (result.received[first.member]?.[String(p)] ?? []).some((o) => o >= offset)
        : true;
      if (!first || receivedBeyond) out.push({ partition: p, offset, firstCommitBy: first?.member });
    }
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

  const cases = [
    ['pair', 'poll'],
    ['churn', 'poll'],
    ['churn', 'batch-store'],
  ] as const;
  for (const [scenario, api] of cases) {
    const what =
      scenario === 'pair'
        ? 'two consumers created together'
        : 'three created together, one leaves, a fourth joins, another leaves';
    const how = api === 'poll' ? 'poll()' : 'consume(100), offsets stored after each call';
    it(`${what}, ${how}: every record is fetched, every partition owned once, committed offsets at the end`, async () => {
      const topic = `lrk-coop-${scenario}-${api}`;
      const group = `${topic}-g`;
      await topicWithRecords(topic);
      const result = await cooperativeGroup(broker.bootstrap, topic, group, scenario, api);
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

  it('three created together, one leaves, a fourth joins, another leaves, consume(100) with the automatic offset store: any record missing was committed past by a member that never received it', async () => {
    const topic = 'lrk-coop-churn-batch';
    const group = `${topic}-g`;
    await topicWithRecords(topic);
    const result = await cooperativeGroup(broker.bootstrap, topic, group, 'churn', 'batch');
    const context = JSON.stringify({
      missing: missing(result),
      events: result.events,
      commits: result.commits,
    });
    expect(result.errors, context).toEqual([]);
    // Whatever librdkafka drops (none with 2.1.0 or later), the broker delivered and kept every
    // record a member asked for: each missing one sits below an offset its committer never read.
    expect(unexplainedLoss(result), context).toEqual([]);
    expect(await committed(group, topic), context).toEqual(ends);
  }, 240_000);
});
