import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type RunningBroker,
  type SchemaRegistryServer,
  startBroker,
  startSchemaRegistry,
} from '@meterstream/broker';
import ksqldbClientModule from 'ksqldb-client';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningKsqlServer, startKsqlServerProcess } from '../src/stack/ksql-server-process.js';

// The package is CommonJS (module.exports is the class) while its typings declare a default export.
const KsqldbClient = ksqldbClientModule as unknown as typeof ksqldbClientModule.default;
type KsqldbClient = InstanceType<typeof KsqldbClient>;

const CLI_MAIN = resolve(import.meta.dirname, '../dist/main.js');
const BASE = Date.UTC(2024, 0, 1);
const METERS = ['m0', 'm1', 'm2', 'm3', 'm4'];
const HALF = 150;

/** Reading i: meter i mod 5, in minute i mod 3 (both halves touch every meter's every window). */
function reading(i: number) {
  return {
    meter: METERS[i % METERS.length] as string,
    kwh: (i * 37) % 11,
    timestamp: BASE + (i % 3) * 60_000 + (i % 50) * 1000,
  };
}

let dir: string;
let broker: RunningBroker;
let registry: SchemaRegistryServer;
let kafka: Kafka;
let server: RunningKsqlServer | undefined;
let serverLog = '';

function startServer(): Promise<RunningKsqlServer> {
  return startKsqlServerProcess({
    cliMain: CLI_MAIN,
    port: 0,
    env: {
      METERSTREAM_KAFKA_BROKERS: broker.bootstrap,
      METERSTREAM_SCHEMA_REGISTRY_URL: registry.url,
      METERSTREAM_DATA_DIR: join(dir, 'ksql-data'),
      METERSTREAM_LOG_LEVEL: 'warn',
    },
    args: [
      '--set',
      'ksql.streams.processing.guarantee=exactly_once_v2',
      '--set',
      'ksql.streams.commit.interval.ms=200',
      // The restarted queries' consumers wait for the killed members' sessions to expire before
      // their group rebalances (no static membership in kafkajs): 6 s, Kafka's minimum, not 30 s.
      '--set',
      'ksql.streams.session.timeout.ms=6000',
      '--set',
      'ksql.streams.heartbeat.interval.ms=1000',
    ],
    stderr: (chunk) => {
      serverLog += chunk;
    },
  });
}

async function withClient<T>(run: (client: KsqldbClient) => Promise<T>): Promise<T> {
  const client = new KsqldbClient({ host: '127.0.0.1', port: server!.port });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.disconnect();
  }
}

async function produce(from: number, to: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = from; i < to; i++) {
    const r = reading(i);
    messages.push({ key: r.meter, value: JSON.stringify({ KWH: r.kwh }), timestamp: String(r.timestamp) });
  }
  await producer.send({ topic: 'readings', acks: -1, messages });
  await producer.disconnect();
}

/** Every committed record of `topic` as `key:kwh`, read from the start until `count` arrived. */
async function readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `check-${topic}-${Date.now()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      // the value's number, not its text: ksqlDB writes a DOUBLE as Java does (6.0)
      seen.push(
        `${message.key?.toString()}:${(JSON.parse(message.value?.toString() ?? 'null') as { KWH: number }).KWH}`,
      );
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  // a little longer: duplicates would arrive after the expected count
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.disconnect();
  return seen.sort();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-ksql-restart-'));
  const logger = testLogger();
  broker = await startBroker({ port: 0, dataDir: join(dir, 'kafka'), logger });
  registry = await startSchemaRegistry({ port: 0, dataDir: join(dir, 'registry'), logger });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  server = await startServer();
});

afterAll(async () => {
  await server?.close();
  await registry?.close();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('meterstream ksql-server: durable queries across a SIGKILL', () => {
  it('brings streams, tables and queries back, outputs exactly once, and the pull query right', async () => {
    const statements = [
      "CREATE STREAM readings (meter STRING KEY, kwh DOUBLE) WITH (KAFKA_TOPIC='readings', PARTITIONS=2, VALUE_FORMAT='JSON');",
      'CREATE TABLE totals AS SELECT meter, COUNT(*) AS n, SUM(kwh) AS total FROM readings WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY meter EMIT CHANGES;',
      'CREATE STREAM big AS SELECT * FROM readings WHERE kwh > 5 EMIT CHANGES;',
      "CREATE STREAM copied (meter STRING KEY, kwh DOUBLE) WITH (KAFKA_TOPIC='copied', PARTITIONS=2, VALUE_FORMAT='JSON');",
      'INSERT INTO copied SELECT * FROM big EMIT CHANGES;',
    ];
    await withClient(async (client) => {
      for (const statement of statements) {
        const res = await client.executeStatement(statement);
        expect(res.status, `${statement}\n${JSON.stringify(res)}`).toBe(200);
      }
    });
    await produce(0, HALF);
    // mid-stream: the filter has written some output, then the server dies without a word
    await until('the first output', async () =>
      (await readTopic('BIG', 1, 100)).length > 0 ? true : undefined,
    );
    process.kill(server!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await produce(HALF, 2 * HALF);
    server = await startServer();

    const queries = await withClient((client) => client.listQueries());
    const ids = queries.map((q) => q.id).sort();
    expect(ids).toEqual(['CSAS_BIG_1', 'CTAS_TOTALS_0', 'INSERTQUERY_2']);
    for (const q of queries) expect(q.state, JSON.stringify(q)).toBe('RUNNING');

    // exactly the reference, each record once (exactly_once_v2 across the SIGKILL)
    const all = Array.from({ length: 2 * HALF }, (_, i) => reading(i));
    const bigRef = all
      .filter((r) => r.kwh > 5)
      .map((r) => `${r.meter}:${r.kwh}`)
      .sort();
    expect(await readTopic('BIG', bigRef.length)).toEqual(bigRef);
    expect(await readTopic('copied', bigRef.length)).toEqual(bigRef);

    // the pull query: meter m1's windows, counts and sums as computed here
    const expected = new Map<number, { n: number; total: number }>();
    for (const r of all.filter((x) => x.meter === 'm1')) {
      const start = Math.floor(r.timestamp / 60_000) * 60_000;
      const e = expected.get(start) ?? { n: 0, total: 0 };
      expected.set(start, { n: e.n + 1, total: e.total + r.kwh });
    }
    const want = [...expected.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, e]) => ({ meter: 'm1', start, n: e.n, total: e.total }));
    const rows = await until('the pull query to see every record', () =>
      withClient(async (client) => {
        const res = await client.query("SELECT * FROM totals WHERE meter = 'm1';");
        const got = ((res.data?.rows ?? []) as Record<string, unknown>[])
          .map((r) => ({ meter: r.METER, start: r.WINDOWSTART, n: r.N, total: r.TOTAL }))
          .sort((a, b) => Number(a.start) - Number(b.start));
        return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
      }),
    );
    expect(rows).toEqual(want);
  }, 180_000);
});
