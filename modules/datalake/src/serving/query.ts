import type { AggregateMetric, MetricAttribute, MetricType } from '@meterstream/common';
import type { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';

export type Layer = 'batch' | 'speed';

export interface ServedAggregate extends AggregateMetric {
  layer: Layer;
}

export interface ServingQuery {
  gateway: string;
  metricType: MetricType;
  attribute: MetricAttribute;
  window: number;
  /** Windows with from <= windowStart < to (epoch ms). */
  from: number;
  to: number;
  /** At most this many rows in all (oldest first). */
  limit?: number;
}

export interface ServingResult {
  /** The batch view's high-water mark for the window, or null when no batch job ran yet. */
  highWaterMark: number | null;
  rows: ServedAggregate[];
}

export interface ServingStores {
  speed: AggregateDao;
  batch: AggregateDao;
  marks: HighWaterMarkDao;
}

/**
 * The serving layer's merge rule: windows starting before the batch high-water mark come from the
 * batch view (recomputed from the lake: complete and authoritative), windows from the mark on come
 * from the speed layer's real-time view. The mark lies on a window boundary (the batch job only
 * accepts aligned ranges), so no window is split, and each window comes from exactly one layer.
 * Rows are returned oldest first, each saying its layer.
 */
export async function queryAggregates(stores: ServingStores, query: ServingQuery): Promise<ServingResult> {
  const mark = await stores.marks.get(query.window);
  const highWaterMark = mark ? mark.highWaterMark : null;
  const split = highWaterMark === null ? query.from : Math.min(Math.max(highWaterMark, query.from), query.to);
  const series = {
    gateway: query.gateway,
    metricType: query.metricType,
    attribute: query.attribute,
    window: query.window,
  };
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  const rows: ServedAggregate[] = [];
  if (split > query.from) {
    for await (const row of stores.batch.getAggregates({
      ...series,
      from: query.from,
      to: split,
      order: 'asc',
      limit: remaining,
    })) {
      rows.push({ ...row, layer: 'batch' });
    }
    remaining -= rows.length;
  }
  if (split < query.to && remaining > 0) {
    for await (const row of stores.speed.getAggregates({
      ...series,
      from: split,
      to: query.to,
      order: 'asc',
      limit: remaining,
    })) {
      rows.push({ ...row, layer: 'speed' });
    }
  }
  return { highWaterMark, rows };
}
