import {
  type AggregateMetric,
  type MetricAttribute,
  type MetricType,
  qualityFields,
} from '@meterstream/common';
import type { Client, types } from 'cassandra-driver';
import {
  type BucketUnit,
  bucketOf,
  bucketUnitFor,
  bucketsInRange,
  previousBucketInstant,
} from './buckets.js';
import { type BatchOptions, executeBounded } from './concurrent.js';
import { CassandraStatementError, InvalidQueryError } from './errors.js';
import { type TableFamily, aggregateTableName } from './schema.js';

export interface AggregateDaoOptions {
  /** Default `metrics`. */
  keyspace?: string;
  /** `metrics_aggregates` (speed layer, default) or `batch_aggregates` (batch layer). */
  family?: TableFamily;
  /** Per-window bucket overrides; must match what the rows were written with. */
  buckets?: Readonly<Record<number, BucketUnit>>;
  /** Writes in flight per `saveAll` call. Default 64. */
  concurrency?: number;
  /**
   * Rows per UNLOGGED BATCH in `saveAll` (default 1: one INSERT per row). `batchGrouping` says
   * which rows share a batch: `partition` (default) only rows of one partition, what a real
   * cluster handles best; `any` consecutive rows of any partition, the fewest requests, for a
   * single node such as the embedded CQL server (see `BatchOptions`).
   */
  batchRows?: number;
  batchGrouping?: 'partition' | 'any';
}

/** One series' query: windows whose start lies in [from, to), epoch milliseconds. */
export interface AggregateQuery {
  gateway: string;
  metricType: MetricType;
  attribute: MetricAttribute;
  /** Window length in seconds (60, 600, 3600, 86400). */
  window: number;
  from: number;
  to: number;
  /** Maximum rows over the whole range (all buckets). Default: no limit. */
  limit?: number;
  /** `desc` (newest first, the table's clustering order; default) or `asc`. */
  order?: 'asc' | 'desc';
  /** Rows per page fetched from Cassandra. Default 1000. */
  fetchSize?: number;
}

export interface LatestQuery {
  gateway: string;
  metricType: MetricType;
  attribute: MetricAttribute;
  window: number;
  /** Only windows starting before this instant. Default: now. */
  before?: number;
  /** How many buckets to walk back before giving up. Default: 62 day / 24 month buckets. */
  maxBuckets?: number;
}

const COLUMNS =
  'gateway, metric, attribute, windowStart, windowEnd, min, max, avg, sum, sampleCount, ' +
  'estimated_count, flagged_count, incomplete, gap_closed_in';

function epochMs(value: unknown): number {
  return value instanceof Date ? value.getTime() : Number(value);
}

/** A row back to the shared model (unquoted CQL identifiers come back lower-cased). */
export function rowToAggregate(row: types.Row): AggregateMetric {
  return {
    gateway: row.gateway as string,
    metricType: row.metric as MetricType,
    metricAttribute: row.attribute as MetricAttribute,
    windowStart: epochMs(row.windowstart),
    windowEnd: epochMs(row.windowend),
    min: row.min as number,
    // null: every reading of the window was flagged (no peak), -Infinity as in AggregateMetric.
    max: row.max === null ? Number.NEGATIVE_INFINITY : (row.max as number),
    average: row.avg as number,
    sum: row.sum as number,
    sampleCount: Number(row.samplecount),
    // Rows written before the quality columns have nulls there: 0 / false.
    ...qualityFields(
      Number(row.estimated_count ?? 0),
      Number(row.flagged_count ?? 0),
      row.incomplete === true,
    ),
    ...(row.gap_closed_in !== null &&
      row.gap_closed_in !== undefined && { gapClosedIn: epochMs(row.gap_closed_in) }),
  };
}

/**
 * A row holding only the `gap_closed_in` mark: the aggregate of the window the gap began in was not
 * (yet) written — e.g. the batch job recomputed the day the gap ended in first. Readers skip it.
 */
function isMarkOnly(row: types.Row): boolean {
  return row.samplecount === null || row.samplecount === undefined;
}

