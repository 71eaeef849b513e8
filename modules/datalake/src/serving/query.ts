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
  /** The batch view's coverage for the window, or null when no batch job covered any yet. */
  lowWaterMark: number | null;
  highWaterMark: number | null;
  rows: ServedAggregate[];
}

export interface ServingStores {
  speed: AggregateDao;
  batch: AggregateDao;
  marks: HighWaterMarkDao;
}

/**
 * The serving layer's merge rule: windows starting in the batch view's coverage [low, high) (the
 * batch job's water marks) come from the batch view (recomputed from the lake: complete and
 * authoritative); every other window — before the first batch range, after the last, or with no
 * batch run at all — comes from the speed layer's real-time view, so a window no batch covered is
 * never hidden. The marks lie on window boundaries (the batch job only accepts aligned ranges), so
 * no window is split and each comes from exactly one layer. Rows are returned oldest first, each
 * saying its layer.
 */
export async function queryAggregates(stores: ServingStores, query: ServingQuery): Promise<ServingResult> {
  const mark = await stores.marks.get(query.window);
  const clamp = (t: number) => Math.min(Math.max(t, query.from), query.to);
  const low = mark ? clamp(mark.lowWaterMark) : query.from;
  const high = mark ? Math.max(low, clamp(mark.highWaterMark)) : query.from;
  const series = {
    gateway: query.gateway,
    metricType: query.metricType,
    attribute: query.attribute,
    window: query.window,
  };
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  const rows: ServedAggregate[] = [];
  const read = async (layer: Layer, from: number, to: number) => {
    if (to <= from || remaining <= 0) return;
    const dao = layer === 'batch' ? stores.batch : stores.speed;
    for await (const row of dao.getAggregates({ ...series, from, to, order: 'asc', limit: remaining })) {
      rows.push({ ...row, layer });
      remaining--;
    }
  };
  await read('speed', query.from, low);
  await read('batch', low, high);
  await read('speed', high, query.to);
  return {
    lowWaterMark: mark ? mark.lowWaterMark : null,
    highWaterMark: mark ? mark.highWaterMark : null,
    rows,
  };
}
