import type { AggregateMetric, MetricIdentity } from '@meterstream/common';
import type { AggregateDao, GatewayActivity, RedisServingView } from '@meterstream/persistence';

const DAY = 86_400_000;
/** Windows sent in the first `snapshot` of a series, per window length. */
export const SNAPSHOT_WINDOWS = 60;
/** At most this many activity rows (most recent gateways first). */
export const ACTIVITY_ROWS = 200;

export interface LiveSources {
  speed: AggregateDao;
  view: RedisServingView;
  /** The most recently active gateways, at most ACTIVITY_ROWS, most recent first. */
  recentActivity(): Promise<GatewayActivity[]>;
}

export type LiveEvent =
  | { type: 'snapshot' | 'windows'; window: number; rows: AggregateMetric[] }
  | { type: 'activity'; gateways: GatewayActivity[] }
  | { type: 'problem'; message: string };

/** A view the live stream reads did not answer; names which one and what was read. */
export class LiveSourceError extends Error {
  override readonly name = 'LiveSourceError';
  constructor(source: string, what: string, cause: unknown) {
    super(`${source} (${what}): ${(cause as Error).message}`, { cause });
  }
}

function reading<T>(source: string, what: string, promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw new LiveSourceError(source, what, error);
  });
}

/**
 * One live subscription, polled once per `poll()` (the SSE route calls it every second):
 *
 * - **Windows of one series**: the Redis view's `latest:<w>:<series>` hash (kept by `sink redis`)
 *   says cheaply whether a newer window closed; only then is the Cassandra real-time view (kept by
 *   `sink cassandra`) read from the last window sent up to that one, so every window that closed is
 *   sent once, in order, even when several closed within a second. If Cassandra is behind Redis the
 *   cursor stays put and the next poll reads again: nothing is skipped.
 * - **Activity**: the `activity` sorted set, sent when it changed.
 *
 * Reading the views (not the aggregates topics) keeps the dashboard a pure reader of what the
 * serving layer serves, with no consumer group of its own to manage.
 */
export class LiveSubscription {
  private readonly cursors = new Map<number, number>();
  private lastActivity = '';

  constructor(
    private readonly sources: LiveSources,
    private readonly series: MetricIdentity | undefined,
    private readonly windows: readonly number[],
  ) {}

  async poll(): Promise<LiveEvent[]> {
    const events: LiveEvent[] = [];
    const top = await reading('Redis view', 'activity', this.sources.recentActivity());
    const text = JSON.stringify(top);
    if (text !== this.lastActivity) {
      this.lastActivity = text;
      events.push({ type: 'activity', gateways: top });
    }
    if (!this.series) return events;
    for (const window of this.windows) {
      const latest = await reading(
        'Redis view',
        `latest ${window} s window`,
        this.sources.view.latestAggregate(window, this.series),
      );
      if (!latest) continue;
      const cursor = this.cursors.get(window);
      if (cursor !== undefined && latest.windowStart <= cursor) continue;
      const span = window * 1000;
      // The first read is a snapshot of the recent windows; later reads catch up from the cursor,
      // looking back at most a day or 200 windows (a jump beyond that restarts as a snapshot).
      const lookback = Math.max(DAY, 200 * span);
      const restart = cursor === undefined || latest.windowStart - cursor > lookback;
      const from = restart ? latest.windowStart - (SNAPSHOT_WINDOWS - 1) * span : cursor + 1;
      const rows = await reading(
        'Cassandra real-time view',
        `${window} s windows`,
        this.sources.speed.listAggregates({
          ...this.series,
          attribute: this.series.metricAttribute,
          window,
          from,
          to: latest.windowStart + 1,
          order: 'asc',
        }),
      );
      if (rows.length === 0) continue;
      this.cursors.set(window, rows[rows.length - 1]!.windowStart);
      events.push({ type: restart ? 'snapshot' : 'windows', window, rows });
    }
    return events;
  }
}
