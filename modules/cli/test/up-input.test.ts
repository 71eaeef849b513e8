import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Metric, createSchemaRegistry, formatMetricKey, metricRegistrySerde } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, waitFor, waitForProcess } from './helpers/cli-process.js';

/**
 * `meterstream up --input clean` (the default): the quality stage runs beside the stack with the
 * rules of `--rules`, the exported environment points the pipeline at metrics-clean, and an
 * aggregator started with nothing but that environment aggregates the cleaned readings (a negative
 * power reading quarantined by the default rules, one above the file's bound by the file's).
 */
const dir = mkdtempSync(join(tmpdir(), 'ms-up-input-'));
const T0 = Date.UTC(2024, 0, 1, 12);
const SERIES = { gateway: '7', metricType: 'ELECTRICITY', metricAttribute: 'ACTIVE_POWER' } as const;
let up: CliProcess;
let aggregator: CliProcess | undefined;
let env: Record<string, string>;
let kafka: Kafka;

function freePorts(): string[] {
  return ['kafka', 'schema-registry', 'cassandra', 's3', 'ksql'].flatMap((n) => [`--${n}-port`, '0']);
}

function started(proc: CliProcess): boolean {
  if (proc.child.exitCode !== null)
    throw new Error(`up exited with ${proc.child.exitCode}: ${proc.output()}`);
  return proc.output().includes('Ctrl-C stops everything');
}

