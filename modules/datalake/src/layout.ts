import type { MetricType } from '@meterstream/common';

/**
 * Object layout of the lake. Raw metrics are partitioned Hive-style by metric type and UTC event
 * date, so a job over a date range lists only the prefixes of those dates:
 *
 *   raw/metricType=<TYPE>/date=<yyyy-mm-dd>/part-<partition>-<firstOffset>-<lastOffset>.parquet
 *
 * Offsets are zero-padded to 20 digits (the width of a signed 64-bit offset) so that a plain
 * lexicographic listing returns one partition's objects in offset order.
 */
export const RAW_PREFIX = 'raw/';

const DAY_MS = 86_400_000;
const OFFSET_WIDTH = 20;

/** `yyyy-mm-dd` of an instant, in UTC. */
export function utcDate(epochMs: number): string {
  return new Date(Math.floor(epochMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export function datePrefix(metricType: MetricType | string, date: string): string {
  return `${RAW_PREFIX}metricType=${metricType}/date=${date}/`;
}

function padOffset(offset: number): string {
  return String(offset).padStart(OFFSET_WIDTH, '0');
}

export interface RawObjectName {
  metricType: string;
  date: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

export function rawObjectKey(name: RawObjectName): string {
  return `${datePrefix(name.metricType, name.date)}part-${name.partition}-${padOffset(name.firstOffset)}-${padOffset(name.lastOffset)}.parquet`;
}

const RAW_KEY = /^raw\/metricType=([A-Z_]+)\/date=(\d{4}-\d{2}-\d{2})\/part-(\d+)-(\d+)-(\d+)\.parquet$/;

/** Parses a raw object key, or returns null for anything else found under `raw/`. */
export function parseRawObjectKey(key: string): RawObjectName | null {
  const match = RAW_KEY.exec(key);
  if (!match) return null;
  return {
    metricType: match[1]!,
    date: match[2]!,
    partition: Number(match[3]),
    firstOffset: Number(match[4]),
    lastOffset: Number(match[5]),
  };
}

/**
 * A compaction's output (compaction/compact-partition.ts): the merged, deduplicated rows of one
 * (type, date) partition, visible only once the partition's log commits it (lake-log/).
 */
export function compactedObjectKey(metricType: string, date: string, version: number, index: number): string {
  return `${datePrefix(metricType, date)}compacted-${padOffset(version)}-${index}.parquet`;
}

const COMPACTED_KEY = /^raw\/metricType=([A-Z_]+)\/date=(\d{4}-\d{2}-\d{2})\/compacted-(\d+)-(\d+)\.parquet$/;

/** A data object of the lake: one the sink wrote (`part`) or one a compaction wrote (`compacted`). */
export type LakeObjectName =
  | ({ kind: 'part' } & RawObjectName)
  | { kind: 'compacted'; metricType: string; date: string; version: number; index: number };

export function parseLakeObjectKey(key: string): LakeObjectName | null {
  const part = parseRawObjectKey(key);
  if (part) return { kind: 'part', ...part };
  const match = COMPACTED_KEY.exec(key);
  if (!match) return null;
  return {
    kind: 'compacted',
    metricType: match[1]!,
    date: match[2]!,
    version: Number(match[3]),
    index: Number(match[4]),
  };
}

/** The transaction log of one (type, date) partition: `_log/metricType=<T>/date=<d>/<version>.json`. */
export const LOG_PREFIX = '_log/';

export function partitionLogPrefix(metricType: string, date: string): string {
  return `${LOG_PREFIX}metricType=${metricType}/date=${date}/`;
}

export function logEntryKey(metricType: string, date: string, version: number): string {
  return `${partitionLogPrefix(metricType, date)}${padOffset(version)}.json`;
}

const LOG_KEY = /^_log\/metricType=([A-Z_]+)\/date=(\d{4}-\d{2}-\d{2})\/(\d+)\.json$/;

export function parseLogEntryKey(key: string): { metricType: string; date: string; version: number } | null {
  const match = LOG_KEY.exec(key);
  return match ? { metricType: match[1]!, date: match[2]!, version: Number(match[3]) } : null;
}

/**
 * The sink's segment intents ("write-ahead markers", see sink/segment-marker.ts): one small JSON
 * object per segment that is being written, keyed by topic, partition and first offset.
 */
export function segmentMarkerKey(topic: string, partition: number, firstOffset: number): string {
  return `_sink/segments/${topic}/partition=${partition}/${padOffset(firstOffset)}.json`;
}

/** The sink's flush progress of one partition (sink/flush-progress.ts): overwritten after each flush. */
export function flushProgressKey(topic: string, partition: number): string {
  return `_sink/progress/${topic}/partition=${partition}.json`;
}

/** Every UTC date `d` with from <= d < to (both `yyyy-mm-dd`, or epoch ms at midnight). */
export function datesInRange(fromMs: number, toMs: number): string[] {
  const dates: string[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) dates.push(utcDate(day));
  return dates;
}
