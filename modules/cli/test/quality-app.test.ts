import {
  METRIC_AVRO_SCHEMA,
  type Metric,
  createSchemaRegistry,
  formatMetricKey,
  loadConfig,
  metricReadingSyncRegistryReader,
  metricSyncRegistryReader,
} from '@meterstream/common';
import type { CleanReading, MeterAlert, QuarantinedReading } from '@meterstream/quality';
import {
  type TestKafka,
  publishMetrics,
  startTestKafka,
  testLogger,
  waitFor,
} from '@meterstream/test-support';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_COUNTER, type RunningQuality, startQuality } from '../src/apps/quality.js';

const T0 = Date.UTC(2012, 3, 1);
const MIN = 60_000;
let test: TestKafka;
let app: RunningQuality | undefined;

beforeAll(async () => {
  test = await startTestKafka();
  await test.admin.createTopics({
    topics: ['metrics', 'metrics-clean', 'metrics-quarantine', 'meter-alerts'].map((topic) => ({
      topic,
      numPartitions: 4,
    })),
  });
});

afterAll(async () => {
  await app?.close();
  await test?.close();
});

/** Whether the app's group committed the end of every non-empty partition of `metrics`. */
async function inputCommitted(): Promise<boolean> {
  const [ends, committed] = await Promise.all([
    test.admin.fetchTopicOffsets('metrics'),
    test.admin.fetchOffsets({ groupId: 'quality-it', topics: ['metrics'] }),
  ]);
  const at = new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.every((end) => Number(end.high) === 0 || at.get(end.partition) === Number(end.high));
}

const json = (value: Buffer): unknown => JSON.parse(value.toString());

/**
 * Every record a read_committed consumer sees on `topic`, decoded (default: JSON), once the app has
 * committed all of its input: read up to each partition's end (the last offset of a partition
 * written in transactions is its commit marker), so a duplicate would be among them.
 */
