import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AggregateMetric } from '@meterstream/common';
import {
  type ArchivedMetric,
  Segment,
  aggregateMetrics,
  dropRepeatedOffsets,
  encodeMetricsParquet,
  listKeys,
  rawObjectKey,
  sortByPartitionOffset,
  writeSegmentObjects,
} from '@meterstream/datalake';
import { sampleMetrics } from './metrics.js';

export const DAY = 86_400_000;
export const D16 = Date.UTC(2006, 11, 16);

export interface DayLake {
  /** Every row in the lake, as archived (valid ones and the ones the metric rule refuses). */
  archived: ArchivedMetric[];
  keys: string[];
  /** How many valid rows are in the lake twice. */
  repeated: number;
}

/**
 * One day (2006-12-16) of 1-minute readings of every series of 2 gateways over 3 partitions, as
 * the sink writes them; plus an object overlapping partition 0's (as a zombie sink would leave) and
 * a reading the metric rule refuses (NaN).
 */
export async function writeDayLake(s3: S3Client, bucket: string): Promise<DayLake> {
  const day = sampleMetrics({ gateways: 2, start: D16, steps: 1440, stepMs: 60_000, seed: 7 }).map(
    (m, i) => ({ ...m, partition: i % 3, offset: Math.floor(i / 3) }),
  );
  for (let partition = 0; partition < 3; partition++) {
    const rows = day.filter((m) => m.partition === partition);
    const segment = new Segment('metrics', partition, rows[0]!.offset, 0, null);
    for (const row of rows) segment.addMetric(row.offset, 30, row);
    await writeSegmentObjects({ s3, bucket }, segment);
  }
  const overlap = day.filter((m) => m.partition === 0 && m.metricType === 'ELECTRICITY').slice(100, 400);
  const refused: ArchivedMetric = { ...overlap[0]!, value: Number.NaN, offset: 1_000_000_000 };
  const extra = [...overlap, refused];
  const key = rawObjectKey({
    metricType: 'ELECTRICITY',
    date: '2006-12-16',
    partition: 0,
    firstOffset: overlap[0]!.offset,
    lastOffset: refused.offset,
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: encodeMetricsParquet(extra) }));
  return { archived: [...day, ...extra], keys: await listKeys(s3, bucket, 'raw/'), repeated: overlap.length };
}

/** The reference engine's rule over the archived rows, as run-batch-job applies it. */
export function referenceWindows(
  archived: readonly ArchivedMetric[],
  window: number,
  from: number,
  to: number,
): AggregateMetric[] {
  const valid = archived.filter((m) => Number.isFinite(m.value));
  return sortedAggregates(
    aggregateMetrics(dropRepeatedOffsets(sortByPartitionOffset([...valid])).metrics, window, { from, to }),
  );
}

export const sortedAggregates = (rows: readonly AggregateMetric[]) =>
  [...rows].sort(
    (a, b) =>
      `${a.gateway}${a.metricType}${a.metricAttribute}`.localeCompare(
        `${b.gateway}${b.metricType}${b.metricAttribute}`,
      ) || a.windowStart - b.windowStart,
  );
