import uPlot from 'uplot';
import type { GatewayActivity, LiveWindow } from './api.js';
import { byId, cssVar, el, instant, number } from './format.js';
import { probe } from './probe.js';
import type { State } from './url-state.js';

const WINDOWS = [60, 600, 3600];
const KEEP = 60;
const LABELS: Record<number, string> = { 60: '1 min', 600: '10 min', 3600: '1 h' };

/**
 * The live view: `GET /live` (Server-Sent Events) pushes a snapshot of the series' recent windows,
 * then every window as it closes (the server polls the views once a second), and the latest
 * activity per gateway whenever it changes. The stream is open only while this view is shown.
 */
export class LiveView {
  private source: EventSource | undefined;
  private readonly rows = new Map<number, LiveWindow[]>();
  private chart: uPlot | undefined;
  private readonly status = byId<HTMLElement>('live-status');
  private readonly chartHost = byId<HTMLElement>('live-chart');

  constructor(private readonly state: State) {
    new ResizeObserver(() => this.chart?.setSize(this.chartSize())).observe(this.chartHost);
  }

  open(): void {
    this.close();
    this.rows.clear();
    probe.live.windows = {};
    this.render();
    const params = new URLSearchParams();
    if (this.state.gateway && this.state.metricType && this.state.attribute) {
      params.set('gateway', this.state.gateway);
      params.set('metricType', this.state.metricType);
      params.set('attribute', this.state.attribute);
    }
    const source = new EventSource(`live?${params.toString()}`);
    this.source = source;
    this.status.textContent = 'connecting…';
    source.addEventListener('open', () => {
      this.status.textContent = `live: ${this.state.gateway}.${this.state.metricType}.${this.state.attribute}`;
    });
    source.addEventListener('error', () => {
      this.status.textContent = 'stream interrupted; reconnecting…';
    });
    source.addEventListener('problem', (event) => {
      this.status.textContent = `server: ${(JSON.parse(event.data) as { message: string }).message}`;
    });
    const windows = (event: MessageEvent<string>, replace: boolean) => {
      const { window, rows } = JSON.parse(event.data) as { window: number; rows: LiveWindow[] };
      const kept = replace ? rows : [...(this.rows.get(window) ?? []), ...rows];
      this.rows.set(window, kept.slice(-KEEP));
      const receivedAt = Date.now();
      const seen = replace ? [] : (probe.live.windows[window] ?? []);
      probe.live.windows[window] = [
        ...seen,
        ...rows.map((r) => ({ windowStart: r.windowStart, average: r.average, receivedAt })),
      ];
      this.render();
    };
    source.addEventListener('snapshot', (event) => windows(event, true));
    source.addEventListener('windows', (event) => windows(event, false));
    source.addEventListener('activity', (event) => {
      const { gateways } = JSON.parse(event.data) as { gateways: GatewayActivity[] };
      probe.live.activity = gateways;
      this.renderActivity(gateways);
    });
  }

  close(): void {
    this.source?.close();
    this.source = undefined;
  }

  private chartSize(): { width: number; height: number } {
    return { width: Math.max(280, this.chartHost.clientWidth), height: 200 };
  }

  private render(): void {
    const minute = this.rows.get(60) ?? [];
    const data = [
      minute.map((r) => r.windowStart / 1000),
      minute.map((r) => r.min),
      minute.map((r) => r.max),
      minute.map((r) => r.average),
    ] as uPlot.AlignedData;
    if (this.chart) this.chart.setData(data);
    else if (minute.length > 0) {
      const axis = {
        stroke: cssVar('--fg'),
        grid: { stroke: cssVar('--grid') },
        ticks: { stroke: cssVar('--grid') },
      };
      this.chart = new uPlot(
        {
          ...this.chartSize(),
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          axes: [axis, axis],
          series: [
            { label: 'UTC' },
            { label: 'min', stroke: cssVar('--band-line') },
            { label: 'max', stroke: cssVar('--band-line') },
            { label: '1-min avg', stroke: cssVar('--speed'), width: 2 },
          ],
          bands: [{ series: [2, 1], fill: cssVar('--band') }],
        },
        data,
        this.chartHost,
      );
    }
    const tables = WINDOWS.map((window) => {
      const rows = [...(this.rows.get(window) ?? [])].reverse().slice(0, 10);
      return el(
        'table',
        { 'data-window': String(window) },
        el('caption', {}, `${LABELS[window]} windows (real-time view), newest first`),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Window start', 'Samples', 'Min', 'Avg', 'Max'].map((h) => el('th', { scope: 'col' }, h)),
          ),
        ),
        el(
          'tbody',
          {},
          ...rows.map((r) =>
            el(
              'tr',
              { 'data-window-start': String(r.windowStart) },
              el('td', {}, instant(r.windowStart)),
              el('td', {}, String(r.sampleCount)),
              el('td', {}, number(r.min)),
              el('td', {}, number(r.average)),
              el('td', {}, number(r.max)),
            ),
          ),
        ),
      );
    });
    byId('live-windows').replaceChildren(...tables);
  }

  private renderActivity(gateways: GatewayActivity[]): void {
    const body = byId<HTMLTableElement>('activity').tBodies[0]!;
    body.replaceChildren(
      ...gateways.map((g) =>
        el('tr', { 'data-gateway': g.gateway }, el('td', {}, g.gateway), el('td', {}, instant(g.timestamp))),
      ),
    );
  }
}
