import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FLAGGED_QUALITY_MASK } from '@meterstream/common';
import { RAW_PREFIX } from '../layout.js';
import { SQL_WINDOWS, aggregatesSql, lakeDirRelation, sqlString } from './aggregate-sql.js';

/** Where DuckDB reads the lake: a local copy (lake-cache.ts) or the bucket itself through httpfs. */
export type LakeSource =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      /** e.g. http://127.0.0.1:9000 */
      endpoint: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

/** The marts (marts/refresh-marts.ts) the lake copy may hold, served as views of the same name. */
const MART_VIEWS = ['consumption_interval', 'billing_daily', 'grid_load_hourly'];

/** A statement's result: column names and types as DuckDB names them, rows of JS values. */
export interface SqlResult {
  columns: string[];
  types: string[];
  rows: unknown[][];
}

/** Raised for a statement DuckDB refuses; the message is DuckDB's, prefixed with the statement. */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  constructor(
    readonly statement: string,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

/**
 * An in-memory DuckDB with the lake's views:
 * - `metrics`: every reading as archived (gateway, metricType, metricAttribute, timestamp,
 *   value, kafkaPartition, kafkaOffset, date, quality, estimated), hive-partitioned by metricType
 *   and date, so predicates on those two columns skip whole files; quality and estimated are NULL
 *   for readings archived from the raw `metrics` topic (objects without those columns);
 * - `metrics_clean`: the readings archived from `metrics-clean` (the quality stage's output: the
 *   objects with quality columns), with `flagged` (ZERO_RUN or CONSTANT_RUN: a faulty meter);
 * - `aggregates_<w>` for each window of SQL_WINDOWS: the batch layer's recomputation of that window
 *   (aggregate-sql.ts), windowStart/windowEnd as TIMESTAMPTZ;
 * - `consumption_interval`, `billing_daily`, `grid_load_hourly`: the marts, once refreshed.
 * The session time zone is UTC, as the lake's dates.
 */
export class LakeDatabase {
  private constructor(
    private readonly instance: DuckDBInstance,
    /** The session, for callers that add their own tables and views (the marts' dimensions). */
    readonly connection: DuckDBConnection,
  ) {}

  static async open(source: LakeSource): Promise<LakeDatabase> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const database = new LakeDatabase(instance, connection);
    try {
      await connection.run(`SET TimeZone = 'UTC'`);
      const raw = await rawRelation(connection, source);
      await connection.run(`CREATE VIEW metrics AS SELECT * FROM ${raw}`);
      // A lake of raw readings only has no quality columns; the views and marts name them anyway.
      if (!(await hasColumn(connection, 'metrics', 'quality')))
        await connection.run(
          `CREATE OR REPLACE VIEW metrics AS SELECT *, NULL::INTEGER AS quality, NULL::BOOLEAN AS estimated FROM ${raw}`,
        );
      await connection.run(
        `CREATE VIEW metrics_clean AS SELECT gateway, metricType, metricAttribute, "timestamp", value,
           quality, estimated, (quality & ${FLAGGED_QUALITY_MASK}) <> 0 AS flagged, kafkaPartition, kafkaOffset, date
         FROM metrics WHERE quality IS NOT NULL`,
      );
      for (const window of SQL_WINDOWS) {
        await connection.run(
          `CREATE VIEW aggregates_${window} AS SELECT gateway, metricType, metricAttribute,
             make_timestamptz(windowStart * 1000) AS windowStart, make_timestamptz(windowEnd * 1000) AS windowEnd,
             sampleCount, sum, min, max, average
           FROM (${aggregatesSql('metrics', window)})`,
        );
      }
      if (source.kind === 'local') {
        for (const mart of MART_VIEWS) {
          const dir = join(source.dir, 'marts', mart);
          if (!hasParquet(dir)) continue; // before the first `meterstream marts`: no view, DuckDB says so
          await connection.run(
            `CREATE VIEW ${mart} AS SELECT * FROM read_parquet(${sqlString(`${dir}/*/*.parquet`)}, hive_partitioning = true)`,
          );
        }
      }
    } catch (error) {
      database.close();
      throw error;
    }
    return database;
  }

  /** Runs one statement; the last result of a statement list. */
  async query(statement: string): Promise<SqlResult> {
    let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
    try {
      reader = await this.connection.runAndReadAll(statement);
    } catch (error) {
      throw new SqlError(statement, error as Error);
    }
    const json = reader.getRowsJson();
    return {
      columns: reader.columnNames(),
      types: reader.columnTypes().map(String),
      rows: reader.getRowsJS().map((row, r) => row.map((value, c) => plainValue(value, json[r]![c]))),
    };
  }

  /** Writes a query's rows to a local Parquet file (zstd); returns how many rows it wrote. */
  async copyToParquet(query: string, path: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `COPY (${query}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

async function hasColumn(connection: DuckDBConnection, view: string, column: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM (DESCRIBE ${view}) WHERE column_name = ${sqlString(column)}`,
  );
  return Number(reader.getRows()[0]![0]) > 0;
}

/**
 * The raw relation of a source. A local copy with no Parquet file yet gets an empty relation of
 * the same columns: `read_parquet` of a glob matching nothing is an error, and an empty lake is a
 * state users meet (before the sink's first flush), not a failure.
 */
async function rawRelation(connection: DuckDBConnection, source: LakeSource): Promise<string> {
  if (source.kind === 's3') {
    await connection.run('LOAD httpfs');
    const url = new URL(source.endpoint);
    await connection.run(
      `CREATE SECRET lake (TYPE s3, KEY_ID ${sqlString(source.accessKeyId)}, SECRET ${sqlString(source.secretAccessKey)},
        REGION ${sqlString(source.region)}, ENDPOINT ${sqlString(url.host)}, USE_SSL ${url.protocol === 'https:'},
        URL_STYLE ${sqlString(source.forcePathStyle ? 'path' : 'vhost')})`,
    );
    return `read_parquet(${sqlString(`s3://${source.bucket}/${RAW_PREFIX}*/*/*.parquet`)}, hive_partitioning = true, union_by_name = true)`;
  }
  if (hasParquet(join(source.dir, RAW_PREFIX))) return lakeDirRelation(source.dir);
  return `(SELECT NULL::VARCHAR AS gateway, NULL::VARCHAR AS metricType, NULL::VARCHAR AS metricAttribute,
    NULL::TIMESTAMPTZ AS "timestamp", NULL::DOUBLE AS value, NULL::INTEGER AS kafkaPartition,
    NULL::BIGINT AS kafkaOffset, NULL::DATE AS date WHERE false)`;
}

/** Whether DuckDB can read S3 itself here: its httpfs extension is installed (or can be loaded). */
export async function duckDbReachesS3(): Promise<boolean> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('LOAD httpfs');
    return true;
  } catch {
    // Not installed, and installing needs the network: the caller falls back to the local copy.
    return false;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((name) => String(name).endsWith('.parquet'));
}

/**
 * A cell as plain JS: BIGINTs as numbers when exact (counts, offsets), other numbers, booleans and
 * strings as they are (NaN included, which JSON has no form for), and everything else — timestamps,
 * dates, decimals, lists, structs — in DuckDB's JSON form (`2006-12-16 00:00:00+00`, arrays, objects).
 */
function plainValue(value: unknown, json: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value === null || ['number', 'boolean', 'string'].includes(typeof value)) return value;
  return json;
}
