import {
  type ArchivedMetric,
  RAW_PREFIX,
  listKeys,
  parseRawObjectKey,
  readRawObject,
} from '@meterstream/datalake';
import type { S3Client } from '@aws-sdk/client-s3';

/** Every row of every raw object in the lake, with the object it came from. */
export async function readLake(
  s3: S3Client,
  bucket: string,
): Promise<{ key: string; rows: ArchivedMetric[] }[]> {
  const keys = (await listKeys(s3, bucket, RAW_PREFIX)).filter((key) => parseRawObjectKey(key) !== null);
  return Promise.all(keys.map(async (key) => ({ key, rows: await readRawObject(s3, bucket, key) })));
}

export const metricText = (m: {
  gateway: string;
  metricType: string;
  metricAttribute: string;
  timestamp: number;
  value: number;
}) => `${m.gateway}.${m.metricType}.${m.metricAttribute}@${m.timestamp}=${m.value}`;
