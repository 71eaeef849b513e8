import { type PipelineHealth, getJson } from './api.js';
import { byId, el } from './format.js';
import { probe } from './probe.js';

/**
 * Pipeline health, refreshed every 5 s while shown: each configured app up or down with its
 * counters (scraped by the server from the app's Prometheus endpoint), and consumer lag per group
 * and partition (the broker's committed vs end offsets).
 */
export class HealthView {
  private timer: number | undefined;

  open(): void {
    this.close();
    const tick = async () => {
      await this.load();
      this.timer = window.setTimeout(tick, 5000);
    };
    void tick();
  }

  close(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async load(): Promise<void> {
    const status = byId<HTMLElement>('health-status');
    let health: PipelineHealth;
    try {
      health = await getJson<PipelineHealth>('pipeline');
    } catch (error) {
      status.textContent = (error as Error).message;
      return;
    }
    status.textContent = `as of ${health.at}${health.apps.length === 0 ? ' · no apps configured (serve --health-targets)' : ''}`;
    byId('health-apps').replaceChildren(
      ...health.apps.map((app) =>
        el(
          'article',
          { class: app.up ? 'card up' : 'card down', 'data-app': app.name },
          el('h3', {}, `${app.name} `, el('span', { class: 'badge' }, app.up ? 'up' : 'down')),
          app.error ? el('p', { class: 'muted' }, app.error) : '',
          el(
            'dl',
            {},
            ...Object.entries(app.counters).flatMap(([name, value]) => [
              el('dt', {}, name.replace(/^meterstream_/, '')),
              el('dd', {}, value.toLocaleString('en')),
            ]),
          ),
        ),
      ),
    );
    const body = byId<HTMLTableElement>('lag').tBodies[0]!;
    body.replaceChildren(
      ...(health.lagError
        ? [el('tr', {}, el('td', { colspan: '6' }, `lag unavailable: ${health.lagError}`))]
        : []),
      ...health.lag.map((row) =>
        el(
          'tr',
          {},
          ...[
            row.group,
            row.topic,
            String(row.partition),
            String(row.committed),
            String(row.end),
            String(row.lag),
          ].map((text) => el('td', {}, text)),
        ),
      ),
    );
    probe.health.loads++;
  }
}
