import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { listPartitions } from './lake-log/partition-log.js';
import { type ArchivedMetric, decodeMetricsParquet } from './parquet/metric-parquet.js';

/** An object of a listing: its key, ETag (changes when the content does) and size. */
export interface ListedObject {
  key: string;
  etag: string;
  size: number;
  /** Epoch ms. */
  lastModified: number;
}

/** Every object under a prefix, following continuation tokens. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      objects.push({
        key: object.Key,
        etag: object.ETag ?? '',
        size: object.Size ?? 0,
        lastModified: object.LastModified?.getTime() ?? 0,
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Every key under a prefix. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  return (await listObjects(s3, bucket, prefix)).map((object) => object.key);
}

/** A visible data object of the lake: one the sink wrote, or a committed compaction's output. */
export interface RawObject {
  key: string;
  metricType: string;
  date: string;
}

/**
 * The visible raw objects of the given UTC dates — partition pruning: only the prefixes
 * `raw/metricType=<TYPE>/date=<d>/` of those dates (for every metric type of the model) and their
 * logs are listed, never the whole lake. The types come from the model rather than from a delimiter
 * listing of `raw/`, which costs nothing and saves a listing round trip. What is visible is what the
 * partition's log says (lake-log/partition-log.ts): objects a committed compaction replaced are
 * skipped. Keys that do not follow the layout go to `onForeignKey` and are skipped.
 */
export async function listRawObjects(
  s3: S3Client,
  bucket: string,
  dates: readonly string[],
  onForeignKey: (key: string) => void = () => undefined,
): Promise<RawObject[]> {
  const listing = await listPartitions(s3, bucket, dates);
  for (const key of listing.foreignKeys) onForeignKey(key);
  return listing.objects.map((object) => ({
    key: object.key,
    metricType: object.name.metricType,
    date: object.name.date,
  }));
}

export async function readObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToByteArray();
}

export async function readRawObject(s3: S3Client, bucket: string, key: string): Promise<ArchivedMetric[]> {
  return decodeMetricsParquet(await readObjectBytes(s3, bucket, key), key);
}

/** Maps over items with at most `concurrency` promises in flight, keeping the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
