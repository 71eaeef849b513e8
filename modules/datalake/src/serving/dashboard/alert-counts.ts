import type { AlertFilter } from './alert-filter.js';
import { ANOMALY_KINDS, type AlertKind, type DashboardAlert } from './alert-record.js';

const HOUR = 3_600_000;
/** The heat map's default span (ending at the newest hour with a matching alert). */
const DEFAULT_HOURS = 24;
/** At most this many columns: a week of hours. */
export const HEATMAP_MAX_HOURS = 168;
/** At most this many rows: the gateways with the most anomalies in the range. */
export const HEATMAP_MAX_GATEWAYS = 40;

/** Anomaly counts per gateway per hour, ready to draw: `counts[row][column]`. */
export interface AlertHeatmap {
  /** The range drawn, epoch ms on hour boundaries, half-open. */
  from: number;
  to: number;
  /** Column starts (epoch ms). */
  hours: number[];
  gateways: string[];
  counts: number[][];
  /** The largest cell (the colour scale's top). */
  max: number;
  /** Every matching alert in the range, shown gateways or not. */
  total: number;
  /** Gateways with alerts in the range beyond the rows shown. */
  otherGateways: number;
  /** The range asked for was longer than HEATMAP_MAX_HOURS: its latest hours are drawn. */
  clipped: boolean;
  kinds: AlertKind[];
}

/**
 * Counts of every alert the feed has read, per hour of event time, gateway and kind — kept apart
 * from the feed's bounded list of recent alerts, so the heat map covers far more history than the
 * list (a few numbers per gateway and hour). The oldest hours are forgotten beyond `maxHours`.
 */
export class HourlyAlertCounts {
  private readonly hours = new Map<number, Map<string, Map<AlertKind, number>>>();

  constructor(private readonly maxHours = 24 * 92) {}

  add(alert: Pick<DashboardAlert, 'gateway' | 'kind' | 'at'>): void {
    const hour = Math.floor(alert.at / HOUR) * HOUR;
    let gateways = this.hours.get(hour);
    if (!gateways) {
      gateways = new Map();
      this.hours.set(hour, gateways);
      if (this.hours.size > this.maxHours) this.hours.delete(Math.min(...this.hours.keys()));
    }
    let kinds = gateways.get(alert.gateway);
    if (!kinds) {
      kinds = new Map();
      gateways.set(alert.gateway, kinds);
    }
    kinds.set(alert.kind, (kinds.get(alert.kind) ?? 0) + 1);
  }

  /**
   * The heat map of the alerts matching `filter` (kinds default to the anomalies: every kind but
   * meter-recovered). Range: the filter's from/to rounded out to hours; without them the 24 hours
   * ending with the newest matching hour (the data may be a replay from years ago).
   */
  heatmap(filter: AlertFilter): AlertHeatmap {
    const kinds = filter.kinds ?? [...ANOMALY_KINDS];
    const count = (gateways: Map<string, Map<AlertKind, number>>, gateway: string) => {
      if (filter.gateway !== undefined && gateway !== filter.gateway) return 0;
      const byKind = gateways.get(gateway);
      return byKind ? kinds.reduce((n, kind) => n + (byKind.get(kind) ?? 0), 0) : 0;
    };
    let to = filter.to === undefined ? undefined : Math.ceil(filter.to / HOUR) * HOUR;
    let from = filter.from === undefined ? undefined : Math.floor(filter.from / HOUR) * HOUR;
    if (to === undefined) {
      if (from !== undefined) to = from + DEFAULT_HOURS * HOUR;
      else {
        const newest = Math.max(
          ...[...this.hours]
            .filter(([, gateways]) => [...gateways.keys()].some((gateway) => count(gateways, gateway) > 0))
            .map(([hour]) => hour),
        );
        to = Number.isFinite(newest) ? newest + HOUR : Math.ceil(Date.now() / HOUR) * HOUR;
      }
    }
    from ??= to - DEFAULT_HOURS * HOUR;
    const clipped = to - from > HEATMAP_MAX_HOURS * HOUR;
    if (clipped) from = to - HEATMAP_MAX_HOURS * HOUR;
    const hours: number[] = [];
    for (let hour = from; hour < to; hour += HOUR) hours.push(hour);
    const totals = new Map<string, number>();
    for (const hour of hours) {
      const gateways = this.hours.get(hour);
      if (!gateways) continue;
      for (const gateway of gateways.keys()) {
        const n = count(gateways, gateway);
        if (n > 0) totals.set(gateway, (totals.get(gateway) ?? 0) + n);
      }
    }
    const shown = [...totals]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true }))
      .slice(0, HEATMAP_MAX_GATEWAYS)
      .map(([gateway]) => gateway)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const counts = shown.map((gateway) =>
      hours.map((hour) => {
        const gateways = this.hours.get(hour);
        return gateways ? count(gateways, gateway) : 0;
      }),
    );
    return {
      from,
      to,
      hours,
      gateways: shown,
      counts,
      max: Math.max(0, ...counts.flat()),
      total: [...totals.values()].reduce((a, b) => a + b, 0),
      otherGateways: totals.size - shown.length,
      clipped,
      kinds,
    };
  }
}