function exported(proc: CliProcess): Record<string, string> {
  return Object.fromEntries(
    [...proc.output().matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

beforeAll(async () => {
  const rules = join(dir, 'rules.yaml');
  // Only what differs from the defaults: active power above 1.8 kW is out of bounds here.
  writeFileSync(rules, 'series:\n  ELECTRICITY.ACTIVE_POWER:\n    max: 1.8\n');
  up = runCli(['up', ...freePorts(), '--no-redis', '--no-ksql', '--rules', rules], {
    METERSTREAM_DATA_DIR: join(dir, 'stack'),
  });
  await waitForProcess(up, '`up` to start', () => started(up), 150_000);
  env = exported(up);
  kafka = new Kafka({
    brokers: env.METERSTREAM_KAFKA_BROKERS!.split(','),
    clientId: 'up-input-test',
    logLevel: logLevel.NOTHING,
  });
}, 180_000);

afterAll(async () => {
  aggregator?.kill('SIGTERM');
  await aggregator?.exited;
  up?.kill('SIGTERM');
  await up?.exited;
  rmSync(dir, { recursive: true, force: true });
});

/** Every record of `topic` so far, read_committed, values decoded by `decode`. */
async function readTopic<T>(topic: string, decode: (value: Buffer) => Promise<T> | T): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}` });
  const values: T[] = [];
  const next = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        values.push(await decode(message.value!));
        next.set(partition, Number(message.offset) + 1);
      },
    });
    // The last offset of a transactionally written partition is a commit marker: one short is the end.
    await waitFor(
      `${topic} read to its end`,
      () => ends.every((e) => Number(e.high) === 0 || (next.get(e.partition) ?? 0) + 1 >= Number(e.high)),
      60_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describe('meterstream up --input', () => {
  it('clean (the default): starts the quality stage and exports metrics-clean as the pipeline input', () => {
    expect(env.METERSTREAM_METRICS_TOPIC).toBe('metrics-clean');
    expect(up.output()).toMatch(/Quality stage {4}metrics → metrics-clean \(pid \d+\)/);
  });

  it('says the stack is up only once the quality stage runs: its group has a member then', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups(['meterstream-quality']);
      expect(groups[0]).toMatchObject({ state: 'Stable' });
      expect(groups[0]!.members).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('--rules needs --input clean and an existing file (refused before anything starts)', async () => {
    const raw = runCli(['up', ...freePorts(), '--input', 'raw', '--rules', join(dir, 'rules.yaml')], {
      METERSTREAM_DATA_DIR: join(dir, 'refused'),
    });
    expect(await raw.exited).not.toBe(0);
    expect(raw.output()).toContain('--rules configures the quality stage, which only --input clean starts');
    const missing = runCli(['up', ...freePorts(), '--rules', join(dir, 'absent.yaml')], {
      METERSTREAM_DATA_DIR: join(dir, 'refused'),
    });
    expect(await missing.exited).not.toBe(0);
    expect(missing.output()).toContain(`--rules: no such file: ${join(dir, 'absent.yaml')}`);
  }, 60_000);

  it('an aggregator on that environment aggregates metrics-clean: the quarantined reading is not in its window', async () => {
    aggregator = runCli(['aggregate', '--window', '60', '--commit-interval-ms', '200'], {
      ...env,
      METERSTREAM_DATA_DIR: join(dir, 'aggregator'),
    });
    const serde = metricRegistrySerde({
      url: env.METERSTREAM_SCHEMA_REGISTRY_URL!,
      subject: 'metrics-value',
    });
    const readings: Metric[] = [
      { ...SERIES, timestamp: T0, value: 1 },
      { ...SERIES, timestamp: T0 + 20_000, value: -5 }, // negative power: quarantined by the quality stage
      { ...SERIES, timestamp: T0 + 40_000, value: 2 }, // above the rules file's 1.8: out of bounds
      { ...SERIES, timestamp: T0 + 600_000, value: 1.5 }, // stream time past the window's end + grace
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'metrics',
      acks: -1,
      messages: await Promise.all(
        readings.map(async (m) => ({ key: formatMetricKey(m), value: await serde.serialize(m) })),
      ),
    });
    await producer.disconnect();

    const window = new Date(T0).toISOString().replace('.000Z', 'Z');
    let aggregates: { windowStart: string; sampleCount: number; min: number; max: number }[] = [];
    await waitForProcess(
      aggregator,
      'the 1-minute aggregate of the series',
      async () => {
        aggregates = await readTopic('metrics-aggregates-60', (v) => JSON.parse(v.toString()));
        return aggregates.some((a) => a.windowStart === window);
      },
      120_000,
    );
    // From metrics-clean: only 1 (the raw topic would have given 3 readings, min −5, max 2).
    expect(aggregates.find((a) => a.windowStart === window)).toMatchObject({
      sampleCount: 1,
      min: 1,
      max: 1,
    });

    // metrics-clean is Avro in the Schema Registry (Metric with quality and estimated), read here
    // with the registry client; the negative reading is on metrics-quarantine instead.
    const registry = createSchemaRegistry(env.METERSTREAM_SCHEMA_REGISTRY_URL!);
    const clean = (await readTopic('metrics-clean', (v) => registry.decode(v))) as Record<string, unknown>[];
    expect(clean.map((c) => c.value).sort()).toEqual([1, 1.5]);
    for (const c of clean)
      expect(c).toMatchObject({ gateway: '7', quality: expect.any(Number), estimated: false });
    const quarantined = await readTopic('metrics-quarantine', (v) => JSON.parse(v.toString()));
    expect(quarantined.map((q: { rule: string }) => q.rule)).toEqual(['negative', 'out-of-bounds']);
  }, 180_000);
});

describe('meterstream up --input raw', () => {
  it('starts no quality stage and exports no input topic: everything reads metrics, as before', async () => {
    const raw = runCli(['up', ...freePorts(), '--no-redis', '--no-ksql', '--input', 'raw'], {
      METERSTREAM_DATA_DIR: join(dir, 'raw-stack'),
    });
    try {
      await waitForProcess(raw, '`up --input raw` to start', () => started(raw), 150_000);
      const rawEnv = exported(raw);
      expect(rawEnv.METERSTREAM_KAFKA_BROKERS).toBeDefined();
      expect(rawEnv.METERSTREAM_METRICS_TOPIC).toBeUndefined();
      expect(raw.output()).toContain(
        'Quality stage    not started (--input raw): the pipeline reads metrics',
      );
      // `up` created no topic: nothing ran `topics create` or the quality stage.
      const admin = new Kafka({
        brokers: rawEnv.METERSTREAM_KAFKA_BROKERS!.split(','),
        clientId: 'up-input-raw-test',
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      const topics = await admin.listTopics();
      await admin.disconnect();
      expect(topics.filter((t) => t.startsWith('metrics'))).toEqual([]);
    } finally {
      raw.kill('SIGTERM');
      await raw.exited;
    }
  }, 180_000);
});
