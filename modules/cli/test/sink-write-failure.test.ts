import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '@meterstream/broker';
import {
  type AggregateMetric,
  type SinkAlert,
  aggregateJsonSerde,
  formatMetricKey,
  loadConfig,
} from '@meterstream/common';
import { type CqlServer, startCqlServer } from '@meterstream/cql-server';
import { AggregateDao } from '@meterstream/persistence';
import { testLogger, waitFor } from '@meterstream/test-support';
import cassandra from 'cassandra-driver';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCassandraWriter } from '../src/apps/cassandra-writer.js';

// The Cassandra writer's retries, dead letters and sink alerts against a real failing endpoint: the
// embedded CQL server is stopped under it and started again on the same port.

const WINDOW = 60;
const TOPIC = 'metrics-aggregates-60';
const GROUP = 'meterstream-cassandra-writer-60';
const START = Date.parse('2024-03-01T00:00:00Z');

type Stop = () => Promise<void>;
const cleanups: Stop[] = [];
let dataDir: string;
let bootstrap: string;
let kafka: Kafka;
let cql: CqlServer;
let cqlPort: number;

/** One aggregate per minute of gateway g1's ACTIVE_POWER, minutes [from, from + count). */
function aggregates(from: number, count: number): AggregateMetric[] {
  return Array.from({ length: count }, (_, i) => {
    const windowStart = START + (from + i) * 60_000;
    return {
      gateway: 'g1',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      windowStart,
      windowEnd: windowStart + 60_000,
      sampleCount: 60,
      sum: 60 * (from + i),
      min: from + i - 1,
      max: from + i + 1,
      average: from + i,
    } satisfies AggregateMetric;
  });
}

async function produce(list: AggregateMetric[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    acks: -1,
    messages: list.map((a) => ({ key: formatMetricKey(a), value: aggregateJsonSerde.serialize(a) })),
  });
  await producer.disconnect();
}

async function committed(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return Number(offsets!.partitions[0]!.offset);
  } finally {
    await admin.disconnect();
  }
}