async function readAll<T>(topic: string, decode: (value: Buffer) => unknown = json): Promise<T[]> {
  await waitFor('the app committed all its input', inputCommitted, 60_000);
  const ends = await test.admin.fetchTopicOffsets(topic);
  const consumer = test.kafka.consumer({ groupId: `read-${topic}`, readUncommitted: false });
  const values: T[] = [];
  const last = new Map<number, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      values.push((await decode(message.value!)) as T);
      last.set(partition, Number(message.offset));
    },
  });
  try {
    await waitFor(`${topic} read to its end`, () =>
      ends.every((end) => Number(end.high) === 0 || (last.get(end.partition) ?? -2) + 2 >= Number(end.high)),
    );
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('meterstream quality on the Kafka runtime (Avro through the Schema Registry, exactly-once)', () => {
  it('splits Avro metrics into metrics-clean, metrics-quarantine and meter-alerts, and counts rules on /metrics', async () => {
    const gw1 = { gateway: '1', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
    const gw2 = { gateway: '2', metricType: 'ELECTRICITY', metricAttribute: 'VOLTAGE' } as const;
    const metrics: Metric[] = [
      { ...gw1, timestamp: T0, value: 1.0 },
      { ...gw1, timestamp: T0 + MIN, value: 1500, unit: 'W' }, // → 1.5 kW
      { ...gw1, timestamp: T0 + 4 * MIN, value: 3.0 }, // 2 missing: filled
      { ...gw1, timestamp: T0 + 4 * MIN, value: 3.0 }, // duplicate
      { ...gw1, timestamp: T0 + 20 * MIN, value: 2.0 }, // 15 missing: long gap
      { ...gw1, timestamp: T0 + 21 * MIN, value: -1 }, // negative
      { ...gw1, timestamp: T0 + 22 * MIN, value: 2, unit: 'hp' }, // unknown unit
      { ...gw2, timestamp: T0, value: 231 },
      { ...gw2, timestamp: T0 + MIN, value: 205 }, // voltage out of range
    ];
    await publishMetrics(test, 'metrics', metrics);
    // NaN cannot be written through the pipeline's serde: framed by hand with the registered id.
    const id = await createSchemaRegistry(test.registry.url).getLatestSchemaId('metrics-value');
    const nan = Buffer.concat([
      Buffer.from([0, 0, 0, 0, 0]),
      avro.Type.forSchema(METRIC_AVRO_SCHEMA as avro.Schema).toBuffer({
        ...gw2,
        timestamp: new Date(T0 + 2 * MIN).toISOString(),
        value: Number.NaN,
        unit: null,
      }),
    ]);
    nan.writeInt32BE(id, 1);
    const producer = test.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics',
      acks: -1,
      messages: [{ key: formatMetricKey(gw2), value: nan }],
    });
    await producer.disconnect();

    app = await startQuality({
      config: loadConfig(
        { 'kafka-brokers': test.broker.bootstrap, 'schema-registry-url': test.registry.url },
        {},
      ),
      logger: testLogger('quality'),
      inputFormat: 'avro',
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100,
      applicationId: 'quality-it',
      instanceId: 'q1',
      sessionTimeoutMs: 6_000,
      metricsPort: 0,
    });

    // 1, 1.5, 2 estimates, 3, 2 (gw1); 231, 205 (gw2). metrics-clean is Avro through the Schema
    // Registry, as metrics is: read with the registry client, as any Confluent consumer would.
    const registry = createSchemaRegistry(test.registry.url);
    const raw: Buffer[] = [];
    const clean = await readAll<CleanReading>('metrics-clean', (value) => {
      raw.push(value);
      return registry.decode(value);
    });
    const quarantine = await readAll<QuarantinedReading>('metrics-quarantine');
    const alerts = await readAll<MeterAlert>('meter-alerts');
    expect(clean).toHaveLength(8);
    const power = clean.filter((c) => c.gateway === '1');
    expect(power.map((c) => [c.timestamp, c.value, c.estimated])).toEqual([
      ['2012-04-01T00:00:00Z', 1, false],
      ['2012-04-01T00:01:00Z', 1.5, false],
      ['2012-04-01T00:02:00Z', 2, true],
      ['2012-04-01T00:03:00Z', 2.5, true],
      ['2012-04-01T00:04:00Z', 3, false],
      ['2012-04-01T00:20:00Z', 2, false],
    ]);
    expect(clean.filter((c) => c.gateway === '2').map((c) => [c.value, c.quality])).toEqual([
      [231, 0],
      [205, 4],
    ]);
    // Registered as Metric evolved with optional quality and estimated (metric-clean.avsc).
    const latest = await registry.getLatestSchemaId('metrics-clean-value');
    const registered = (await (await fetch(`${test.registry.url}/schemas/ids/${latest}`)).json()) as {
      schema: string;
    };
    const schema = JSON.parse(registered.schema) as {
      name: string;
      namespace: string;
      fields: { name: string; default?: unknown }[];
    };
    expect(`${schema.namespace}.${schema.name}`).toBe('io.meterstream.Metric');
    expect(schema.fields.filter((f) => ['quality', 'estimated'].includes(f.name))).toEqual([
      expect.objectContaining({ name: 'quality', default: null }),
      expect.objectContaining({ name: 'estimated', default: null }),
    ]);
    // The pipeline's own readers: the aggregator's and S3 sink's projection returns the flags, the
    // full Metric reader skips them.
    const reading = metricReadingSyncRegistryReader(test.registry.url);
    const metric = metricSyncRegistryReader(test.registry.url);
    await Promise.all([reading.prefetch(raw), metric.prefetch(raw)]);
    const decoded = raw.map(
      (value) => reading.deserialize(value) as { value: number; quality?: number; estimated?: boolean },
    );
    expect(decoded.map((r) => [r.value, r.quality, r.estimated]).sort()).toEqual(
      clean.map((c) => [c.value, c.quality, c.estimated]).sort(),
    );
    expect(raw.map((value) => metric.deserialize(value).gateway).sort()).toEqual(
      clean.map((c) => c.gateway).sort(),
    );
    expect(quarantine.map((q) => q.rule).sort()).toEqual(['negative', 'non-finite', 'unit-unknown']);
    const nanRecord = quarantine.find((q) => q.rule === 'non-finite')!;
    expect(nanRecord.source).toMatchObject({ topic: 'metrics' });
    expect(nanRecord.reading.value).toBe('NaN');
    expect(alerts.map((a) => a.type).sort()).toEqual(['long-gap', 'unit-error']);

    const text = await (await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`)).text();
    const line = (rule: string, outcome: string) =>
      `${QUALITY_COUNTER.name}{application="quality-it",rule="${rule}",outcome="${outcome}"}`;
    expect(text).toContain(`${line('duplicate', 'dropped')} 1`);
    expect(text).toContain(`${line('gap-fill', 'estimated')} 2`);
    expect(text).toContain(`${line('negative', 'quarantined')} 1`);
    expect(text).toContain(`${line('long-gap', 'alert')} 1`);
  }, 120_000);
});