/**
 * Reads and writes one family of aggregate tables (`<family>_<window>`). Writes are prepared,
 * idempotent upserts (a re-delivered aggregate overwrites its own row); reads walk the buckets of a
 * range in order and page lazily.
 */
export class AggregateDao {
  readonly keyspace: string;
  readonly family: TableFamily;
  private readonly buckets: Readonly<Record<number, BucketUnit>> | undefined;
  private readonly concurrency: number;
  private readonly batch: BatchOptions;

  constructor(
    private readonly client: Client,
    options: AggregateDaoOptions = {},
  ) {
    this.keyspace = options.keyspace ?? 'metrics';
    this.family = options.family ?? 'metrics_aggregates';
    this.buckets = options.buckets;
    this.concurrency = options.concurrency ?? 64;
    this.batch = {
      rows: options.batchRows ?? 1,
      // The partition key is the first four bound values (gateway, metric, attribute, bucket).
      groupBy:
        (options.batchGrouping ?? 'partition') === 'partition'
          ? (p) => `${p[0]}\0${p[1]}\0${p[2]}\0${p[3]}`
          : undefined,
    };
  }

  /** `<keyspace>.<family>_<window>`. */
  table(window: number): string {
    if (!Number.isInteger(window) || window <= 0) throw new InvalidQueryError(`invalid window ${window}`);
    return `${this.keyspace}.${aggregateTableName(this.family, window)}`;
  }

  bucketUnit(window: number): BucketUnit {
    return bucketUnitFor(window, this.buckets);
  }

  insertCql(window: number): string {
    return (
      `INSERT INTO ${this.table(window)} (gateway, metric, attribute, bucket, windowStart, windowEnd, ` +
      'min, max, avg, sum, sampleCount, estimated_count, flagged_count, incomplete) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    );
  }

  /** Bound values of the insert statement for one aggregate. */
  insertParams(window: number, a: AggregateMetric): unknown[] {
    return [
      a.gateway,
      a.metricType,
      a.metricAttribute,
      bucketOf(this.bucketUnit(window), a.windowStart),
      new Date(a.windowStart),
      new Date(a.windowEnd),
      a.min,
      Number.isFinite(a.max) ? a.max : null,
      a.average,
      a.sum,
      a.sampleCount,
      a.estimatedCount ?? 0,
      a.flaggedCount ?? 0,
      a.incomplete ?? false,
    ];
  }

  gapClosedInCql(window: number): string {
    return (
      `UPDATE ${this.table(window)} SET gap_closed_in = ? ` +
      'WHERE gateway = ? AND metric = ? AND attribute = ? AND bucket = ? AND windowStart = ?'
    );
  }

  /**
   * The mark on the earlier window a long gap ending in `a`'s window began in — `a`'s window start,
   * then that window's key — or undefined.
   */
  gapClosedInParams(window: number, a: AggregateMetric): unknown[] | undefined {
    if (a.gapFrom === undefined || a.gapFrom >= a.windowStart) return undefined;
    const size = window * 1000;
    const start = Math.floor(a.gapFrom / size) * size;
    return [
      new Date(a.windowStart),
      a.gateway,
      a.metricType,
      a.metricAttribute,
      bucketOf(this.bucketUnit(window), start),
      new Date(start),
    ];
  }

  /**
   * Upserts aggregates of one window with bounded concurrency; resolves when all are acknowledged.
   * An aggregate whose long gap began in an earlier window also marks that window (`gap_closed_in`):
   * it has closed and been stored by now, and its own upserts never touch the mark, so the order
   * of the two writes does not matter and a re-delivery repeats a harmless update.
   */
  async saveAll(window: number, aggregates: readonly AggregateMetric[]): Promise<void> {
    if (aggregates.length === 0) return;
    const params = aggregates.map((a) => this.insertParams(window, a));
    const marks: unknown[][] = [];
    for (const a of aggregates) {
      const mark = a.gapFrom === undefined ? undefined : this.gapClosedInParams(window, a);
      if (mark) marks.push(mark);
    }
    await Promise.all([
      executeBounded(this.client, this.insertCql(window), params, this.concurrency, this.batch),
      marks.length === 0
        ? undefined
        : executeBounded(this.client, this.gapClosedInCql(window), marks, this.concurrency, {
            ...this.batch,
            // The partition key follows the SET value.
            groupBy: this.batch.groupBy && ((p) => this.batch.groupBy!(p.slice(1))),
          }),
    ]);
  }

  async save(window: number, aggregate: AggregateMetric): Promise<void> {
    await this.saveAll(window, [aggregate]);
  }

  /**
   * The aggregates of one series whose windowStart lies in [from, to), across every bucket of the
   * range, newest first by default. Pages are fetched lazily as the iterator is consumed.
   */
  async *getAggregates(query: AggregateQuery): AsyncGenerator<AggregateMetric> {
    const { from, to } = query;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      throw new InvalidQueryError(`from and to must be finite epoch milliseconds, got ${from} and ${to}`);
    }
    const order = query.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new InvalidQueryError(`invalid order ${String(order)}`);
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    if (!(remaining >= 0)) throw new InvalidQueryError(`invalid limit ${query.limit}`);
    const fetchSize = query.fetchSize ?? 1000;
    const buckets = bucketsInRange(this.bucketUnit(query.window), from, to);
    if (order === 'desc') buckets.reverse();
    const cql =
      `SELECT ${COLUMNS} FROM ${this.table(query.window)} ` +
      'WHERE gateway = ? AND metric = ? AND attribute = ? AND bucket = ? AND windowStart >= ? AND windowStart < ? ' +
      `ORDER BY windowStart ${order.toUpperCase()}`;
    for (const bucket of buckets) {
      if (remaining <= 0) return;
      const params = [query.gateway, query.metricType, query.attribute, bucket, new Date(from), new Date(to)];
      let pageState: string | undefined;
      do {
        let result: types.ResultSet;
        try {
          result = await this.client.execute(cql, params, {
            prepare: true,
            fetchSize: Math.min(fetchSize, remaining),
            pageState,
          });
        } catch (error) {
          throw new CassandraStatementError(cql, error, `bucket ${bucket}`);
        }
        for (const row of result.rows) {
          if (isMarkOnly(row)) continue;
          yield rowToAggregate(row);
          if (--remaining <= 0) return;
        }
        pageState = result.pageState ?? undefined;
      } while (pageState);
    }
  }

