import type { Logger } from '@meterstream/common';
import type { FastifyInstance } from 'fastify';
import { type AlertFilter, parseAlertFilter } from './alert-filter.js';
import type { AlertHeatmap } from './alert-counts.js';
import type { DashboardAlert } from './alert-record.js';
import type { AlertsFeed, AlertsStatus } from './alerts-feed.js';
import type { OpenEventStream } from './event-stream.js';

/** Alerts in the first event of a live stream and in `GET /alerts` (default and cap). */
export const ALERTS_SHOWN = 200;

export type AlertsEvent =
  | { type: 'status'; status: AlertsStatus }
  | { type: 'snapshot'; alerts: DashboardAlert[] }
  | { type: 'alerts'; alerts: DashboardAlert[] }
  | { type: 'heatmap'; heatmap: AlertHeatmap };

const NOT_CONFIGURED: AlertsStatus = {
  configured: false,
  brokerError: 'no Kafka brokers configured',
  lookups: 0,
  topics: [],
};

function emptyHeatmap(): AlertHeatmap {
  return {
    from: 0,
    to: 0,
    hours: [],
    gateways: [],
    counts: [],
    max: 0,
    total: 0,
    otherGateways: 0,
    clipped: false,
    kinds: [],
  };
}

/**
 * The Alerts view's endpoints, filtered by `gateway`, `kind` (comma-separated) and `from`/`to`
 * (event time):
 *
 * - `GET /alerts` → `{ alerts (newest first, at most `limit` ≤ 200), status }`;
 * - `GET /alerts/heatmap` → anomaly counts per gateway per hour (alert-counts.ts) and `status`;
 * - `GET /alerts/counts` → the same counts as rows `{ hour, gateway, count }` (non-zero cells);
 * - `GET /alerts/live` → Server-Sent Events: `status` (and again when it changes), `snapshot` (the
 *   newest 200), `heatmap`, then `alerts` (new ones, oldest first) and a new `heatmap` whenever
 *   alerts arrived.
 *
 * Without a feed (no Kafka configured) they answer empty, the status saying why.
 */
export function registerAlertRoutes(
  app: FastifyInstance,
  openEventStream: OpenEventStream,
  feed: AlertsFeed | undefined,
  options: { pollMs: number; logger?: Logger },
): void {
  const status = () => feed?.status() ?? NOT_CONFIGURED;
  app.get('/alerts', async (request) => {
    const raw = request.query as Record<string, unknown>;
    const filter = parseAlertFilter(raw);
    const limit = Math.min(ALERTS_SHOWN, Math.max(1, Number(raw.limit ?? ALERTS_SHOWN) || ALERTS_SHOWN));
    return { alerts: feed?.latest(filter, limit) ?? [], status: status() };
  });

  app.get('/alerts/heatmap', async (request) => {
    const filter = parseAlertFilter(request.query as Record<string, unknown>);
    return { ...(feed?.heatmap(filter) ?? emptyHeatmap()), status: status() };
  });

  // The heat map's non-empty cells as rows, for tools that want a table (Grafana's Infinity source).
  app.get('/alerts/counts', async (request) => {
    const heatmap =
      feed?.heatmap(parseAlertFilter(request.query as Record<string, unknown>)) ?? emptyHeatmap();
    const rows = heatmap.gateways.flatMap((gateway, row) =>
      heatmap.hours.flatMap((hour, column) => {
        const count = heatmap.counts[row]![column]!;
        return count > 0 ? [{ hour: new Date(hour).toISOString(), gateway, count }] : [];
      }),
    );
    return { rows, status: status() };
  });

  app.get('/alerts/live', (request, reply) => {
    const filter = parseAlertFilter(request.query as Record<string, unknown>);
    const subscription = new AlertsSubscription(feed, filter, status);
    openEventStream<AlertsEvent>(request, reply, {
      pollMs: options.pollMs,
      poll: async () => subscription.poll(),
      logger: options.logger,
    });
  });
}

/** One live stream's cursor over the feed. */
class AlertsSubscription {
  private cursor = -1;
  private lastStatus = '';

  constructor(
    private readonly feed: AlertsFeed | undefined,
    private readonly filter: AlertFilter,
    private readonly status: () => AlertsStatus,
  ) {}

  poll(): AlertsEvent[] {
    const events: AlertsEvent[] = [];
    const status = this.status();
    const text = JSON.stringify(status);
    if (text !== this.lastStatus) {
      this.lastStatus = text;
      events.push({ type: 'status', status });
    }
    const version = this.feed?.version ?? 0;
    if (this.cursor === -1) {
      events.push({ type: 'snapshot', alerts: this.feed?.latest(this.filter, ALERTS_SHOWN) ?? [] });
    } else if (version > this.cursor) {
      const alerts = this.feed?.since(this.cursor, this.filter) ?? [];
      if (alerts.length > 0) events.push({ type: 'alerts', alerts });
    }
    if (this.cursor === -1 || version > this.cursor) {
      events.push({ type: 'heatmap', heatmap: this.feed?.heatmap(this.filter) ?? emptyHeatmap() });
    }
    this.cursor = version;
    return events;
  }
}
