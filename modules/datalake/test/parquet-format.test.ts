import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  type ArchivedMetric,
  datesInRange,
  decodeMetricsParquet,
  encodeMetricsParquet,
  parseRawObjectKey,
  rawObjectKey,
  utcDate,
} from '@meterstream/datalake';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleMetrics } from './helpers/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'datalake-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows: ArchivedMetric[] = sampleMetrics({
  gateways: 3,
  start: Date.UTC(2006, 11, 16, 17, 24),
  steps: 400,
  stepMs: 60_000,
}).map((metric, i) => ({ ...metric, partition: i % 4, offset: 10_000 + i }));

describe('raw metrics Parquet format', () => {
  it('round-trips through hyparquet with every value intact', async () => {
    const back = await decodeMetricsParquet(encodeMetricsParquet(rows));
    expect(back).toEqual(rows);
  });

  it('is read by an independent reader (DuckDB) with the same values, types, encodings and compression', async () => {
    const file = join(dir, 'sample.parquet');
    writeFileSync(file, encodeMetricsParquet(rows));
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const schema = (
        await connection.runAndReadAll(
          `SELECT name, type, converted_type, logical_type FROM parquet_schema('${file}')`,
        )
      ).getRowObjectsJson();
      const byName = Object.fromEntries(schema.map((row) => [row.name, row]));
      expect(byName.timestamp).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
      expect(String(byName.timestamp!.logical_type)).toContain('isAdjustedToUTC=1');
      expect(byName.value).toMatchObject({ type: 'DOUBLE' });
      expect(byName.gateway).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
      const chunks = (
        await connection.runAndReadAll(
          `SELECT path_in_schema, encodings, compression FROM parquet_metadata('${file}')`,
        )
      ).getRowObjectsJson();
      for (const chunk of chunks) expect(chunk.compression).toBe('SNAPPY');
      for (const column of ['gateway', 'metricType', 'metricAttribute']) {
        expect(chunks.find((c) => c.path_in_schema === column)?.encodings).toContain('RLE_DICTIONARY');
      }
      const read = (
        await connection.runAndReadAll(
          `SELECT gateway, metricType, metricAttribute, epoch_ms("timestamp") AS ts, value, kafkaPartition, kafkaOffset FROM '${file}' ORDER BY kafkaOffset`,
        )
      ).getRows();
      expect(read.length).toBe(rows.length);
      read.forEach((row, i) => {
        const expected = rows[i]!;
        expect([row[0], row[1], row[2], Number(row[3]), row[4], row[5], Number(row[6])]).toEqual([
          expected.gateway,
          expected.metricType,
          expected.metricAttribute,
          expected.timestamp,
          expected.value,
          expected.partition,
          expected.offset,
        ]);
      });
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
  });
});

describe('lake layout', () => {
  it('names objects by type, UTC event date, partition and zero-padded offsets, and parses them back', () => {
    const name = {
      metricType: 'ELECTRICITY',
      date: '2006-12-16',
      partition: 3,
      firstOffset: 120,
      lastOffset: 4567,
    };
    const key = rawObjectKey(name);
    expect(key).toBe(
      'raw/metricType=ELECTRICITY/date=2006-12-16/part-3-00000000000000000120-00000000000000004567.parquet',
    );
    expect(parseRawObjectKey(key)).toEqual(name);
    expect(parseRawObjectKey('raw/metricType=ELECTRICITY/date=2006-12-16/notes.txt')).toBeNull();
  });

  it('dates events in UTC and lists the dates of a half-open range', () => {
    expect(utcDate(Date.parse('2006-12-16T23:59:59.999Z'))).toBe('2006-12-16');
    expect(utcDate(Date.parse('2006-12-17T00:00:00Z'))).toBe('2006-12-17');
    expect(datesInRange(Date.parse('2006-12-30T00:00:00Z'), Date.parse('2007-01-02T00:00:00Z'))).toEqual([
      '2006-12-30',
      '2006-12-31',
      '2007-01-01',
    ]);
    expect(datesInRange(Date.parse('2006-12-16T12:00:00Z'), Date.parse('2006-12-17T01:00:00Z'))).toEqual([
      '2006-12-16',
      '2006-12-17',
    ]);
  });
});