/** Every record of `topic` so far (a fresh group reads it from the start until `enough`). */
async function readAll(
  topic: string,
  enough: (messages: KafkaMessage[]) => boolean,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await waitFor(`records on ${topic}`, async () => enough(messages), 30_000);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();

async function storedMinutes(dao: AggregateDao): Promise<number[]> {
  const rows = await dao.listAggregates({
    gateway: 'g1',
    metricType: 'ELECTRICITY',
    attribute: 'ACTIVE_POWER',
    window: WINDOW,
    from: START,
    to: START + 1000 * 60_000,
    order: 'asc',
  });
  return rows.map((row) => (row.windowStart - START) / 60_000);
}

async function startCql(port: number): Promise<CqlServer> {
  return startCqlServer({ port, dataDir: join(dataDir, 'cql'), logger: testLogger('cql') });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sink-write-failure-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await startBroker({
    port: 0,
    dataDir: join(dataDir, 'kafka'),
    logger: testLogger('broker'),
  });
  cleanups.push(() => broker.close());
  bootstrap = `127.0.0.1:${broker.port}`;
  kafka = new Kafka({ brokers: [bootstrap], clientId: 'sink-failure-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: TOPIC, numPartitions: 1 }] });
  await admin.disconnect();
  cql = await startCql(0);
  cqlPort = cql.port;
  cleanups.push(() => cql.close());
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('sink write failures (Cassandra writer, CQL server stopped and restarted)', () => {
  it('retries, dead-letters what still fails with the error in headers, alerts once, recovers', async () => {
    const config = loadConfig(
      {
        'kafka-brokers': bootstrap,
        'cassandra-contact-points': `127.0.0.1:${cqlPort}`,
        'schema-registry-url': 'none',
        'log-level': 'silent',
      },
      {},
    );
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${cqlPort}`],
      localDataCenter: 'datacenter1',
    });
    const writer = await startCassandraWriter({
      config,
      logger: testLogger('writer'),
      window: WINDOW,
      chunkSize: 10,
      metricsPort: 0,
      retry: { retries: 3, initialBackoffMs: 20, maxBackoffMs: 100, alertAfterFailures: 3 },
    });
    cleanups.push(() => writer.stop());
    const dao = new AggregateDao(client);

    // 1. Cassandra up: 20 aggregates written.
    await produce(aggregates(0, 20));
    await waitFor('the first 20 committed', async () => (await committed()) === 20);
    expect(await storedMinutes(dao)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await client.shutdown();

    // 2. Cassandra stopped: 50 aggregates (5 chunks) fail every attempt and are dead-lettered.
    await cql.close();
    const lost = aggregates(100, 50);
    await produce(lost);
    await waitFor('the failed chunks committed', async () => (await committed()) === 70);
    const dead = (await readAll('metrics-dlq', (m) => m.length >= 50)).filter(
      (m) => header(m, 'error.reason') === 'sink-write-failed',
    );
    expect(dead.map((m) => m.value!.toString())).toEqual(
      lost.map((a) => aggregateJsonSerde.serialize(a).toString()),
    );
    expect(dead.map((m) => header(m, 'error.offset'))).toEqual(
      Array.from({ length: 50 }, (_, i) => String(20 + i)),
    );
    for (const m of dead) {
      expect(header(m, 'error.topic')).toBe(TOPIC);
      expect(header(m, 'error.partition')).toBe('0');
      expect(header(m, 'error.application')).toBe(GROUP);
      expect(header(m, 'error.attempts')).toBe('4');
      expect(header(m, 'error.message')).toMatch(/host|connect|ECONNREFUSED/i);
    }
    expect(writer.stats.writeFailed).toBe(50);
    let alerts = await readAll('meter-alerts', (m) => m.length >= 1);
    const failing = alerts.map((m) => JSON.parse(m.value!.toString()) as SinkAlert);
    expect(failing).toHaveLength(1); // 5 failed chunks, one alert (at the 3rd)
    expect(failing[0]).toMatchObject({
      type: 'sink-failing',
      sink: GROUP,
      details: { consecutiveFailures: 3, topic: TOPIC, partition: 0 },
    });
    expect(alerts[0]!.key!.toString()).toBe(GROUP);

    // 3. Cassandra back on the same port: the driver reconnects on its own schedule, so records are
    // produced one at a time until one is written; each is then either in Cassandra or dead-lettered.
    cql = await startCql(cqlPort);
    const probeClient = new cassandra.Client({
      contactPoints: [`127.0.0.1:${cqlPort}`],
      localDataCenter: 'datacenter1',
    });
    cleanups.push(() => probeClient.shutdown());
    const probeDao = new AggregateDao(probeClient);
    let produced = 70;
    let minute = 200;
    await waitFor(
      'a write after the restart',
      async () => {
        await produce(aggregates(minute++, 1));
        produced++;
        await waitFor('the probe committed', async () => (await committed()) === produced, 30_000);
        return (await storedMinutes(probeDao)).some((m) => m >= 200);
      },
      60_000,
      0,
    );
    const afterRestart = (await storedMinutes(probeDao)).filter((m) => m >= 200);
    const deadAfterRestart = (await readAll('metrics-dlq', (m) => m.length >= 50)).filter(
      (m) => header(m, 'error.reason') === 'sink-write-failed' && Number(header(m, 'error.offset')) >= 70,
    );
    // Nothing lost: every probe is stored or dead-lettered, never both.
    expect(afterRestart.length + deadAfterRestart.length).toBe(minute - 200);
    expect(afterRestart).toContain(minute - 1);
    alerts = await readAll('meter-alerts', (m) => m.length >= 2);
    expect(alerts.map((m) => (JSON.parse(m.value!.toString()) as SinkAlert).type)).toEqual([
      'sink-failing',
      'sink-recovered',
    ]);
    // The rows written before the outage survived it (the server's data directory).
    expect((await storedMinutes(probeDao)).filter((m) => m < 100)).toHaveLength(20);

    const exposition = await (await fetch(`http://127.0.0.1:${writer.metricsPort}/metrics`)).text();
    expect(exposition).toContain(
      `meterstream_cassandra_writer_write_failures_total{topic="${TOPIC}"} ${50 + deadAfterRestart.length}`,
    );
    // 3 retries of each of the 5 chunks given up during the outage, more for the probes after it.
    const retries =
      /meterstream_cassandra_writer_write_retries_total\{topic="metrics-aggregates-60"\} (\d+)/.exec(
        exposition,
      );
    expect(Number(retries?.[1])).toBeGreaterThanOrEqual(15);
    expect(exposition).toContain('meterstream_cassandra_writer_alerts_total{type="sink-failing"} 1');
    expect(exposition).toContain('meterstream_cassandra_writer_alerts_total{type="sink-recovered"} 1');
    expect(exposition).toContain(
      `meterstream_dead_letters_total{application="${GROUP}",reason="sink-write-failed"} ${50 + deadAfterRestart.length}`,
    );
    await writer.stop();
  });
});
