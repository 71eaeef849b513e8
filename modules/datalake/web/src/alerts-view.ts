import { drawHeatmap } from './alert-heatmap.js';
import type { AlertHeatmap, AlertsStatus, DashboardAlert } from './api.js';
import { byId, el, instant } from './format.js';
import { probe } from './probe.js';
import type { State } from './url-state.js';

/** Rows kept in the feed table. */
const KEEP = 200;

/** `yyyy-mm-ddThh:mm` of a datetime-local input, read as UTC, to ISO-8601 (empty stays empty). */
const inputToIso = (value: string) => (value ? new Date(`${value}:00Z`).toISOString() : '');
const isoToInput = (iso: string) =>
  iso && Number.isFinite(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 16) : '';

/**
 * The Alerts view: `GET /alerts/live` (Server-Sent Events) sends the newest alerts of the ksql
 * `alarms` stream and the quality stage's `meter-alerts` matching the filters, then each new one,
 * and the heat map of anomaly counts per gateway per hour (computed by the server) whenever alerts
 * arrive. Filters (gateway, kind, event-time range) are in the URL; changing them reopens the stream.
 */
export class AlertsView {
  private source: EventSource | undefined;
  private feed: DashboardAlert[] = [];
  private readonly status = byId<HTMLElement>('alerts-status');
  private readonly gateway = byId<HTMLInputElement>('alert-gateway');
  private readonly kind = byId<HTMLSelectElement>('alert-kind');
  private readonly from = byId<HTMLInputElement>('alert-from');
  private readonly to = byId<HTMLInputElement>('alert-to');
  private readonly gatewaysSeen = new Set<string>();

  constructor(
    private readonly state: State,
    private readonly changed: () => void,
  ) {
    this.showFilters();
    byId<HTMLFormElement>('alert-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.apply();
    });
    this.kind.addEventListener('change', () => this.apply());
    byId('alert-clear').addEventListener('click', () => {
      this.gateway.value = '';
      this.kind.value = '';
      this.from.value = '';
      this.to.value = '';
      this.apply();
    });
  }

  open(): void {
    this.close();
    this.feed = [];
    probe.alerts.feed = [];
    probe.alerts.heatmap = null;
    const params = new URLSearchParams();
    if (this.state.alertGateway) params.set('gateway', this.state.alertGateway);
    if (this.state.alertKind) params.set('kind', this.state.alertKind);
    if (this.state.alertFrom) params.set('from', this.state.alertFrom);
    if (this.state.alertTo) params.set('to', this.state.alertTo);
    const source = new EventSource(`alerts/live?${params.toString()}`);
    this.source = source;
    probe.alerts.streams++;
    this.status.textContent = 'connecting…';
    source.addEventListener('error', () => {
      this.status.textContent = 'stream interrupted; reconnecting…';
    });
    source.addEventListener('problem', (event) => {
      this.status.textContent = `server: ${(JSON.parse(event.data) as { message: string }).message}`;
    });
    source.addEventListener('status', (event) => {
      const { status } = JSON.parse(event.data) as { status: AlertsStatus };
      probe.alerts.status = status;
      this.status.textContent = describeStatus(status);
    });
    source.addEventListener('snapshot', (event) => {
      this.feed = (JSON.parse(event.data) as { alerts: DashboardAlert[] }).alerts;
      this.renderFeed();
    });
    source.addEventListener('alerts', (event) => {
      const { alerts } = JSON.parse(event.data) as { alerts: DashboardAlert[] };
      this.feed = [...[...alerts].reverse(), ...this.feed].slice(0, KEEP);
      this.renderFeed();
    });
    source.addEventListener('heatmap', (event) => {
      const { heatmap } = JSON.parse(event.data) as { heatmap: AlertHeatmap };
      probe.alerts.heatmap = heatmap;
      this.renderHeatmap(heatmap);
    });
  }

  close(): void {
    this.source?.close();
    this.source = undefined;
  }

  private apply(): void {
    this.state.alertGateway = this.gateway.value.trim();
    this.state.alertKind = this.kind.value;
    this.state.alertFrom = inputToIso(this.from.value);
    this.state.alertTo = inputToIso(this.to.value);
    this.changed();
    this.open();
  }

  private showFilters(): void {
    this.gateway.value = this.state.alertGateway;
    this.kind.value = this.state.alertKind;
    this.from.value = isoToInput(this.state.alertFrom);
    this.to.value = isoToInput(this.state.alertTo);
  }

  private renderFeed(): void {
    probe.alerts.feed = this.feed;
    for (const alert of this.feed) this.gatewaysSeen.add(alert.gateway);
    this.fillGateways();
    byId<HTMLTableElement>('alert-feed').tBodies[0]!.replaceChildren(
      ...this.feed.map((alert) =>
        el(
          'tr',
          { 'data-seq': String(alert.seq), 'data-kind': alert.kind, 'data-gateway': alert.gateway },
          el('td', {}, instant(alert.at)),
          el('td', {}, alert.gateway),
          el('td', {}, el('span', { class: `kind kind-${alert.kind}` }, alert.kind)),
          el('td', {}, alert.series),
          el('td', {}, alert.detail),
        ),
      ),
    );
  }

  private renderHeatmap(heatmap: AlertHeatmap): void {
    for (const gateway of heatmap.gateways) this.gatewaysSeen.add(gateway);
    this.fillGateways();
    const range = heatmap.hours.length > 0 ? `${instant(heatmap.from)} to ${instant(heatmap.to)}` : '';
    byId('heatmap-caption').textContent =
      heatmap.total === 0
        ? `No anomalies${range ? ` from ${range}` : ''}.`
        : `${heatmap.total} anomalies (${heatmap.kinds.join(', ')}) from ${range}` +
          (heatmap.clipped ? ' (the latest week of the range)' : '') +
          (heatmap.otherGateways > 0 ? `; ${heatmap.otherGateways} more gateways not shown` : '');
    byId('alert-heatmap').replaceChildren(...(heatmap.gateways.length > 0 ? [drawHeatmap(heatmap)] : []));
  }

  private fillGateways(): void {
    const list = byId('alert-gateways');
    if (list.childElementCount === this.gatewaysSeen.size) return;
    list.replaceChildren(
      ...[...this.gatewaysSeen]
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .map((gateway) => el('option', { value: gateway })),
    );
  }
}

function describeStatus(status: AlertsStatus): string {
  if (!status.configured) return `Alerts unavailable: ${status.brokerError ?? 'not configured'}.`;
  const topics = status.topics.map((topic) => {
    const unreadable =
      topic.unreadable > 0 ? `, ${topic.unreadable} unreadable records (${topic.lastUnreadable})` : '';
    if (topic.state === 'missing') return `${topic.topic}: topic does not exist yet (no alerts)`;
    if (topic.state === 'failed') return `${topic.topic}: failed — ${topic.message}`;
    return `${topic.topic}: ${topic.read} alerts read${unreadable}`;
  });
  return [status.brokerError ? `broker: ${status.brokerError}` : '', ...topics].filter(Boolean).join(' · ');
}
