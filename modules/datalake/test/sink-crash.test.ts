import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readSegmentMarker, listKeys } from '@meterstream/datalake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET,
  type TestLake,
  startTestLake,
  type TestKafka,
  caughtUp,
  committedTotal,
  publishMetrics,
  startTestKafka,
  waitFor,
} from '@meterstream/test-support';
import { sampleMetrics } from './helpers/metrics.js';
import { metricText, readLake } from './helpers/lake-contents.js';

// The child runs the built sink (`npx tsc -b modules/datalake` first; the root test command does).
const MAIN = resolve(import.meta.dirname, '../dist/main.js');

let lake: TestLake;
let kafka: TestKafka;
const children: ChildProcess[] = [];
beforeAll(async () => {
  [lake, kafka] = await Promise.all([startTestLake(), startTestKafka()]);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await kafka?.close();
  await lake?.close();
});

function startSink(
  topic: string,
  roll: { maxRecords: number; maxAgeMs: number },
): { child: ChildProcess; stderr: () => string } {
  const args = [
    MAIN,
    'sink',
    's3',
    '--kafka-brokers',
    kafka.broker.bootstrap,
    '--schema-registry-url',
    kafka.registry.url,
    '--s3-endpoint',
    lake.server.endpoint,
    '--s3-bucket',
    BUCKET,
    '--topic',
    topic,
    '--group',
    'sink-crash',
    '--max-records',
    String(roll.maxRecords),
    '--max-age-ms',
    String(roll.maxAgeMs),
    '--session-timeout-ms',
    '3000',
    '--log-level',
    'info',
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) =>
    child.exitCode !== null ? done(child.exitCode) : child.once('exit', (code) => done(code)),
  );

describe('S3 sink crash safety', () => {
  it('after SIGKILL mid-way and a restart with another roll policy, the lake holds every record exactly once', {
    timeout: 120_000,
  }, async () => {
    const t0 = Date.now();
    const step = (what: string) => console.info(`[${Date.now() - t0} ms] ${what}`);
    const topic = 'metrics-crash';
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const metrics = sampleMetrics({
      gateways: 4,
      start: Date.UTC(2006, 11, 18, 12),
      steps: 700,
      stepMs: 120_000,
      seed: 5,
    });
    await publishMetrics(kafka, topic, metrics);
    step(`published ${metrics.length}`);

    // Run 1: small segments and an age roll that fires at arbitrary (wall-clock) points.
    const first = startSink(topic, { maxRecords: 700, maxAgeMs: 40 });
    await waitFor(
      'the first run to commit some segments',
      async () => (await committedTotal(kafka.admin, 'sink-crash', topic)) > metrics.length / 5,
    );
    // Kill while a segment is being written if we catch one (its marker exists), else right away.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await listKeys(lake.s3, BUCKET, '_sink/')).length === 0) {
      /* poll */
    }
    step('killing run 1');
    first.child.kill('SIGKILL');
    await exited(first.child);
    const committedAtKill = await committedTotal(kafka.admin, 'sink-crash', topic);
    expect(committedAtKill).toBeLessThan(metrics.length);

    // Markers left by the kill at a partition's committed offset must pin the restarted segment.
    const committed = await kafka.admin.fetchOffsets({ groupId: 'sink-crash', topics: [topic] });
    let pinnedExpected = 0;
    for (const { partition, offset } of committed[0]!.partitions) {
      if (Number(offset) >= 0 && (await readSegmentMarker(lake.s3, BUCKET, topic, partition, Number(offset))))
        pinnedExpected++;
    }

    // Run 2: different roll policy; only markers can make it rewrite the same objects.
    const second = startSink(topic, { maxRecords: 1_100, maxAgeMs: 1_500 });
    try {
      await waitFor(
        'the restarted sink to catch up',
        () => caughtUp(kafka.admin, 'sink-crash', topic),
        90_000,
      );
    } catch (error) {
      console.error(
        `run 1 stderr:\n${first.stderr().slice(-3000)}\nrun 2 stderr:\n${second.stderr().slice(-5000)}`,
      );
      throw error;
    }
    step('run 2 caught up');
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    const pinnedLogged = (second.stderr().match(/segment marker found/g) ?? []).length;
    expect(pinnedLogged).toBeGreaterThanOrEqual(pinnedExpected);

    const rows = (await readLake(lake.s3, BUCKET)).flatMap((object) => object.rows);
    expect(new Set(rows.map((r) => `${r.partition}:${r.offset}`)).size).toBe(rows.length);
    expect(rows.length).toBe(metrics.length);
    expect(rows.map(metricText).sort()).toEqual(metrics.map(metricText).sort());
    // Every segment marker is gone once its segment was committed (the flush progress stays).
    expect(await listKeys(lake.s3, BUCKET, '_sink/segments/')).toEqual([]);
    console.info(
      `crash test: ${committedAtKill}/${metrics.length} committed at SIGKILL, ${pinnedExpected} pinned segment(s) after restart`,
    );
  });
});
