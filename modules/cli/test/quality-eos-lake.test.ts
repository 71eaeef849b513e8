import type { Metric } from '@meterstream/common';
import {
  type RunningS3Sink,
  lakeCoverage,
  listRawObjects,
  readRawObject,
  runS3Sink,
} from '@meterstream/datalake';
import {
  BUCKET,
  type TestKafka,
  type TestLake,
  publishMetrics,
  startTestKafka,
  startTestLake,
  testConfig,
  testLogger,
  waitFor,
} from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAggregator, startAggregator } from '../src/apps/aggregator.js';
import { type RunningQuality, startQuality } from '../src/apps/quality.js';

/**
 * The quality stage exactly-once (transactions on metrics-clean) in front of the S3 sink and an
 * aggregator: both must commit past the commit markers that end each partition, or the lake's
 * coverage — what the batch job caps its range by — and the groups' lag would stay short of the
 * topic's end for good.
 */
const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const APP = 'quality-eos-lake';
const AGGREGATOR = 'aggregator-on-clean';
const GATEWAYS = ['1', '2', '3', '4', '5', '6'];
const READINGS = 20;

let test: TestKafka;
let lake: TestLake;
let quality: RunningQuality | undefined;
let sink: RunningS3Sink | undefined;
let aggregator: RunningAggregator | undefined;

beforeAll(async () => {
  [test, lake] = await Promise.all([startTestKafka(), startTestLake()]);
  await test.admin.createTopics({
    waitForLeaders: true,
    topics: ['metrics', 'metrics-clean', 'metrics-quarantine', 'meter-alerts'].map((topic) => ({
      topic,
      numPartitions: 4,
    })),
  });
}, 60_000);

afterAll(async () => {
  await sink?.stop().catch(() => undefined);
  await aggregator?.close();
  await quality?.close();
  await lake?.close();
  await test?.close();
});

/** Whether `group` committed the end of every non-empty partition of `topic`. */
async function caughtUp(group: string, topic: string): Promise<boolean> {
  const [ends, [committed]] = await Promise.all([
    test.admin.fetchTopicOffsets(topic),
    test.admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
  return ends.every((end) => Number(end.high) === 0 || at.get(end.partition) === Number(end.high));
}

describe('quality stage under exactly_once_v2 → S3 sink → lake coverage', () => {
  it('archives every clean reading and commits past the transaction markers, so coverage reaches the end', async () => {
    const metrics: Metric[] = GATEWAYS.flatMap((gateway) =>
      Array.from({ length: READINGS }, (_, i) => ({
        gateway,
        metricType: 'ELECTRICITY' as const,
        metricAttribute: 'ACTIVE_POWER' as const,
        timestamp: T0 + i * MIN,
        value: 1 + ((i * 7 + Number(gateway)) % 5) / 10,
      })),
    );
    await publishMetrics(test, 'metrics', metrics);
    const config = testConfig({
      brokers: [test.broker.bootstrap],
      registryUrl: test.registry.url,
      s3: lake.settings,
    });
    quality = await startQuality({
      config,
      logger: testLogger('quality'),
      inputFormat: 'avro',
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100,
      applicationId: APP,
      instanceId: 'q1',
      sessionTimeoutMs: 6_000,
    });
    sink = await runS3Sink({
      config,
      logger: testLogger('sink-s3'),
      topic: 'metrics-clean',
      roll: { maxAgeMs: 300 },
      sessionTimeoutMs: 6_000,
      ageCheckIntervalMs: 100,
    });
    aggregator = await startAggregator({
      config,
      logger: testLogger('aggregator'),
      sourceTopic: 'metrics-clean',
      windowsSec: [60],
      graceSec: 300,
      inputFormat: 'avro',
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100,
      applicationId: AGGREGATOR,
      instanceId: 'a1',
      sessionTimeoutMs: 6_000,
    });
    await waitFor('the quality stage committed all of metrics', () => caughtUp(APP, 'metrics'), 90_000);
    // The streams runtime's group too reaches the end of the transactional topic.
    await waitFor(
      'the aggregator committed the end of metrics-clean',
      () => caughtUp(AGGREGATOR, 'metrics-clean'),
      90_000,
    );

    // What the batch job asks before it runs: how far the lake holds every record of metrics-clean.
    await waitFor(
      'the lake covers metrics-clean to its end',
      async () =>
        (await lakeCoverage(lake.s3, BUCKET, test.admin, 'metrics-clean')).coveredUntil ===
        Number.POSITIVE_INFINITY,
      90_000,
    );
    const coverage = await lakeCoverage(lake.s3, BUCKET, test.admin, 'metrics-clean');
    for (const p of coverage.partitions) expect(p.flushedOffset).toBe(p.endOffset);
    expect(await caughtUp('meterstream-sink-s3', 'metrics-clean')).toBe(true);

    // Every reading is in the lake once, and the topic held more offsets than readings: the commit
    // markers the sink had to pass.
    const archived = (
      await Promise.all(
        (
          await listRawObjects(lake.s3, BUCKET, ['2024-01-01'])
        ).map((o) => readRawObject(lake.s3, BUCKET, o.key)),
      )
    ).flat();
    expect(archived).toHaveLength(metrics.length);
    const seen = new Set(archived.map((a) => `${a.gateway}@${a.timestamp}`));
    expect(seen.size).toBe(metrics.length);
    const endTotal = coverage.partitions.reduce((n, p) => n + p.endOffset, 0);
    expect(endTotal).toBeGreaterThan(metrics.length);
  }, 180_000);
});
