import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { METRIC_TYPES } from '@meterstream/common';
import {
  LOG_PREFIX,
  type LakeObjectName,
  datePrefix,
  logEntryKey,
  parseLakeObjectKey,
  parseLogEntryKey,
  partitionLogPrefix,
} from '../layout.js';
import { type ListedObject, listObjects, mapBounded } from '../lake-reader.js';

/**
 * The lake's transaction log, one per (type, date) partition. The sink writes its objects straight
 * into the partition (exactly once by naming, see the README); a compaction replaces a set of
 * objects by merged ones, and must do so atomically for readers. It writes the merged objects
 * first — invisible, since a `compacted-…` object counts only once a log entry adds it — then
 * commits one entry `{version, added, removed}` with a conditional PUT (If-None-Match: *), so two
 * compactions of one partition cannot both claim a version. A reader lists the partition and its
 * log and sees: every sink object no committed entry removed, plus every compacted object a
 * committed entry added and no later one removed — the old set or the new set, never both and
 * never neither. Removed objects stay readable (a reader that listed before the commit still finds
 * them) until a vacuum after a retention period deletes them.
 */
export interface LogEntry {
  version: number;
  added: string[];
  removed: string[];
  committedAt: string;
}

/** A visible data object: its listing and parsed name. */
export interface LakeObject extends ListedObject {
  name: LakeObjectName;
}

/** An object present but not visible. */
export interface HiddenObject extends ListedObject {
  /** Epoch ms of the commit of the (last) log entry that removed it; absent for an uncommitted compaction's output. */
  removedAt?: number;
}

export interface LakeListing {
  objects: LakeObject[];
  /** Keys under raw/ that are neither sink nor compacted objects. */
  foreignKeys: string[];
  /** Objects present but not visible: replaced by a committed compaction, or an uncommitted one's output. */
  hidden: HiddenObject[];
  /** Per partition (`<type>/<date>`), its log entries in version order. */
  logs: Map<string, LogEntry[]>;
}

export class ConcurrentCommitError extends Error {
  override readonly name = 'ConcurrentCommitError';
}

const partitionId = (metricType: string, date: string) => `${metricType}/${date}`;

/** The log entries under a prefix of `_log/`, grouped by partition, in version order. */
export async function readLogs(
  s3: S3Client,
  bucket: string,
  prefix = LOG_PREFIX,
): Promise<Map<string, LogEntry[]>> {
  const keys = (await listObjects(s3, bucket, prefix)).filter((o) => parseLogEntryKey(o.key));
  const entries = await mapBounded(keys, 8, async ({ key }) => {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const entry = JSON.parse(await response.Body!.transformToString()) as LogEntry;
    const name = parseLogEntryKey(key)!;
    return { id: partitionId(name.metricType, name.date), entry };
  });
  const logs = new Map<string, LogEntry[]>();
  for (const { id, entry } of entries) logs.set(id, [...(logs.get(id) ?? []), entry]);
  for (const list of logs.values()) list.sort((a, b) => a.version - b.version);
  return logs;
}

/** Applies the logs to a listing of data objects (see the module comment). */
export function visibleObjects(listed: readonly ListedObject[], logs: Map<string, LogEntry[]>): LakeListing {
  /** key → when the entry that removed it was committed (the last one, in version order). */
  const removedAt = new Map<string, number>();
  const added = new Set<string>();
  for (const entries of logs.values()) {
    for (const entry of entries) {
      for (const key of entry.removed) removedAt.set(key, Date.parse(entry.committedAt));
      for (const key of entry.added) added.add(key);
    }
  }
  const listing: LakeListing = { objects: [], foreignKeys: [], hidden: [], logs };
  for (const object of listed) {
    const name = parseLakeObjectKey(object.key);
    if (!name) listing.foreignKeys.push(object.key);
    else if (removedAt.has(object.key))
      listing.hidden.push({ ...object, removedAt: removedAt.get(object.key) });
    else if (name.kind === 'compacted' && !added.has(object.key)) listing.hidden.push(object);
    else listing.objects.push({ ...object, name });
  }
  return listing;
}

/** The visible objects of one partition. */
export async function listPartition(
  s3: S3Client,
  bucket: string,
  metricType: string,
  date: string,
): Promise<LakeListing> {
  const [listed, logs] = await Promise.all([
    listObjects(s3, bucket, datePrefix(metricType, date)),
    readLogs(s3, bucket, partitionLogPrefix(metricType, date)),
  ]);
  return visibleObjects(listed, logs);
}

/**
 * The visible objects of the (type, date) partitions of `dates` × `types` (every metric type of
 * the model by default), one listing per partition, merged — partition pruning: never the whole lake.
 */
export async function listPartitions(
  s3: S3Client,
  bucket: string,
  dates: readonly string[],
  types: readonly string[] = METRIC_TYPES,
): Promise<LakeListing> {
  const partitions = dates.flatMap((date) => types.map((type) => ({ type, date })));
  const listings = await mapBounded(partitions, 8, ({ type, date }) => listPartition(s3, bucket, type, date));
  return {
    objects: listings.flatMap((l) => l.objects),
    foreignKeys: listings.flatMap((l) => l.foreignKeys),
    hidden: listings.flatMap((l) => l.hidden),
    logs: new Map(listings.flatMap((l) => [...l.logs])),
  };
}

/** Commits an entry as the partition's next version; ConcurrentCommitError if another took it. */
export async function commitLogEntry(
  s3: S3Client,
  bucket: string,
  metricType: string,
  date: string,
  entry: LogEntry,
): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: logEntryKey(metricType, date, entry.version),
        Body: JSON.stringify(entry),
        IfNoneMatch: '*',
      }),
    );
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 412 || status === 409)
      throw new ConcurrentCommitError(
        `version ${entry.version} of ${metricType}/${date}'s log was committed by another writer`,
        { cause: error },
      );
    throw error;
  }
}

/** The next free version of a partition's log. */
export function nextVersion(entries: readonly LogEntry[] | undefined): number {
  return (entries?.at(-1)?.version ?? 0) + 1;
}
