// What the page shows, as data, for the browser tests (page.evaluate reads it; no screenshots).

import type { AlertHeatmap, AlertsStatus, DashboardAlert } from './api.js';

export interface Probe {
  series: {
    /** The chart's data as given to uPlot: [x (s), min, max, avg batch, avg real-time, raw reading]. */
    data: (number | null)[][] | null;
    window: number | null;
    /** Completed chart loads, and the ms the last one took (request to drawn). */
    loads: number;
    lastLoadMs: number | null;
  };
  live: {
    /** Windows received per window length, by windowStart. */
    windows: Record<number, { windowStart: number; average: number; receivedAt: number }[]>;
    activity: { gateway: string; timestamp: number }[];
  };
  alerts: {
    /** The feed as shown, newest first. */
    feed: DashboardAlert[];
    heatmap: AlertHeatmap | null;
    status: AlertsStatus | null;
    /** Live streams opened (one per filter change). */
    streams: number;
  };
  health: { loads: number };
}

export const probe: Probe = {
  series: { data: null, window: null, loads: 0, lastLoadMs: null },
  live: { windows: {}, activity: [] },
  alerts: { feed: [], heatmap: null, status: null, streams: 0 },
  health: { loads: 0 },
};

(globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard = probe;
