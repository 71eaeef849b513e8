import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../lake-reader.js';
import { RAW_PREFIX } from '../layout.js';
import { readLogs, visibleObjects } from '../lake-log/partition-log.js';

export interface VacuumReport {
  deleted: string[];
  /** Hidden objects kept because they became hidden less than the retention ago. */
  retained: number;
}

/**
 * Deletes what no reader needs any more: objects a compaction replaced more than `retentionMs` ago
 * (a reader that listed the partition before that commit has had the retention period to finish),
 * and the output of compactions that never committed (a crash), once older than the retention —
 * younger ones may belong to a compaction still running.
 */
export async function vacuumLake(options: {
  s3: S3Client;
  bucket: string;
  retentionMs: number;
  now?: number;
}): Promise<VacuumReport> {
  const { s3, bucket } = options;
  const now = options.now ?? Date.now();
  const listed = await listObjects(s3, bucket, RAW_PREFIX);
  const logs = await readLogs(s3, bucket);
  const { hidden } = visibleObjects(listed, logs);
  const report: VacuumReport = { deleted: [], retained: 0 };
  for (const object of hidden) {
    // Hidden since its removal was committed; an uncommitted compaction's output, since written.
    const since = object.removedAt ?? object.lastModified;
    if (now - since < options.retentionMs) {
      report.retained++;
      continue;
    }
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.key }));
    report.deleted.push(object.key);
  }
  return report;
}
