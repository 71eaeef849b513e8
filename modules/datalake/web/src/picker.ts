import { type ListedSeries, getJson } from './api.js';
import { byId, el } from './format.js';
import type { State } from './url-state.js';

/**
 * The gateway / type / attribute selects, filled from `GET /series` (the series the Redis view
 * knows). A choice narrows the next select; a state naming a series that is not listed (yet) is
 * kept as an option, so a shared URL still shows what it names.
 */
export class SeriesPicker {
  private series: ListedSeries[] = [];
  private readonly gateway = byId<HTMLSelectElement>('gateway');
  private readonly metricType = byId<HTMLSelectElement>('metricType');
  private readonly attribute = byId<HTMLSelectElement>('attribute');
  private readonly status = byId<HTMLElement>('picker-status');

  constructor(
    private readonly state: State,
    private readonly onChange: () => void,
  ) {
    this.gateway.addEventListener('change', () => this.choose('gateway'));
    this.metricType.addEventListener('change', () => this.choose('metricType'));
    this.attribute.addEventListener('change', () => this.choose('attribute'));
  }

  async load(): Promise<void> {
    try {
      this.series = (await getJson<{ series: ListedSeries[] }>('series')).series;
      this.status.textContent =
        this.series.length === 0 ? 'No series yet: is `meterstream sink redis` running?' : '';
    } catch (error) {
      this.status.textContent = `Series list unavailable: ${(error as Error).message}`;
    }
    this.fill();
  }

  /** The listed series of the current choice, if any. */
  current(): ListedSeries | undefined {
    return this.series.find(
      (s) =>
        s.gateway === this.state.gateway &&
        s.metricType === this.state.metricType &&
        s.metricAttribute === this.state.attribute,
    );
  }

  private choose(which: 'gateway' | 'metricType' | 'attribute'): void {
    if (which === 'gateway') this.state.gateway = this.gateway.value;
    if (which === 'metricType') this.state.metricType = this.metricType.value;
    this.state.attribute = which === 'attribute' ? this.attribute.value : '';
    if (which === 'gateway') this.state.metricType = '';
    // A new series starts at its own latest day.
    this.state.from = Number.NaN;
    this.state.to = Number.NaN;
    this.fill();
    this.onChange();
  }

  private fill(): void {
    const unique = (values: string[]) => [...new Set(values)];
    const gateways = unique(this.series.map((s) => s.gateway));
    this.state.gateway = setOptions(this.gateway, gateways, this.state.gateway);
    const ofGateway = this.series.filter((s) => s.gateway === this.state.gateway);
    this.state.metricType = setOptions(
      this.metricType,
      unique(ofGateway.map((s) => s.metricType)),
      this.state.metricType,
    );
    const ofType = ofGateway.filter((s) => s.metricType === this.state.metricType);
    this.state.attribute = setOptions(
      this.attribute,
      unique(ofType.map((s) => s.metricAttribute)),
      this.state.attribute,
    );
  }
}

/** Replaces the options; keeps `wanted` (added if unlisted) or falls back to the first. */
function setOptions(select: HTMLSelectElement, values: string[], wanted: string): string {
  const all = wanted && !values.includes(wanted) ? [wanted, ...values] : values;
  select.replaceChildren(...all.map((value) => el('option', { value }, value)));
  const chosen = wanted || all[0] || '';
  select.value = chosen;
  return chosen;
}
