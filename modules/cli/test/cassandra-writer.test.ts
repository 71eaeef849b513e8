import { testLogger, waitFor } from '@meterstream/test-support';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBroker } from '@meterstream/broker';
import {
  type AggregateMetric,
  type MeterstreamConfig,
  aggregateJsonSerde,
  formatMetricKey,
  loadConfig,
} from '@meterstream/common';
import { startCqlServer } from '@meterstream/cql-server';
import { AggregateDao } from '@meterstream/persistence';
import cassandra from 'cassandra-driver';
import { Kafka, type Message, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCassandraWriter } from '../src/apps/cassandra-writer.js';

const WINDOW = 60;
const GATEWAYS = ['g0', 'g1', 'g2', 'g3', 'g4'];
const ATTRIBUTES = ['ACTIVE_POWER', 'VOLTAGE'] as const;
const START = Date.parse('2006-12-16T20:00:00Z');

type Stop = () => Promise<void>;
const cleanups: Stop[] = [];
let bootstrap: string;
let config: MeterstreamConfig;
let kafka: Kafka;
let client: cassandra.Client;
let dao: AggregateDao;
let contactPoint = '';

function series() {
  return GATEWAYS.flatMap((gateway) =>
    ATTRIBUTES.map((metricAttribute) => ({ gateway, metricType: 'ELECTRICITY' as const, metricAttribute })),
  );
}

/** `perSeries` consecutive minute windows of every series, starting `offsetMinutes` after START. */
function makeAggregates(perSeries: number, offsetMinutes = 0): AggregateMetric[] {
  const list: AggregateMetric[] = [];
  for (const id of series()) {
    for (let i = 0; i < perSeries; i++) {
      const windowStart = START + (offsetMinutes + i) * 60_000;
      list.push({
        ...id,
        windowStart,
        windowEnd: windowStart + 60_000,
        sampleCount: 60,
        min: i,
        max: i + 10,
        sum: 60 * (i + 5),
        average: i + 5,
      });
    }
  }
  return list;
}

function toMessage(a: AggregateMetric): Message {
  return { key: formatMetricKey(a), value: aggregateJsonSerde.serialize(a) };
}

async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  }
  await producer.disconnect();
}

async function createTopic(topic: string, partitions = 4): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
}

/** Every stored row of the test series in the minutes [offset, offset + perSeries), oldest first. */
async function storedRows(
  keyspaceDao: AggregateDao,
  perSeries: number,
  offsetMinutes = 0,
): Promise<AggregateMetric[]> {
  const rows: AggregateMetric[] = [];
  const from = START + offsetMinutes * 60_000;
  for (const id of series()) {
    rows.push(
      ...(await keyspaceDao.listAggregates({
        gateway: id.gateway,
        metricType: id.metricType,
        attribute: id.metricAttribute,
        window: WINDOW,
        from,
        to: from + perSeries * 60_000,
        order: 'asc',
      })),
    );
  }
  return rows;
}

async function committedTotal(groupId: string, topic: string): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.reduce((sum, p) => sum + (BigInt(p.offset) > 0n ? BigInt(p.offset) : 0n), 0n);
  } finally {
    await admin.disconnect();
  }
}

