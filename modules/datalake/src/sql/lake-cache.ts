import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { RAW_PREFIX, parseLakeObjectKey } from '../layout.js';
import { type LakeListing, listPartitions, readLogs, visibleObjects } from '../lake-log/partition-log.js';
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
  /** Every object under marts/ as listed by the sync (the marts' partitions and their state). */
  marts: ListedObject[];
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
  const listed = await listSyncedPartitions(options).catch((error: Error) => {
    if (error.name !== 'NoSuchBucket') throw error;
    throw new Error(
      `bucket ${options.bucket} does not exist at ${options.endpoint}: set --s3-bucket or METERSTREAM_S3_BUCKET to the lake's bucket`,
      { cause: error },
    );
  });
  const { foreignKeys } = listed;
  const raw: ListedObject[] = listed.objects.map(({ name: _name, ...object }) => object);
  const martsListing = await listObjects(options.s3, options.bucket, MARTS_PREFIX);
  const wanted = [...raw, ...martsListing.filter((o) => MART_KEY.test(o.key))];
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
  return {
    dir,
    objects: raw.length,
    raw,
    marts: martsListing,
    downloaded: stale.length,
    bytesDownloaded,
    removed,
    foreignKeys,
  };
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

/**
 * The visible data objects of the partitions asked for (as their logs say, lake-log/): the whole
 * lake in one listing of raw/ and one of _log/, or one listing per (type, date).
 */
async function listSyncedPartitions(options: LakeCacheOptions): Promise<LakeListing> {
  const { s3, bucket } = options;
  if (options.dates) return listPartitions(s3, bucket, options.dates, options.types);
  const prefixes = options.types ? options.types.map((t) => `${RAW_PREFIX}metricType=${t}/`) : [RAW_PREFIX];
  const listed = (await Promise.all(prefixes.map((prefix) => listObjects(s3, bucket, prefix)))).flat();
  return visibleObjects(listed, await readLogs(s3, bucket));
}

function inSyncedPartitions(key: string, options: LakeCacheOptions): boolean {
  if (MART_KEY.test(key)) return true; // the marts are always listed whole: they are small
  const name = parseLakeObjectKey(key);
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
