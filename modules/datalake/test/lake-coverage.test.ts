import { lakeCoverage, mergeCoverage, writeFlushProgress } from '@meterstream/datalake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET,
  type TestLake,
  startTestLake,
  type TestKafka,
  startTestKafka,
} from '@meterstream/test-support';

let lake: TestLake;
let kafka: TestKafka;
beforeAll(async () => {
  [lake, kafka] = await Promise.all([startTestLake(), startTestKafka()]);
});
afterAll(async () => {
  await kafka?.close();
  await lake?.close();
});

describe('lakeCoverage: how far the lake provably holds every record', () => {
  it('is the minimum over partitions: flushed to the end bounds nothing, mid-way bounds at its latest event time, unflushed at -∞', async () => {
    const topic = 'coverage';
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const producer = kafka.kafka.producer();
    await producer.connect();
    // Partitions 0 and 1 get 5 records each, 2 gets 3, 3 stays empty.
    const send = (partition: number, count: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: count }, (_, i) => ({ partition, key: `k${i}`, value: 'v' })),
      });
    await send(0, 5);
    await send(1, 5);
    await send(2, 3);
    await producer.disconnect();
    const progress = (partition: number, nextOffset: number, maxEventTime: number | null) =>
      writeFlushProgress(lake.s3, BUCKET, { topic, partition, nextOffset, maxEventTime, updatedAt: 0 });
    const T = Date.UTC(2024, 0, 1, 12);

    // Partition 2 never flushed: nothing is provably in the lake.
    await progress(0, 5, T + 60_000);
    await progress(1, 3, T);
    expect((await lakeCoverage(lake.s3, BUCKET, kafka.admin, topic)).coveredUntil).toBe(
      Number.NEGATIVE_INFINITY,
    );
    // Partition 2 flushed to its end: partition 1 (mid-way, latest event time T) bounds the lake.
    await progress(2, 3, T - 3_600_000);
    const mid = await lakeCoverage(lake.s3, BUCKET, kafka.admin, topic);
    expect(mid.coveredUntil).toBe(T);
    expect(mid.partitions.map((p) => p.coveredUntil)).toEqual([
      Number.POSITIVE_INFINITY,
      T,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY, // empty and never flushed: holds nothing that is missing
    ]);
    // Everything flushed: the lake holds every record there is.
    await progress(1, 5, T + 120_000);
    expect((await lakeCoverage(lake.s3, BUCKET, kafka.admin, topic)).coveredUntil).toBe(
      Number.POSITIVE_INFINITY,
    );

    // The sink group's committed offsets count too: a lake archived before flush progress existed,
    // or an idle sink with nothing left to flush.
    const legacy = 'coverage-legacy';
    await kafka.admin.createTopics({ topics: [{ topic: legacy, numPartitions: 2 }] });
    const legacyProducer = kafka.kafka.producer();
    await legacyProducer.connect();
    await legacyProducer.send({ topic: legacy, messages: [{ partition: 0, key: 'k', value: 'v' }] });
    await legacyProducer.disconnect();
    const group = 'legacy-sink';
    expect((await lakeCoverage(lake.s3, BUCKET, kafka.admin, legacy, group)).coveredUntil).toBe(
      Number.NEGATIVE_INFINITY,
    );
    await kafka.admin.setOffsets({
      groupId: group,
      topic: legacy,
      partitions: [{ partition: 0, offset: '1' }],
    });
    expect((await lakeCoverage(lake.s3, BUCKET, kafka.admin, legacy, group)).coveredUntil).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('mergeCoverage', () => {
  it('widens over touching or overlapping runs, ignores empty ones, and never bridges a gap', () => {
    expect(mergeCoverage(null, { low: 10, high: 10 })).toBeNull();
    expect(mergeCoverage(null, { low: 10, high: 20 })).toEqual({ low: 10, high: 20 });
    expect(mergeCoverage({ low: 10, high: 20 }, { low: 20, high: 30 })).toEqual({ low: 10, high: 30 });
    expect(mergeCoverage({ low: 10, high: 20 }, { low: 0, high: 15 })).toEqual({ low: 0, high: 20 });
    expect(mergeCoverage({ low: 10, high: 20 }, { low: 12, high: 12 })).toEqual({ low: 10, high: 20 });
    expect(mergeCoverage({ low: 10, high: 20 }, { low: 25, high: 30 })).toEqual({ low: 25, high: 30 });
    expect(mergeCoverage({ low: 10, high: 20 }, { low: 0, high: 5 })).toEqual({ low: 10, high: 20 });
  });
});
