import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  type AggregateMetric,
  type MetricAttribute,
  type MetricType,
  gapFromField,
  qualityFields,
} from '@meterstream/common';
import type { DayRecompute } from '../batch/recompute.js';
import { mapBounded, readObjectBytes } from '../lake-reader.js';
import { aggregatesSql, filesRelation, recordCountsSql } from './aggregate-sql.js';

/**
 * The batch job's DuckDB engine for one date: downloads the date's objects into a temporary
 * directory (DuckDB cannot read our S3 without its httpfs extension) and computes the windows with
 * aggregatesSql — the same rule as the reference engine (batch/recompute.ts), checked equal on
 * every window by the tests.
 */
export async function recomputeWithDuckDb(options: {
  s3: S3Client;
  bucket: string;
  keys: readonly string[];
  window: number;
  range: { from: number; to: number };
  readConcurrency?: number;
}): Promise<DayRecompute> {
  if (options.keys.length === 0)
    return { aggregates: [], recordsRead: 0, recordsRefused: 0, repeatedRecords: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'meterstream-batch-'));
  try {
    const paths = await mapBounded(options.keys, options.readConcurrency ?? 4, async (key) => {
      const path = join(dir, key.replaceAll('/', '_'));
      writeFileSync(path, await readObjectBytes(options.s3, options.bucket, key));
      return path;
    });
    return await aggregateParquetFiles(paths, options.window, options.range);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** aggregatesSql and recordCountsSql over local Parquet files of the lake's raw format. */
export async function aggregateParquetFiles(
  paths: readonly string[],
  window: number,
  range: { from: number; to: number },
): Promise<DayRecompute> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const relation = filesRelation(paths);
    const counts = (await connection.runAndReadAll(recordCountsSql(relation))).getRowObjectsJS()[0]!;
    const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjectsJS();
    const withQuality = columns.some((c) => c.column_name === 'quality');
    const withGapFrom = columns.some((c) => c.column_name === 'gapFrom');
    const sql = aggregatesSql(relation, window, range, withQuality, withGapFrom);
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    const aggregates = rows.map(
      (row): AggregateMetric => ({
        gateway: row.gateway as string,
        metricType: row.metricType as MetricType,
        metricAttribute: row.metricAttribute as MetricAttribute,
        windowStart: Number(row.windowStart),
        windowEnd: Number(row.windowEnd),
        sampleCount: Number(row.sampleCount),
        sum: row.sum as number,
        min: row.min as number,
        // NULL: every reading of the window was flagged (no peak), -Infinity as in AggregateMetric.
        max: row.max === null ? Number.NEGATIVE_INFINITY : (row.max as number),
        average: row.average as number,
        ...qualityFields(Number(row.estimatedCount), Number(row.flaggedCount), row.incomplete === true),
        ...gapFromField(Number(row.windowStart), row.gapFrom === null ? undefined : Number(row.gapFrom)),
      }),
    );
    return {
      aggregates,
      recordsRead: Number(counts.recordsRead),
      recordsRefused: Number(counts.recordsRefused),
      repeatedRecords: Number(counts.repeatedRecords),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
