// The view's state lives in the query string, so a URL restores exactly what was on screen.

export type View = 'series' | 'live' | 'alerts' | 'health';

export interface State {
  view: View;
  gateway: string;
  metricType: string;
  attribute: string;
  window: string;
  /** Epoch ms, or NaN: not chosen yet (the series' latest day). */
  from: number;
  to: number;
  /** The Alerts view's filters: gateway, kind, and event-time bounds as ISO-8601 (empty: any). */
  alertGateway: string;
  alertKind: string;
  alertFrom: string;
  alertTo: string;
}

const VIEWS: View[] = ['series', 'live', 'alerts', 'health'];

export function readState(search = location.search): State {
  const p = new URLSearchParams(search);
  const view = p.get('view') as View;
  return {
    view: VIEWS.includes(view) ? view : 'series',
    gateway: p.get('gateway') ?? '',
    metricType: p.get('metricType') ?? '',
    attribute: p.get('attribute') ?? '',
    window: p.get('window') ?? 'auto',
    from: p.has('from') ? Date.parse(p.get('from')!) : Number.NaN,
    to: p.has('to') ? Date.parse(p.get('to')!) : Number.NaN,
    alertGateway: p.get('alertGateway') ?? '',
    alertKind: p.get('alertKind') ?? '',
    alertFrom: p.get('alertFrom') ?? '',
    alertTo: p.get('alertTo') ?? '',
  };
}

export function writeState(state: State): void {
  const p = new URLSearchParams();
  p.set('view', state.view);
  if (state.gateway) p.set('gateway', state.gateway);
  if (state.metricType) p.set('metricType', state.metricType);
  if (state.attribute) p.set('attribute', state.attribute);
  if (state.window !== 'auto') p.set('window', state.window);
  if (Number.isFinite(state.from) && Number.isFinite(state.to)) {
    p.set('from', new Date(state.from).toISOString());
    p.set('to', new Date(state.to).toISOString());
  }
  if (state.alertGateway) p.set('alertGateway', state.alertGateway);
  if (state.alertKind) p.set('alertKind', state.alertKind);
  if (state.alertFrom) p.set('alertFrom', state.alertFrom);
  if (state.alertTo) p.set('alertTo', state.alertTo);
  const next = `?${p.toString()}`;
  if (next !== location.search) history.replaceState(null, '', next);
}
