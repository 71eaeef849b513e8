import type { S3Client } from '@aws-sdk/client-s3';
import type { Admin } from 'kafkajs';
import { readFlushProgress } from '../sink/flush-progress.js';

export interface PartitionCoverage {
  partition: number;
  /** The partition's end offset when asked. */
  endOffset: number;
  /**
   * The sink's flushed offset: the later of its flush progress and its group's committed offset
   * (it commits only what is in the lake), 0 when it has neither.
   */
  flushedOffset: number;
  /** Event time below which the lake holds every record of the partition (may be ±Infinity). */
  coveredUntil: number;
}

export interface LakeCoverage {
  /** Event time (epoch ms, exclusive) below which the lake provably holds every record so far. */
  coveredUntil: number;
  partitions: PartitionCoverage[];
}

/**
 * How far the lake is complete, from the S3 sink's flush progress (sink/flush-progress.ts) and
 * committed offsets (group `sinkGroup`) against the topic's end offsets, per partition:
 *
 * - everything up to the end offset flushed (including a partition that never received a record):
 *   the lake holds all of it, so the partition bounds nothing (+Infinity);
 * - otherwise records are still on their way: the partition covers event times below the latest
 *   one it flushed (records at that very instant may be among the unflushed ones), or nothing if
 *   it flushed none (-Infinity).
 *
 * The lake's coverage is the minimum over partitions. This assumes a partition's unflushed records
 * are not older than what it flushed — true of a replay or a live feed written in event-time
 * order; records published later with older event times are not foreseen by any mark (a batch run
 * then has to be repeated over their range). The end offsets are read when asked: records
 * produced after that are not promised either.
 */
export async function lakeCoverage(
  s3: S3Client,
  bucket: string,
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>,
  topic: string,
  sinkGroup = 'meterstream-sink-s3',
): Promise<LakeCoverage> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: sinkGroup, topics: [topic] }),
  ]);
  const partitions = await Promise.all(
    ends.map(async (end): Promise<PartitionCoverage> => {
      const progress = await readFlushProgress(s3, bucket, topic, end.partition);
      const endOffset = Number(end.high);
      // The committed offset covers a lake archived before the sink wrote flush progress, and an
      // idle sink that has nothing left to flush (and so writes no progress).
      const commit = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const flushedOffset = Math.max(progress?.nextOffset ?? 0, commit);
      let coveredUntil: number;
      if (flushedOffset >= endOffset) coveredUntil = Number.POSITIVE_INFINITY;
      else coveredUntil = progress?.maxEventTime ?? Number.NEGATIVE_INFINITY;
      return { partition: end.partition, endOffset, flushedOffset, coveredUntil };
    }),
  );
  partitions.sort((a, b) => a.partition - b.partition);
  const coveredUntil = Math.min(Number.POSITIVE_INFINITY, ...partitions.map((p) => p.coveredUntil));
  return { coveredUntil, partitions };
}
