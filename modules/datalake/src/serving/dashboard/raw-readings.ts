import type { S3Client } from '@aws-sdk/client-s3';
import type { MetricAttribute, MetricType } from '@meterstream/common';
import { listKeys, mapBounded, readRawObject } from '../../lake-reader.js';
import { datePrefix, datesInRange, parseRawObjectKey } from '../../layout.js';
import { InvalidParameterError } from '../../time-range.js';
import { parseServingQuery } from '../parse-query.js';

/** The data lake the raw readings are read from (the S3 sink's bucket). */
export interface LakeSource {
  s3: S3Client;
  bucket: string;
}

export interface ReadingsQuery {
  gateway: string;
  metricType: MetricType;
  attribute: MetricAttribute;
  from: number;
  to: number;
}

export interface RawReadings {
  /** Reading timestamps (epoch ms), oldest first, and their values. */
  t: number[];
  value: number[];
  /** Lake objects read for the range (every object of the type and the dates). */
  objects: number;
  /** More than MAX_READINGS readings in range: the first MAX_READINGS are returned. */
  truncated: boolean;
}

/** Raw readings come from whole Parquet objects of a type and date: ranges are kept short. */
export const MAX_READINGS_SPAN_MS = 86_400_000;
export const MAX_READINGS = 50_000;

/** `GET /readings`: the series and range as `/aggregates` takes them (no window), at most 24 h. */
export function parseReadingsQuery(raw: Record<string, unknown>): ReadingsQuery {
  const parsed = parseServingQuery({ ...raw, window: '60' });
  if (parsed.to - parsed.from > MAX_READINGS_SPAN_MS) {
    throw new InvalidParameterError('to', 'raw readings are served for ranges of at most 24 h (zoom in)');
  }
  return {
    gateway: parsed.gateway,
    metricType: parsed.metricType,
    attribute: parsed.attribute,
    from: parsed.from,
    to: parsed.to,
  };
}

/**
 * The raw readings of one series in [from, to) from the data lake: the objects of the series'
 * type for each UTC date in range (the batch job's partition pruning), read four at a time,
 * filtered to the series; a (partition, offset) archived twice is returned once. Cost is that of
 * whole objects (every gateway of the type for the day), hence the 24 h bound.
 */
export async function rawReadings(lake: LakeSource, query: ReadingsQuery): Promise<RawReadings> {
  const keys: string[] = [];
  for (const date of datesInRange(query.from, query.to)) {
    for (const key of await listKeys(lake.s3, lake.bucket, datePrefix(query.metricType, date))) {
      if (parseRawObjectKey(key)) keys.push(key);
    }
  }
  const seen = new Set<string>();
  const rows: { t: number; value: number; offset: number }[] = [];
  for (const objectRows of await mapBounded(keys, 4, (key) => readRawObject(lake.s3, lake.bucket, key))) {
    for (const m of objectRows) {
      if (m.gateway !== query.gateway || m.metricAttribute !== query.attribute) continue;
      if (m.timestamp < query.from || m.timestamp >= query.to) continue;
      const id = `${m.partition}:${m.offset}`;
      if (seen.has(id)) continue;
      seen.add(id);
      rows.push({ t: m.timestamp, value: m.value, offset: m.offset });
    }
  }
  rows.sort((a, b) => a.t - b.t || a.offset - b.offset);
  const kept = rows.slice(0, MAX_READINGS);
  return {
    t: kept.map((r) => r.t),
    value: kept.map((r) => r.value),
    objects: keys.length,
    truncated: rows.length > kept.length,
  };
}
