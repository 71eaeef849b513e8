import uPlot from 'uplot';
import { type Downsampled, type RawReadings, getJson } from './api.js';
import { byId, cssVar, instant } from './format.js';
import { probe } from './probe.js';
import type { State } from './url-state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Raw readings (read from the lake's Parquet objects) are drawn over ranges up to this. */
const READINGS_SPAN = 6 * HOUR;

/**
 * The series chart: per pixel bucket a min–max band and the average, the average drawn in one
 * colour where it comes from the batch view and another where it comes from the real-time view.
 * Every zoom or pan asks `GET /downsample` for about one bucket per pixel of the new range, so a
 * month costs the same as an hour. Drag on the chart zooms in; the buttons and the keyboard pan and
 * zoom; the range is in the URL.
 */
export class SeriesView {
  private chart: uPlot | undefined;
  private readonly host = byId<HTMLElement>('series-chart');
  private readonly rangeText = byId<HTMLElement>('series-range');
  private readonly windowSelect = byId<HTMLSelectElement>('window');
  private request = 0;

  constructor(
    private readonly state: State,
    private readonly latestEnd: () => number | undefined,
    private readonly changed: () => void,
  ) {
    this.windowSelect.value = state.window;
    // The chart takes the keyboard: arrows pan, + and - zoom (set here: the host is a plain div).
    this.host.tabIndex = 0;
    this.host.setAttribute('role', 'application');
    this.host.setAttribute('aria-label', 'Series chart: drag to zoom in; arrow keys pan; + and - zoom');
    this.windowSelect.addEventListener('change', () => {
      this.state.window = this.windowSelect.value;
      this.reload();
    });
    for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-span]')) {
      button.addEventListener('click', () => {
        const span = Number(button.dataset.span);
        const end = Number.isFinite(this.state.to) ? this.state.to : (this.latestEnd() ?? Date.now());
        this.setRange(end - span, end);
      });
    }
    byId('pan-left').addEventListener('click', () => this.pan(-0.5));
    byId('pan-right').addEventListener('click', () => this.pan(0.5));
    byId('zoom-in').addEventListener('click', () => this.zoom(0.5));
    byId('zoom-out').addEventListener('click', () => this.zoom(2));
    this.host.addEventListener('keydown', (event) => {
      const actions: Record<string, () => void> = {
        ArrowLeft: () => this.pan(-0.25),
        ArrowRight: () => this.pan(0.25),
        '+': () => this.zoom(0.5),
        '=': () => this.zoom(0.5),
        '-': () => this.zoom(2),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
    new ResizeObserver(() => this.chart?.setSize(this.size())).observe(this.host);
  }

  /** Loads the chart for the state's series and range (the series' latest day when unset). */
  reload(): void {
    if (!this.state.gateway || !this.state.metricType || !this.state.attribute) return;
    if (!Number.isFinite(this.state.from) || !Number.isFinite(this.state.to)) {
      const end = this.latestEnd() ?? Date.now();
      this.state.to = Math.ceil(end / HOUR) * HOUR;
      this.state.from = this.state.to - DAY;
    }
    this.changed();
    void this.load(++this.request);
  }

  private setRange(from: number, to: number): void {
    this.state.from = Math.round(from);
    this.state.to = Math.round(Math.max(to, from + 60_000));
    this.reload();
  }

  private pan(fraction: number): void {
    const shift = (this.state.to - this.state.from) * fraction;
    this.setRange(this.state.from + shift, this.state.to + shift);
  }

  private zoom(factor: number): void {
    const middle = (this.state.from + this.state.to) / 2;
    const half = ((this.state.to - this.state.from) * factor) / 2;
    this.setRange(middle - half, middle + half);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(280, this.host.clientWidth);
    return { width, height: width < 600 ? 240 : 340 };
  }

  private async load(request: number): Promise<void> {
    const started = performance.now();
    const { width } = this.size();
    this.rangeText.textContent = `${instant(this.state.from)} – ${instant(this.state.to)} · loading…`;
    const series = {
      gateway: this.state.gateway,
      metricType: this.state.metricType,
      attribute: this.state.attribute,
      from: new Date(this.state.from).toISOString(),
      to: new Date(this.state.to).toISOString(),
    };
    const short = this.state.to - this.state.from <= READINGS_SPAN;
    let result: Downsampled;
    let readings: RawReadings | string | undefined;
    try {
      [result, readings] = await Promise.all([
        getJson<Downsampled>('downsample', {
          ...series,
          points: String(Math.min(5000, Math.round(width))),
          window: this.state.window,
        }),
        // The lake is optional: without it the chart still shows the aggregates, and says why.
        short ? getJson<RawReadings>('readings', series).catch((error: Error) => error.message) : undefined,
      ]);
    } catch (error) {
      if (request === this.request) this.rangeText.textContent = (error as Error).message;
      return;
    }
    if (request !== this.request) return; // a newer range was asked for meanwhile
    const batch = result.avg.map((v, i) => (result.layer[i] === 'speed' ? null : v));
    const speed = result.avg.map((v, i) => (result.layer[i] === 'batch' ? null : v));
    const aggregates: (number | null)[][] = [
      result.t.map((t) => t / 1000),
      result.min,
      result.max,
      batch,
      speed,
    ];
    const raw = typeof readings === 'object' ? readings : { t: [], value: [] };
    // One x axis for both: uPlot.join leaves the other table's columns undefined (not drawn, and
    // spanned over, so the aggregate lines stay continuous between readings).
    const data = uPlot.join([
      aggregates as uPlot.AlignedData,
      [raw.t.map((t) => t / 1000), raw.value] as uPlot.AlignedData,
    ]) as unknown as (number | null)[][];
    this.draw(data);
    const marks =
      result.highWaterMark === null
        ? 'no batch view yet'
        : `batch view ${instant(result.lowWaterMark ?? 0)} – ${instant(result.highWaterMark)}`;
    this.rangeText.textContent =
      `${instant(this.state.from)} – ${instant(this.state.to)} · ${result.t.length} points of ` +
      `${result.window / 60} min windows · ${marks}` +
      (typeof readings === 'object'
        ? ` · ${readings.t.length} raw readings${readings.truncated ? ' (truncated)' : ''}`
        : '') +
      (typeof readings === 'string' ? ` · raw readings unavailable: ${readings}` : '');
    probe.series = {
      data,
      window: result.window,
      loads: probe.series.loads + 1,
      lastLoadMs: performance.now() - started,
    };
  }

  private draw(data: (number | null)[][]): void {
    const xs = [this.state.from / 1000, this.state.to / 1000];
    if (this.chart) {
      this.chart.setData(data as uPlot.AlignedData, false);
      this.chart.setScale('x', { min: xs[0]!, max: xs[1]! });
      return;
    }
    const axis = {
      stroke: cssVar('--fg'),
      grid: { stroke: cssVar('--grid') },
      ticks: { stroke: cssVar('--grid') },
    };
    const options: uPlot.Options = {
      ...this.size(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: () => [this.state.from / 1000, this.state.to / 1000] } },
      axes: [axis, axis],
      cursor: { drag: { x: true, y: false, setScale: false } },
      series: [
        { label: 'UTC' },
        { label: 'min', stroke: cssVar('--band-line'), width: 1 },
        { label: 'max', stroke: cssVar('--band-line'), width: 1 },
        { label: 'avg (batch view)', stroke: cssVar('--batch'), width: 2 },
        { label: 'avg (real-time view)', stroke: cssVar('--speed'), width: 2 },
        // Points only: readings are samples, not a line.
        { label: 'raw reading', stroke: cssVar('--raw'), paths: () => null, points: { show: true, size: 4 } },
      ],
      bands: [{ series: [2, 1], fill: cssVar('--band') }],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.setRange(from, to);
          },
        ],
      },
    };
    this.chart = new uPlot(options, data as uPlot.AlignedData, this.host);
  }
}