function testConfig(keyspace: string): MeterstreamConfig {
  return loadConfig(
    {
      'kafka-brokers': bootstrap,
      'cassandra-contact-points': contactPoint,
      'cassandra-keyspace': keyspace,
      'schema-registry-url': 'none',
      'log-level': 'silent',
    },
    {},
  );
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cassandra-writer-test-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await startBroker({
    port: 0,
    dataDir: join(dataDir, 'kafka'),
    logger: testLogger('broker'),
  });
  cleanups.push(() => broker.close());
  const cql = await startCqlServer({ port: 0, dataDir: join(dataDir, 'cql') });
  cleanups.push(() => cql.close());
  bootstrap = `127.0.0.1:${broker.port}`;
  kafka = new Kafka({ brokers: [bootstrap], clientId: 'writer-test', logLevel: logLevel.NOTHING });
  contactPoint = `${cql.host}:${cql.port}`;
  client = new cassandra.Client({
    contactPoints: [contactPoint],
    localDataCenter: 'datacenter1',
  });
  await client.connect();
  cleanups.push(() => client.shutdown());
  config = testConfig('metrics');
  dao = new AggregateDao(client);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('cassandra writer (in process)', () => {
  it('writes every aggregate of the topic, sends bad records to the DLQ and commits after the writes', async () => {
    const topic = 'metrics-aggregates-60';
    await createTopic(topic);
    const good = makeAggregates(40);
    const badJson = { key: 'g0.ELECTRICITY.ACTIVE_POWER', value: Buffer.from('{"gateway": "g0", trunc') };
    const wrongWindow = toMessage({ ...good[0]!, windowStart: START, windowEnd: START + 600_000 });
    const wrongKey = { ...toMessage(good[1]!), key: 'g9.ELECTRICITY.VOLTAGE' };
    const messages = good.map(toMessage);
    messages.splice(100, 0, badJson);
    messages.splice(200, 0, wrongWindow);
    messages.splice(300, 0, wrongKey);
    await produce(topic, messages);

    const writer = await startCassandraWriter({
      config,
      logger: testLogger('test'),
      window: WINDOW,
      chunkSize: 100,
      metricsPort: 0,
    });
    cleanups.push(() => writer.stop());
    await waitFor(
      'all offsets committed',
      async () =>
        (await committedTotal('meterstream-cassandra-writer-60', topic)) === BigInt(messages.length)
          ? true
          : undefined,
      45_000,
    );
    expect(await storedRows(dao, 40)).toEqual(
      good.sort(
        (a, b) =>
          a.gateway.localeCompare(b.gateway) ||
          a.metricAttribute.localeCompare(b.metricAttribute) ||
          a.windowStart - b.windowStart,
      ),
    );
    expect(writer.stats.deadLettered).toBe(3);
    const exposition = await (await fetch(`http://127.0.0.1:${writer.metricsPort}/metrics`)).text();
    expect(exposition).toContain(
      `meterstream_cassandra_writer_records_written_total{topic="${topic}"} ${good.length}`,
    );
    expect(exposition).toContain(`meterstream_cassandra_writer_dead_letters_total{topic="${topic}"} 3`);

    // The DLQ holds the original bytes with the error in headers.
    const dlq = kafka.consumer({ groupId: 'dlq-reader' });
    await dlq.connect();
    // The pipeline's one dead-letter topic; the letters name the topic they were read from.
    await dlq.subscribe({ topic: 'metrics-dlq', fromBeginning: true });
    const dead: { value: string; headers: Record<string, string> }[] = [];
    await dlq.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        if (headers['error.topic'] === topic) dead.push({ value: message.value!.toString(), headers });
      },
    });
    await waitFor('3 DLQ records', async () => (dead.length >= 3 ? true : undefined), 45_000);
    await dlq.disconnect();
    expect(dead.map((d) => d.value).sort()).toEqual(
      [badJson.value.toString(), wrongWindow.value!.toString(), wrongKey.value!.toString()].sort(),
    );
    for (const d of dead) {
      expect(d.headers['error.class']).toBe('DeserializationError');
      expect(d.headers['error.topic']).toBe(topic);
      expect(d.headers['error.offset']).toMatch(/^\d+$/);
    }
    expect(dead.find((d) => d.value === badJson.value.toString())!.headers['error.message']).toContain(
      'invalid JSON',
    );
    expect(dead.map((d) => d.headers['error.reason']).sort()).toEqual([
      'bad-encoding',
      'invalid-aggregate',
      'invalid-aggregate',
    ]);
    expect(new Set(dead.map((d) => d.headers['error.application']))).toEqual(
      new Set([`meterstream-cassandra-writer-${WINDOW}`]),
    );
    await writer.stop();
  });

  it('reads transactional input read_committed and commits past the transaction markers', async () => {
    const topic = 'metrics-aggregates-txn-60';
    await createTopic(topic, 1);
    const producer = kafka.producer({
      transactionalId: 'writer-test-txn',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const rows = makeAggregates(6); // 60 aggregates, 6 per series
    const committedRows = rows.filter((a) => a.windowStart < START + 3 * 60_000);
    const abortedRows = rows.filter((a) => a.windowStart >= START + 3 * 60_000);
    let txn = await producer.transaction();
    await txn.send({ topic, messages: committedRows.map(toMessage) });
    await txn.commit();
    txn = await producer.transaction();
    await txn.send({ topic, messages: abortedRows.map(toMessage) });
    await txn.abort();
    await producer.disconnect();

    const groupId = 'txn-writers';
    const writer = await startCassandraWriter({
      config: testConfig('txn'),
      logger: testLogger('test'),
      window: WINDOW,
      topic,
      groupId,
    });
    cleanups.push(() => writer.stop());
    const admin = kafka.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    // The log ends with the abort marker: the committed offset must reach the end of the log.
    await waitFor(
      'offsets committed to the end of the log',
      async () => ((await committedTotal(groupId, topic)) === BigInt(end!.high) ? true : undefined),
      45_000,
    );
    const stored = await storedRows(new AggregateDao(client, { keyspace: 'txn' }), 6);
    expect(stored).toHaveLength(committedRows.length);
    expect(stored.every((a) => a.windowStart < START + 3 * 60_000)).toBe(true);
    await writer.stop();
  });

  it('commits past a fetch that held only an aborted transaction and its marker', async () => {
    const topic = 'metrics-aggregates-txn-late-60';
    await createTopic(topic, 1);
    const groupId = 'txn-late-writers';
    const writer = await startCassandraWriter({
      config: testConfig('txnlate'),
      logger: testLogger('test'),
      window: WINDOW,
      topic,
      groupId,
    });
    cleanups.push(() => writer.stop());
    const producer = kafka.producer({
      transactionalId: 'writer-test-txn-late',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const endOffset = async () => BigInt((await admin.fetchTopicOffsets(topic))[0]!.high);
    const rows = makeAggregates(2);
    let txn = await producer.transaction();
    await txn.send({ topic, messages: rows.slice(0, 10).map(toMessage) });
    await txn.commit();
    const afterCommit = await endOffset();
    await waitFor(
      'the committed transaction consumed',
      async () => ((await committedTotal(groupId, topic)) === afterCommit ? true : undefined),
      45_000,
    );
    // Seen by the running writer in a fetch of its own: nothing but aborted records and a marker,
    // which kafkajs never hands to eachBatch.
    txn = await producer.transaction();
    await txn.send({ topic, messages: rows.slice(10).map(toMessage) });
    await txn.abort();
    await producer.disconnect();
    const end = await endOffset();
    expect(end).toBeGreaterThan(afterCommit);
    await waitFor(
      'offsets committed to the end of the log',
      async () => ((await committedTotal(groupId, topic)) === end ? true : undefined),
      45_000,
    );
    await admin.disconnect();
    await writer.stop();
  });

  it('several instances of one group share the partitions', async () => {
    const topic = 'metrics-aggregates-shared-60';
    await createTopic(topic);
    const cfg = testConfig('shared');
    const logger = testLogger('test');
    const groupId = 'shared-writers';
    const a = await startCassandraWriter({
      config: cfg,
      logger,
      window: WINDOW,
      topic,
      groupId,
      chunkSize: 50,
    });
    cleanups.push(() => a.stop());
    const b = await startCassandraWriter({
      config: cfg,
      logger,
      window: WINDOW,
      topic,
      groupId,
      chunkSize: 50,
    });
    cleanups.push(() => b.stop());
    // Wait until the group settled with both members holding partitions, then produce.
    const admin = kafka.admin();
    await admin.connect();
    let lastGroupState = '';
    await waitFor(
      () => `two members with assignments (last: ${lastGroupState})`,
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        const members = groups[0]?.members ?? [];
        lastGroupState = `${groups[0]?.state} with ${members.length} members, assignments ${members.map((m) => m.memberAssignment.length)}`;
        return groups[0]?.state === 'Stable' &&
          members.length === 2 &&
          members.every((m) => m.memberAssignment.length > 0)
          ? true
          : undefined;
      },
      45_000,
    );
    await admin.disconnect();
    const good = makeAggregates(30);
    await produce(topic, good.map(toMessage));
    await waitFor(
      'all offsets committed',
      async () => ((await committedTotal(groupId, topic)) === BigInt(good.length) ? true : undefined),
      45_000,
    );
    expect(await storedRows(new AggregateDao(client, { keyspace: 'shared' }), 30)).toHaveLength(good.length);
    expect(a.stats.written).toBeGreaterThan(0);
    expect(b.stats.written).toBeGreaterThan(0);
    expect(a.stats.written + b.stats.written).toBeGreaterThanOrEqual(good.length);
    await a.stop();
    await b.stop();
  });
});

describe('cassandra writer (child process, SIGKILL)', () => {
  const entry = resolve(import.meta.dirname, '../dist/apps/cassandra-writer-main.js');

  function spawnWriter(topic: string, keyspace: string, batchArgs: string[]): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        entry,
        '--window',
        String(WINDOW),
        '--topic',
        topic,
        '--group',
        `crash-writers-${keyspace}`,
        ...batchArgs,
        '--chunk-size',
        '200',
        '--session-timeout',
        '6000',
        '--kafka-brokers',
        bootstrap,
        '--cassandra-contact-points',
        contactPoint,
        '--cassandra-keyspace',
        keyspace,
        '--schema-registry-url',
        'none',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(`writer child exited ${code}: ${stderr}\n`);
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    return child;
  }

  function killed(child: ChildProcess): Promise<void> {
    return new Promise((r) => {
      if (child.exitCode !== null || child.signalCode !== null) r();
      else child.once('exit', () => r());
    });
  }

  // One INSERT per row, and unlogged batches of any rows (what bench/ runs against the embedded server).
  const variants = [
    ['crash', []] as const,
    ['crashbatched', ['--batch-rows', '50', '--batch-grouping', 'any']] as const,
  ];
  it.each(variants)(
    'SIGKILLed mid-way and restarted: no row missing (keyspace %s, flags %j)',
    async (keyspace, flags) => {
      const topic = `metrics-aggregates-${keyspace}-60`;
      const batchArgs = [...flags];
      await createTopic(topic);
      const perSeries = 1000; // 10,000 aggregates over 4 partitions
      const all = makeAggregates(perSeries);
      await produce(topic, all.map(toMessage));

      const first = spawnWriter(topic, keyspace, batchArgs);
      // Kill once some chunks are committed but far from all.
      const committed = await waitFor(
        'a first commit',
        async () => {
          const total = await committedTotal(`crash-writers-${keyspace}`, topic);
          return total > 0n ? total : undefined;
        },
        60_000,
      );
      first.kill('SIGKILL');
      await killed(first);
      expect(committed).toBeLessThan(BigInt(all.length));

      const second = spawnWriter(topic, keyspace, batchArgs);
      await waitFor(
        'all offsets committed after the restart',
        async () =>
          (await committedTotal(`crash-writers-${keyspace}`, topic)) === BigInt(all.length)
            ? true
            : undefined,
        60_000,
      );
      second.kill('SIGTERM');
      await killed(second);
      expect(second.exitCode).toBe(0); // SIGTERM: graceful stop (finish the chunk, commit, leave the group)
      const rows = await storedRows(new AggregateDao(client, { keyspace }), perSeries);
      expect(rows.length).toBe(all.length);
      const key = (a: AggregateMetric) => `${formatMetricKey(a)}@${a.windowStart}`;
      const stored = new Map(rows.map((r) => [key(r), r]));
      for (const a of all) expect(stored.get(key(a))).toEqual(a);
    },
  );
});
