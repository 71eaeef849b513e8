import type { S3Client } from '@aws-sdk/client-s3';
import { RAW_PREFIX, parseLakeObjectKey } from '../layout.js';
import { listObjects } from '../lake-reader.js';
import { type CompactionReport, compactPartition } from './compact-partition.js';

/**
 * Compacts every (type, date) partition with `from <= date < before` (UTC dates, `yyyy-mm-dd`):
 * only closed days — the sink still writes into today's — and only those with more than one
 * visible object or any duplicate (compactPartition leaves a single compacted object alone).
 */
export async function compactLake(options: {
  s3: S3Client;
  bucket: string;
  before: string;
  from?: string;
  types?: readonly string[];
  targetBytes?: number;
}): Promise<CompactionReport[]> {
  const partitions = new Set<string>();
  for (const { key } of await listObjects(options.s3, options.bucket, RAW_PREFIX)) {
    const name = parseLakeObjectKey(key);
    if (!name || name.date >= options.before || (options.from && name.date < options.from)) continue;
    if (options.types && !options.types.includes(name.metricType)) continue;
    partitions.add(`${name.metricType}/${name.date}`);
  }
  const reports: CompactionReport[] = [];
  for (const partition of [...partitions].sort()) {
    const [metricType, date] = partition.split('/') as [string, string];
    reports.push(
      await compactPartition({
        s3: options.s3,
        bucket: options.bucket,
        metricType,
        date,
        targetBytes: options.targetBytes,
      }),
    );
  }
  return reports;
}