  /** Collects getAggregates into an array (for bounded ranges). */
  async listAggregates(query: AggregateQuery): Promise<AggregateMetric[]> {
    const rows: AggregateMetric[] = [];
    for await (const row of this.getAggregates(query)) rows.push(row);
    return rows;
  }

  /** The newest aggregate of a series starting before `before`, walking back bucket by bucket. */
  async latest(query: LatestQuery): Promise<AggregateMetric | undefined> {
    const unit = this.bucketUnit(query.window);
    const before = query.before ?? Date.now();
    const maxBuckets = query.maxBuckets ?? (unit === 'day' ? 62 : unit === 'month' ? 24 : 1);
    const cql =
      `SELECT ${COLUMNS} FROM ${this.table(query.window)} ` +
      // 2: the newest may hold only a gap mark (isMarkOnly); the one before it then has an aggregate.
      'WHERE gateway = ? AND metric = ? AND attribute = ? AND bucket = ? AND windowStart < ? LIMIT 2';
    let instant = before - 1;
    for (let i = 0; i < maxBuckets; i++) {
      const bucket = bucketOf(unit, instant);
      let result: types.ResultSet;
      try {
        result = await this.client.execute(
          cql,
          [query.gateway, query.metricType, query.attribute, bucket, new Date(before)],
          { prepare: true },
        );
      } catch (error) {
        throw new CassandraStatementError(cql, error, `bucket ${bucket}`);
      }
      const row = result.rows.find((r) => !isMarkOnly(r));
      if (row) return rowToAggregate(row);
      if (unit === 'none') return undefined;
      instant = previousBucketInstant(unit, instant);
    }
    return undefined;
  }
}
