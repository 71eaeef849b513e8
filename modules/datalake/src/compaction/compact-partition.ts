import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { compactedObjectKey } from '../layout.js';
import { commitLogEntry, listPartition, nextVersion } from '../lake-log/partition-log.js';
import { mapBounded, readRawObject } from '../lake-reader.js';
import { type ArchivedMetric, encodeMetricsParquet } from '../parquet/metric-parquet.js';

/** The steps of a compaction, in order; `onStep` is called after each (tests kill the process there). */
export type CompactionStep = 'listed' | 'read' | 'object-written' | 'committed';

export interface CompactPartitionOptions {
  s3: S3Client;
  bucket: string;
  metricType: string;
  date: string;
  /** Target size of a merged object; the rows are split into objects of about this size. Default 128 MiB. */
  targetBytes?: number;
  onStep?: (step: CompactionStep, detail: { key?: string }) => void | Promise<void>;
}

export interface CompactionReport {
  metricType: string;
  date: string;
  /** Null when the partition was left as it was (empty, or already one compacted object). */
  version: number | null;
  objectsBefore: number;
  objectsAfter: number;
  rowsBefore: number;
  rowsAfter: number;
  /** Readings dropped as duplicates: same series and timestamp. */
  duplicatesDropped: number;
}

/**
 * Compacts one closed (type, date) partition: reads its visible objects, drops duplicate readings
 * (same gateway, type, attribute and timestamp — the copy with the lowest partition and offset is
 * kept, so the lineage columns still name a record that exists), sorts by series and time, writes
 * objects of about `targetBytes`, and commits them in the partition's log in place of the objects
 * read (lake-log/partition-log.ts). Until the commit the new objects are invisible; after it the old
 * ones are, though they stay readable until a vacuum deletes them. A crash at any step leaves either
 * the old set visible (the new objects are orphans a vacuum deletes) or the new one.
 */
export async function compactPartition(options: CompactPartitionOptions): Promise<CompactionReport> {
  const { s3, bucket, metricType, date } = options;
  const step = async (name: CompactionStep, detail: { key?: string } = {}) => options.onStep?.(name, detail);
  const listing = await listPartition(s3, bucket, metricType, date);
  await step('listed');
  const report: CompactionReport = {
    metricType,
    date,
    version: null,
    objectsBefore: listing.objects.length,
    objectsAfter: listing.objects.length,
    rowsBefore: 0,
    rowsAfter: 0,
    duplicatesDropped: 0,
  };
  const alreadyCompact = listing.objects.length === 1 && listing.objects[0]!.name.kind === 'compacted';
  if (listing.objects.length === 0 || alreadyCompact) return report;

  const parts = await mapBounded(listing.objects, 4, (object) => readRawObject(s3, bucket, object.key));
  const rows = parts.flat();
  await step('read');
  const merged = dedupeAndSort(rows);
  report.rowsBefore = rows.length;
  report.rowsAfter = merged.length;
  report.duplicatesDropped = rows.length - merged.length;

  const version = nextVersion(listing.logs.get(`${metricType}/${date}`));
  const inputBytes = listing.objects.reduce((sum, o) => sum + o.size, 0);
  const bytesPerRow = Math.max(1, inputBytes / Math.max(1, rows.length));
  const rowsPerObject = Math.max(1, Math.floor((options.targetBytes ?? 128 * 2 ** 20) / bytesPerRow));
  const added: string[] = [];
  for (let start = 0, index = 0; start < merged.length; start += rowsPerObject, index++) {
    const key = compactedObjectKey(metricType, date, version, index);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: encodeMetricsParquet(merged.slice(start, start + rowsPerObject)),
      }),
    );
    added.push(key);
    await step('object-written', { key });
  }
  await commitLogEntry(s3, bucket, metricType, date, {
    version,
    added,
    removed: listing.objects.map((o) => o.key),
    committedAt: new Date().toISOString(),
  });
  await step('committed');
  report.version = version;
  report.objectsAfter = added.length;
  return report;
}

/** One reading per (series, timestamp), the earliest record's; ordered by series, then time. */
function dedupeAndSort(rows: ArchivedMetric[]): ArchivedMetric[] {
  const sorted = [...rows].sort(
    (a, b) =>
      compare(a.gateway, b.gateway) ||
      compare(a.metricType, b.metricType) ||
      compare(a.metricAttribute, b.metricAttribute) ||
      a.timestamp - b.timestamp ||
      a.partition - b.partition ||
      a.offset - b.offset,
  );
  return sorted.filter(
    (row, i) =>
      i === 0 ||
      row.timestamp !== sorted[i - 1]!.timestamp ||
      row.metricAttribute !== sorted[i - 1]!.metricAttribute ||
      row.metricType !== sorted[i - 1]!.metricType ||
      row.gateway !== sorted[i - 1]!.gateway,
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
