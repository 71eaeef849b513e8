// The serving API's dashboard endpoints, as the page reads them (shapes mirror src/serving/dashboard).

export interface ListedSeries {
  gateway: string;
  metricType: string;
  metricAttribute: string;
  windows: number[];
  latestWindowEnd: number;
}

export interface Downsampled {
  window: number;
  bucketMs: number;
  lowWaterMark: number | null;
  highWaterMark: number | null;
  t: number[];
  min: number[];
  max: number[];
  avg: (number | null)[];
  count: number[];
  layer: ('batch' | 'speed' | 'mixed')[];
}

export interface RawReadings {
  t: number[];
  value: number[];
  objects: number;
  truncated: boolean;
}

export interface LiveWindow {
  windowStart: number;
  windowEnd: number;
  sampleCount: number;
  min: number;
  max: number;
  average: number;
}

export interface GatewayActivity {
  gateway: string;
  timestamp: number;
}

export interface PipelineHealth {
  apps: { name: string; url: string; up: boolean; error?: string; counters: Record<string, number> }[];
  lag: { group: string; topic: string; partition: number; committed: number; end: number; lag: number }[];
  lagError: string | null;
  at: string;
}

export interface DashboardAlert {
  seq: number;
  source: 'alarms' | 'meter-alerts';
  kind: string;
  gateway: string;
  series: string;
  at: number;
  detail: string;
}

export interface AlertHeatmap {
  from: number;
  to: number;
  hours: number[];
  gateways: string[];
  counts: number[][];
  max: number;
  total: number;
  otherGateways: number;
  clipped: boolean;
  kinds: string[];
}

export interface AlertsStatus {
  configured: boolean;
  brokerError: string | null;
  lookups: number;
  topics: {
    topic: string;
    source: string;
    state: 'missing' | 'reading' | 'failed';
    message?: string;
    read: number;
    unreadable: number;
    lastUnreadable?: string;
  }[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
}

export async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(query ? `${path}?${query}` : path);
  const body = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new ApiError(`${path}: ${body.message ?? response.statusText}`);
  return body;
}
