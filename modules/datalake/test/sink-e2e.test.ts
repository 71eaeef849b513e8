import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createS3Client, readFlushProgress, runS3Sink } from '@meterstream/datalake';
import { startS3Server } from '@meterstream/s3-server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET,
  type TestLake,
  startTestLake,
  testConfig,
  type TestKafka,
  caughtUp,
  committedTotal,
  publishMetrics,
  startTestKafka,
  waitFor,
} from '@meterstream/test-support';
import { sampleMetrics } from './helpers/metrics.js';
import { metricText, readLake } from './helpers/lake-contents.js';

let lake: TestLake;
let kafka: TestKafka;
beforeAll(async () => {
  [lake, kafka] = await Promise.all([startTestLake(), startTestKafka()]);
});
afterAll(async () => {
  await kafka?.close();
  await lake?.close();
});

describe('S3 sink end to end (embedded broker, registry and S3)', () => {
  it('archives every published record exactly once and dead-letters the bad ones with error headers', async () => {
    const topic = 'metrics-e2e';
    await kafka.admin.createTopics({
      topics: [
        { topic, numPartitions: 4 },
        { topic: 'metrics-dlq', numPartitions: 1 },
      ],
    });
    // Two days so segments split across date prefixes; 3 gateways × 8 attributes × 600 steps.
    const metrics = sampleMetrics({
      gateways: 3,
      start: Date.UTC(2006, 11, 16, 20),
      steps: 600,
      stepMs: 240_000,
      seed: 11,
    });
    const { bad } = await publishMetrics(kafka, topic, metrics, 97);
    expect(bad).toBeGreaterThan(100);

    const config = testConfig({
      s3: lake.settings,
      brokers: [kafka.broker.bootstrap],
      registryUrl: kafka.registry.url,
    });
    const sink = await runS3Sink({
      config,
      topic,
      groupId: 'sink-e2e',
      roll: { maxRecords: 1_500, maxAgeMs: 300 },
    });
    try {
      await waitFor('the sink to commit every partition', () => caughtUp(kafka.admin, 'sink-e2e', topic));
    } finally {
      await sink.stop();
    }
    const stats = sink.stats();
    expect(stats.recordsArchived).toBe(metrics.length);
    expect(stats.deadLetters).toBe(bad);

    const objects = await readLake(lake.s3, BUCKET);
    const rows = objects.flatMap((object) => object.rows);
    // No duplicate: every (partition, offset) once. No loss: the same multiset of readings.
    expect(new Set(rows.map((r) => `${r.partition}:${r.offset}`)).size).toBe(rows.length);
    expect(rows.map(metricText).sort()).toEqual(metrics.map(metricText).sort());
    // Every record of a series sits in its key's partition, in offset order within each object.
    for (const object of objects) {
      for (let i = 1; i < object.rows.length; i++)
        expect(object.rows[i]!.offset).toBeGreaterThan(object.rows[i - 1]!.offset);
    }

    // The dead letters: original bytes, error headers naming topic/partition/offset.
    const consumer = kafka.kafka.consumer({ groupId: 'dlq-reader' });
    const letters: { value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'metrics-dlq', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        letters.push({ value: message.value!.toString(), headers });
      },
    });
    await waitFor('every dead letter', async () => letters.length >= bad);
    await consumer.disconnect();
    expect(letters.length).toBe(bad);
    for (const letter of letters) {
      expect(letter.value).toMatch(/^not avro \d+$/);
      expect(letter.headers['error.class']).toBe('DeserializationError');
      expect(letter.headers['error.reason']).toBe('bad-encoding');
      expect(letter.headers['error.part']).toBe('value');
      expect(letter.headers['error.application']).toBe('sink-e2e');
      expect(letter.headers['error.topic']).toBe(topic);
      expect(letter.headers['error.partition']).toMatch(/^[0-3]$/);
      expect(letter.headers['error.offset']).toMatch(/^\d+$/);
      expect(letter.headers['error.message']).toContain('Confluent wire format');
    }
    // Lake offsets ∪ dead-letter offsets = every offset of every partition, once.
    const ends = await kafka.admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const offsets = [
        ...rows.filter((r) => r.partition === end.partition).map((r) => r.offset),
        ...letters
          .filter((l) => l.headers['error.partition'] === String(end.partition))
          .map((l) => Number(l.headers['error.offset'])),
      ].sort((a, b) => a - b);
      expect(offsets).toEqual(Array.from({ length: Number(end.high) }, (_, i) => i));
      // The flush progress the batch job reads: the partition's end, its latest archived event time.
      const progress = await readFlushProgress(lake.s3, BUCKET, topic, end.partition);
      const archived = rows.filter((r) => r.partition === end.partition).map((r) => r.timestamp);
      expect(progress).toMatchObject({ nextOffset: Number(end.high), maxEventTime: Math.max(...archived) });
    }
  });

  it('survives an S3 outage mid-run: no loss, no duplicate once S3 is back', {
    timeout: 120_000,
  }, async () => {
    const topic = 'metrics-outage';
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const dir = mkdtempSync(join(tmpdir(), 'datalake-outage-'));
    let server = await startS3Server({ port: 0, dataDir: dir, bucket: BUCKET });
    const port = server.port;
    const settings = { ...lake.settings, endpoint: server.endpoint };
    const s3 = createS3Client(settings);
    const logged: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(chunk.toString());
          done();
        },
      }),
    );
    const before = sampleMetrics({
      gateways: 3,
      start: Date.UTC(2006, 11, 20),
      steps: 250,
      stepMs: 60_000,
      seed: 2,
    });
    const during = sampleMetrics({
      gateways: 3,
      start: Date.UTC(2006, 11, 21),
      steps: 250,
      stepMs: 60_000,
      seed: 3,
    });
    await publishMetrics(kafka, topic, before);
    const config = testConfig({
      s3: settings,
      brokers: [kafka.broker.bootstrap],
      registryUrl: kafka.registry.url,
    });
    const sink = await runS3Sink({
      config,
      topic,
      groupId: 'sink-outage',
      logger,
      roll: { maxRecords: 500, maxAgeMs: 200 },
    });
    try {
      await waitFor(
        'some segments',
        async () => (await committedTotal(kafka.admin, 'sink-outage', topic)) >= 1_000,
      );
      await server.close();
      await publishMetrics(kafka, topic, during);
      // Depending on timing the outage hits a flush (the segment is re-read) or the opening of a
      // segment (its marker cannot be read; the partition backs off): either must be survived.
      await waitFor('the sink to meet the outage', async () =>
        logged.some((line) => /segment flush failed|dependency unavailable/.test(line)),
      );
      const committedDuringOutage = await committedTotal(kafka.admin, 'sink-outage', topic);
      expect(committedDuringOutage).toBeLessThan(before.length + during.length);
      server = await startS3Server({ port, dataDir: dir, bucket: BUCKET });
      await waitFor(
        'the sink to catch up after the outage',
        () => caughtUp(kafka.admin, 'sink-outage', topic),
        90_000,
      );
      await sink.stop();
      const count = (pattern: RegExp) => logged.filter((line) => pattern.test(line)).length;
      console.info(
        `outage: ${count(/segment flush failed/)} failed flush(es), ${count(/dependency unavailable/)} back-off(s)`,
      );
      const rows = (await readLake(s3, BUCKET)).flatMap((object) => object.rows);
      expect(new Set(rows.map((r) => `${r.partition}:${r.offset}`)).size).toBe(rows.length);
      expect(rows.map(metricText).sort()).toEqual([...before, ...during].map(metricText).sort());
    } finally {
      await sink.stop();
      await server.close();
      s3.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
