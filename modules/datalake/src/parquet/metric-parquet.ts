import type { Metric, MetricAttribute, MetricType, ReadingQuality } from '@meterstream/common';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';

/** A metric as archived in the lake, with its Kafka coordinates (lineage, and the fold order). */
export interface ArchivedMetric extends Metric, ReadingQuality {
  partition: number;
  offset: number;
}

/**
 * The quality columns (issue #21), written only into objects of clean readings (`metrics-clean`):
 * an object of raw readings keeps the 7-column layout, and a reader meeting an object without them
 * (older, or raw) reads quality 0 and estimated false.
 */
export const QUALITY_COLUMNS_SCHEMA = [
  { name: 'quality', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'estimated', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
  // The last reading before a long gap, on the LONG_GAP reading only (NULL elsewhere); objects
  // written before it have no such column and read as no gap.
  {
    name: 'gapFrom',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    repetition_type: 'OPTIONAL',
  },
] as const;

/**
 * Column layout of every raw Parquet object. Strings are dictionary-encoded (few distinct
 * gateways/types/attributes per file); the timestamp is INT64 milliseconds annotated as a UTC
 * TIMESTAMP (logical type, plus the legacy TIMESTAMP_MILLIS converted type for older readers); the
 * Kafka partition and offset make every row traceable to its record, which is how tests prove "no
 * loss, no duplicate" and how the batch job folds a series in the speed layer's order.
 */
export const RAW_METRIC_SCHEMA = [
  { name: 'root', num_children: 7 },
  {
    name: 'gateway',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
    repetition_type: 'REQUIRED',
  },
  {
    name: 'metricType',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
    repetition_type: 'REQUIRED',
  },
  {
    name: 'metricAttribute',
    type: 'BYTE_ARRAY',
    converted_type: 'UTF8',
    logical_type: { type: 'STRING' },
    repetition_type: 'REQUIRED',
  },
  {
    name: 'timestamp',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    repetition_type: 'REQUIRED',
  },
  { name: 'value', type: 'DOUBLE', repetition_type: 'REQUIRED' },
  { name: 'kafkaPartition', type: 'INT32', repetition_type: 'REQUIRED' },
  { name: 'kafkaOffset', type: 'INT64', repetition_type: 'REQUIRED' },
] as const;

export const RAW_COLUMNS = RAW_METRIC_SCHEMA.slice(1).map((element) => element.name);

export interface ParquetEncodeOptions {
  /** Rows per row group (default 100 000). */
  rowGroupSize?: number;
}

function schemaOf(withQuality: boolean) {
  const [root, ...columns] = RAW_METRIC_SCHEMA.map((element) => ({ ...element }));
  if (!withQuality) return [root, ...columns];
  const extra = QUALITY_COLUMNS_SCHEMA.map((element) => ({ ...element }));
  return [{ ...root!, num_children: columns.length + extra.length }, ...columns, ...extra];
}

/** Encodes metrics (in the given order) as one Parquet file, SNAPPY-compressed. */
export function encodeMetricsParquet(
  rows: readonly ArchivedMetric[],
  options: ParquetEncodeOptions = {},
): Uint8Array {
  const n = rows.length;
  const gateway = new Array<string>(n);
  const metricType = new Array<string>(n);
  const metricAttribute = new Array<string>(n);
  // Epoch ms as numbers: the writer converts TIMESTAMP values to INT64 itself.
  const timestamp = new Float64Array(n);
  const value = new Float64Array(n);
  const partition = new Int32Array(n);
  const offset = new BigInt64Array(n);
  const withQuality = rows.some((row) => row.quality !== undefined || row.estimated !== undefined);
  const quality = withQuality ? new Int32Array(n) : null;
  const estimated = withQuality ? new Array<boolean>(n) : null;
  const gapFrom = withQuality ? new Array<number | null>(n) : null;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (quality && estimated && gapFrom) {
      quality[i] = row.quality ?? 0;
      estimated[i] = row.estimated ?? false;
      gapFrom[i] = row.gapFrom ?? null;
    }
    gateway[i] = row.gateway;
    metricType[i] = row.metricType;
    metricAttribute[i] = row.metricAttribute;
    timestamp[i] = row.timestamp;
    value[i] = row.value;
    partition[i] = row.partition;
    offset[i] = BigInt(row.offset);
  }
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema: schemaOf(withQuality) as never,
    codec: 'SNAPPY',
    rowGroupSize: options.rowGroupSize ?? 100_000,
    createdBy: 'meterstream datalake (hyparquet-writer)',
    columnData: [
      { name: 'gateway', data: gateway, encoding: 'RLE_DICTIONARY' },
      { name: 'metricType', data: metricType, encoding: 'RLE_DICTIONARY' },
      { name: 'metricAttribute', data: metricAttribute, encoding: 'RLE_DICTIONARY' },
      { name: 'timestamp', data: timestamp, encoding: 'DELTA_BINARY_PACKED' },
      { name: 'value', data: value },
      { name: 'kafkaPartition', data: partition },
      { name: 'kafkaOffset', data: offset, encoding: 'DELTA_BINARY_PACKED' },
      ...(quality && estimated && gapFrom
        ? [
            { name: 'quality', data: quality },
            { name: 'estimated', data: estimated },
            { name: 'gapFrom', data: gapFrom },
          ]
        : []),
    ],
  });
  return new Uint8Array(writer.getBuffer());
}

/** Thrown when an object in the lake is not a raw-metrics Parquet file we can read. */
export class ParquetReadError extends Error {
  override readonly name = 'ParquetReadError';
  constructor(
    readonly objectKey: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read Parquet object ${objectKey}: ${reason}`, options);
  }
}

/** Decodes a raw-metrics Parquet file (column by column: faster than row objects). */
export async function decodeMetricsParquet(
  bytes: Uint8Array,
  objectKey = '<buffer>',
): Promise<ArchivedMetric[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let table: unknown[][] = [];
  let withQuality = false;
  let withGapFrom = false;
  try {
    const metadata = parquetMetadata(file);
    withQuality = metadata.schema.some((element) => element.name === 'quality');
    withGapFrom = metadata.schema.some((element) => element.name === 'gapFrom');
    const qualityColumns = withGapFrom ? ['quality', 'estimated', 'gapFrom'] : ['quality', 'estimated'];
    await parquetRead({
      file,
      metadata,
      columns: withQuality ? [...RAW_COLUMNS, ...qualityColumns] : [...RAW_COLUMNS],
      parsers: { timestampFromMilliseconds: (ms: bigint) => Number(ms) },
      rowFormat: 'array',
      onComplete: (rows: unknown[][]) => {
        table = rows;
      },
    });
  } catch (cause) {
    throw new ParquetReadError(objectKey, (cause as Error).message, { cause });
  }
  const rows = new Array<ArchivedMetric>(table.length);
  for (let i = 0; i < table.length; i++) {
    const [
      gateway,
      metricType,
      metricAttribute,
      timestamp,
      value,
      partition,
      offset,
      quality,
      estimated,
      gapFrom,
    ] = table[i] as [
      string,
      MetricType,
      MetricAttribute,
      number,
      number,
      number,
      bigint,
      number?,
      boolean?,
      (number | null)?,
    ];
    rows[i] = withQuality
      ? {
          gateway,
          metricType,
          metricAttribute,
          timestamp,
          value,
          partition,
          offset: Number(offset),
          quality,
          estimated,
          ...(gapFrom !== undefined && gapFrom !== null && { gapFrom }),
        }
      : { gateway, metricType, metricAttribute, timestamp, value, partition, offset: Number(offset) };
  }
  return rows;
}
