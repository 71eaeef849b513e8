import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { METRIC_TYPES } from '@meterstream/common';
import { RAW_PREFIX, datePrefix, parseRawObjectKey } from '../layout.js';
import { type ListedObject, listObjects, mapBounded, readObjectBytes } from '../lake-reader.js';

/**
 * A local copy of the lake's raw Parquet objects, laid out as in the bucket
 * (`<dir>/raw/metricType=<T>/date=<d>/part-….parquet`) so DuckDB reads it with hive partitioning
 * and prunes files by `metricType` and `date` itself.
 *
 * Why a cache: DuckDB reaches S3 through its httpfs extension, which it downloads on first use —
 * impossible offline, and not shipped with the npm package. So `meterstream sql` fetches the
 * partitions a run asks for through our own S3 client. A sync is incremental: an object is
 * downloaded only when its key is new or its ETag changed (a compaction replaces objects), and
 * cached objects that left the bucket are removed, within the partitions synced.
 */
export interface LakeCacheOptions {
  s3: S3Client;
  bucket: string;
  /** The cache's root; each (endpoint, bucket) gets its own directory under it. */
  root: string;
  /** Identifies the S3 service (its endpoint URL), so two lakes never share a cache directory. */
  endpoint: string;
  /** UTC dates (yyyy-mm-dd) to sync; absent: every date the lake holds. */
  dates?: readonly string[];
  /** Metric types to sync; absent: every type. */
  types?: readonly string[];
  concurrency?: number;
}

export interface LakeCacheSync {
  /** The directory DuckDB reads: it holds `raw/…` and `marts/…`. */
  dir: string;
  /** Raw objects in the synced partitions. */
  objects: number;
  /** Those raw objects, with their ETags (what the marts' refresh fingerprints). */
  raw: ListedObject[];
  downloaded: number;
  bytesDownloaded: number;
  removed: number;
  /** Keys under raw/ that do not follow the layout (not cached). */
  foreignKeys: string[];
}

interface Manifest {
  bucket: string;
  endpoint: string;
  /** key → ETag of the cached copy. */
  objects: Record<string, string>;
}

const MANIFEST = 'manifest.json';
/** The marts' objects (marts/refresh-marts.ts): `marts/<mart>/date=<yyyy-mm-dd>/<file>.parquet`. */
export const MARTS_PREFIX = 'marts/';
const MART_KEY = /^marts\/[a-z_]+\/date=\d{4}-\d{2}-\d{2}\/[^/]+\.parquet$/;

/** The cache directory of one lake under `root`. */
export function lakeCacheDir(root: string, endpoint: string, bucket: string): string {
  const id = createHash('sha256').update(`${endpoint}\n${bucket}`).digest('hex').slice(0, 16);
  return join(root, `${bucket}-${id}`);
}

export async function syncLakeCache(options: LakeCacheOptions): Promise<LakeCacheSync> {
  const dir = lakeCacheDir(options.root, options.endpoint, options.bucket);
  mkdirSync(dir, { recursive: true });
  const manifest = readManifest(dir, options);
  const listed = await listPartitions(options).catch((error: Error) => {
    if (error.name !== 'NoSuchBucket') throw error;
    throw new Error(
      `bucket ${options.bucket} does not exist at ${options.endpoint}: set --s3-bucket or METERSTREAM_S3_BUCKET to the lake's bucket`,
      { cause: error },
    );
  });
  const foreignKeys: string[] = [];
  const raw = listed.filter((object) => {
    if (parseRawObjectKey(object.key)) return true;
    foreignKeys.push(object.key);
    return false;
  });
  const marts = (await listObjects(options.s3, options.bucket, MARTS_PREFIX)).filter((o) =>
    MART_KEY.test(o.key),
  );
  const wanted = [...raw, ...marts];
  const stale = wanted.filter((object) => manifest.objects[object.key] !== object.etag);
  let bytesDownloaded = 0;
  await mapBounded(stale, options.concurrency ?? 8, async (object) => {
    const bytes = await readObjectBytes(options.s3, options.bucket, object.key);
    writeAtomically(join(dir, object.key), bytes);
    bytesDownloaded += bytes.length;
    manifest.objects[object.key] = object.etag;
  });
  const present = new Set(wanted.map((object) => object.key));
  let removed = 0;
  for (const key of Object.keys(manifest.objects)) {
    if (present.has(key) || !inSyncedPartitions(key, options)) continue;
    rmSync(join(dir, key), { force: true });
    delete manifest.objects[key];
    removed++;
  }
  writeAtomically(join(dir, MANIFEST), Buffer.from(JSON.stringify(manifest)));
  return { dir, objects: raw.length, raw, downloaded: stale.length, bytesDownloaded, removed, foreignKeys };
}

function readManifest(dir: string, options: LakeCacheOptions): Manifest {
  const empty: Manifest = { bucket: options.bucket, endpoint: options.endpoint, objects: {} };
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw error;
  }
  const parsed = JSON.parse(text) as Manifest;
  // A manifest of another lake (cannot happen through lakeCacheDir, but a user may point --cache-dir
  // at one): start over rather than trust its ETags.
  if (parsed.bucket !== options.bucket || parsed.endpoint !== options.endpoint) {
    rmSync(join(dir, RAW_PREFIX), { recursive: true, force: true });
    return empty;
  }
  return parsed;
}

/** The objects of the partitions asked for: one listing per (type, date), or the whole of raw/. */
async function listPartitions(options: LakeCacheOptions): Promise<ListedObject[]> {
  const { s3, bucket } = options;
  if (!options.dates && !options.types) return listObjects(s3, bucket, RAW_PREFIX);
  const types = options.types ?? METRIC_TYPES;
  if (!options.dates) {
    const perType = await Promise.all(
      types.map((t) => listObjects(s3, bucket, `${RAW_PREFIX}metricType=${t}/`)),
    );
    return perType.flat();
  }
  const prefixes = types.flatMap((t) => options.dates!.map((d) => datePrefix(t, d)));
  return (await mapBounded(prefixes, 8, (prefix) => listObjects(s3, bucket, prefix))).flat();
}

function inSyncedPartitions(key: string, options: LakeCacheOptions): boolean {
  if (MART_KEY.test(key)) return true; // the marts are always listed whole: they are small
  const name = parseRawObjectKey(key);
  if (!name) return false;
  if (options.types && !options.types.includes(name.metricType)) return false;
  return !options.dates || options.dates.includes(name.date);
}

/** Written beside, then renamed: a crash never leaves a truncated Parquet file DuckDB would read. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}
