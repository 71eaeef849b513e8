import {
  type BatchControl,
  type ConsumerGroupSide,
  type DeadLetter,
  PartitionWriter,
  type PartitionWriterContext,
  type RollPolicy,
  S3SinkError,
  createMetricDecoder,
  readFlushProgress,
  readSegmentMarker,
  sinkMetrics,
  writeSegmentMarker,
} from '@meterstream/datalake';
import { type Metric, formatMetricKey, metricJsonSerde } from '@meterstream/common';
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, type TestLake, startTestLake, testLogger } from '@meterstream/test-support';
import { sampleMetrics } from './helpers/metrics.js';
import { metricText, readLake } from './helpers/lake-contents.js';

// The writer alone: a real S3 server (the lake), and a consumer-group side that records what the
// writer asks of Kafka, so each rule (roll, marker, dead letter, poison, rewind) is seen directly.

const TOPIC = 'metrics-writer';
let lake: TestLake;
beforeAll(async () => {
  lake = await startTestLake();
});
afterAll(async () => {
  await lake?.close();
});

interface GroupCalls {
  commits: number[];
  seeks: number[];
  deadLetters: DeadLetter[];
  /** Commits that fail (by call number, from 1) before the writer sees success. */
  failCommits: Set<number>;
}

function recordingGroup(calls: GroupCalls): ConsumerGroupSide {
  let commitCalls = 0;
  return {
    async commit(_partition, offset) {
      commitCalls++;
      if (calls.failCommits.has(commitCalls)) throw new Error(`commit ${commitCalls} refused`);
      calls.commits.push(offset);
    },
    async isCommitted(_partition, offset) {
      return calls.commits.some((committed) => committed >= offset);
    },
    async sendDeadLetters(_partition, letters) {
      calls.deadLetters.push(...letters);
    },
    seek(_partition, offset) {
      calls.seeks.push(offset);
    },
  };
}

function createWriter(
  partition: number,
  roll: Partial<RollPolicy>,
  clock: { now: number } = { now: Date.UTC(2026, 0, 1) },
): { writer: PartitionWriter; calls: GroupCalls; context: PartitionWriterContext } {
  const calls: GroupCalls = { commits: [], seeks: [], deadLetters: [], failCommits: new Set() };
  const context: PartitionWriterContext = {
    topic: TOPIC,
    groupId: 'writer-test',
    deadLetterTopic: 'metrics-dlq',
    policy: { maxRecords: 1_000, maxBytes: 1 << 30, maxAgeMs: 60_000, ...roll },
    s3: lake.s3,
    bucket: BUCKET,
    decoder: createMetricDecoder('json', null),
    logger: testLogger(),
    metrics: sinkMetrics(new Registry()),
    stats: { recordsArchived: 0, deadLetters: 0, objectsWritten: 0, segmentsWritten: 0, committed: {} },
    group: recordingGroup(calls),
    now: () => clock.now,
  };
  return { writer: new PartitionWriter(context, partition), calls, context };
}

function message(
  key: Buffer,
  value: Buffer,
  offset: number,
  headers: Record<string, string> = {},
): KafkaMessage {
  return { key, value, timestamp: '0', attributes: 0, offset: String(offset), headers };
}

function messages(metrics: Metric[], firstOffset: number): KafkaMessage[] {
  return metrics.map((metric, i) =>
    message(Buffer.from(formatMetricKey(metric)), metricJsonSerde.serialize(metric), firstOffset + i),
  );
}

/** Takes one batch under the writer's lock; returns the offset it reported as taken. */
async function take(writer: PartitionWriter, batch: KafkaMessage[]): Promise<string | undefined> {
  let taken: string | undefined;
  const control: BatchControl = {
    stale: () => false,
    heartbeat: async () => undefined,
    backOff: async (_offset, error) => {
      throw error;
    },
    taken: (offset) => {
      taken = offset;
    },
  };
  await writer.exclusive(() => writer.take(batch, control));
  return taken;
}

async function rowsOf(partition: number) {
  const objects = await readLake(lake.s3, BUCKET);
  return objects.flatMap((object) => object.rows).filter((row) => row.partition === partition);
}

const metrics = (count: number, seed: number) =>
  sampleMetrics({ gateways: 1, start: Date.UTC(2026, 0, 1), steps: 2, stepMs: 60_000, seed }).slice(0, count);

