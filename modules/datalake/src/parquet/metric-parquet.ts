import type { Metric, MetricAttribute, MetricType } from '@meterstream/common';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';

/** A metric as archived in the lake, with its Kafka coordinates (lineage, and the fold order). */
export interface ArchivedMetric extends Metric {
  partition: number;
  offset: number;
}

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
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
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
    schema: RAW_METRIC_SCHEMA.map((element) => ({ ...element })) as never,
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
  try {
    const metadata = parquetMetadata(file);
    await parquetRead({
      file,
      metadata,
      columns: [...RAW_COLUMNS],
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
    const [gateway, metricType, metricAttribute, timestamp, value, partition, offset] = table[i] as [
      string,
      MetricType,
      MetricAttribute,
      number,
      number,
      number,
      bigint,
    ];
    rows[i] = { gateway, metricType, metricAttribute, timestamp, value, partition, offset: Number(offset) };
  }
  return rows;
}