describe('PartitionWriter', () => {
  it('closes a segment at the size roll, writes its objects, then commits the offset after it', async () => {
    const { writer, calls, context } = createWriter(0, { maxRecords: 4 });
    const input = metrics(10, 1);
    expect(await take(writer, messages(input, 0))).toBe('9');
    await writer.exclusive(() => writer.finish());

    expect(calls.commits).toEqual([4, 8, 10]);
    expect(context.stats).toMatchObject({ recordsArchived: 10, segmentsWritten: 3, committed: { 0: 10 } });
    const rows = await rowsOf(0);
    expect(rows.map((row) => row.offset).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows.map(metricText).sort()).toEqual(input.map(metricText).sort());
    // Committed segments retire their markers; the progress names the next offset.
    for (const first of [0, 4, 8])
      expect(await readSegmentMarker(lake.s3, BUCKET, TOPIC, 0, first)).toBeNull();
    expect((await readFlushProgress(lake.s3, BUCKET, TOPIC, 0))?.nextOffset).toBe(10);
  });

  it('sends a refused record to the dead-letter side with its bytes and error headers, and commits past it', async () => {
    const { writer, calls, context } = createWriter(1, {});
    const batch = messages(metrics(3, 2), 0);
    batch[1] = message(batch[1]!.key!, Buffer.from('not json'), 1, { origin: 'test' });
    await take(writer, batch);
    await writer.exclusive(() => writer.finish());

    expect(calls.commits).toEqual([3]);
    expect(calls.deadLetters).toHaveLength(1);
    const [letter] = calls.deadLetters;
    expect(letter!.offset).toBe(1);
    expect(letter!.value).toEqual(Buffer.from('not json'));
    expect(letter!.headers.origin).toBe('test');
    expect(letter!.headers['error.application']).toBe('writer-test');
    expect(letter!.headers['error.offset']).toBe('1');
    expect(context.stats).toMatchObject({ recordsArchived: 2, deadLetters: 1 });
    expect((await rowsOf(1)).map((row) => row.offset).sort()).toEqual([0, 2]);
  });

  it("ends a segment where an earlier run's marker pins it, whatever the roll policy says", async () => {
    await writeSegmentMarker(lake.s3, BUCKET, {
      topic: TOPIC,
      partition: 2,
      firstOffset: 0,
      lastOffset: 2,
      recordCount: 3,
      objects: [],
    });
    const { writer, calls } = createWriter(2, { maxRecords: 100 });
    await take(writer, messages(metrics(6, 3), 0));
    await writer.exclusive(() => writer.finish());
    expect(calls.commits).toEqual([3, 6]);
  });

  it("rolls a segment by age on the writer's clock, and only once it is old enough", async () => {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const { writer, calls } = createWriter(3, { maxAgeMs: 500 }, clock);
    await take(writer, messages(metrics(2, 4), 0));
    await writer.exclusive(() => writer.rollIfAged());
    await writer.drain();
    expect(calls.commits).toEqual([]);
    expect(writer.bufferedRecords).toBe(2);

    clock.now += 500;
    await writer.exclusive(() => writer.rollIfAged());
    await writer.drain();
    expect(calls.commits).toEqual([2]);
    expect(writer.hasOpenSegment).toBe(false);
  });

  it('after a failed flush, seeks back to the lost segment and refuses later batches until it is re-delivered', async () => {
    const { writer, calls } = createWriter(4, { maxRecords: 2 });
    calls.failCommits.add(1);
    const input = messages(metrics(4, 5), 0);
    await take(writer, input.slice(0, 2));
    await expect(writer.drain()).rejects.toBeInstanceOf(S3SinkError);
    expect(calls.seeks).toEqual([0]);
    expect(calls.commits).toEqual([]);

    // A batch fetched before the seek took effect is not taken.
    expect(writer.admits(2)).toBe(false);
    // The re-delivery from the lost segment's first offset starts the partition over.
    expect(writer.admits(0)).toBe(true);
    await take(writer, input);
    await writer.exclusive(() => writer.finish());
    expect(calls.commits).toEqual([2, 4]);
    expect((await rowsOf(4)).map((row) => row.offset).sort()).toEqual([0, 1, 2, 3]);
  });

  it('commits past transaction markers: with the segment that ends right before them, or alone when none is open', async () => {
    const { writer, calls, context } = createWriter(6, {});
    // An exactly-once writer's partition: records 0..2, a commit marker at 3, records 4..5, one at 6.
    const input = metrics(5, 7);
    await take(writer, messages(input.slice(0, 3), 0));
    await writer.exclusive(async () => writer.passControlRecords(3, 4));
    await take(writer, messages(input.slice(3), 4));
    await writer.exclusive(async () => writer.passControlRecords(6, 7));
    await writer.exclusive(() => writer.finish());
    expect(calls.commits).toEqual([7]);
    expect((await readFlushProgress(lake.s3, BUCKET, TOPIC, 6))?.nextOffset).toBe(7);
    expect((await rowsOf(6)).map((row) => row.offset).sort()).toEqual([0, 1, 2, 4, 5]);

    // A later fetch of markers alone, nothing open: committed at once.
    await writer.exclusive(async () => writer.passControlRecords(7, 9));
    await writer.drain();
    expect(calls.commits).toEqual([7, 9]);
    expect(context.stats.committed[6]).toBe(9);
    // Markers that do not follow what the writer archived (records between it has not seen) are not.
    await writer.exclusive(async () => writer.passControlRecords(12, 13));
    await writer.drain();
    expect(calls.commits).toEqual([7, 9]);
  });

  it("re-reads the whole open segment when records are re-delivered from the segment's middle", async () => {
    const { writer, calls } = createWriter(5, {});
    const input = messages(metrics(5, 6), 0);
    expect(await take(writer, input)).toBe('4');
    expect(await take(writer, input.slice(2))).toBeUndefined();
    expect(calls.seeks).toEqual([0]);
    expect(writer.hasOpenSegment).toBe(false);

    await take(writer, input);
    await writer.exclusive(() => writer.finish());
    expect(calls.commits).toEqual([5]);
    expect((await rowsOf(5)).map((row) => row.offset).sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
