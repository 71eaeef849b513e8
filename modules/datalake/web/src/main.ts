import 'uplot/dist/uPlot.min.css';
import './style.css';
import { AlertsView } from './alerts-view.js';
import { HealthView } from './health-view.js';
import { LiveView } from './live-view.js';
import { SeriesPicker } from './picker.js';
import './probe.js';
import { SeriesView } from './series-view.js';
import { type View, readState, writeState } from './url-state.js';

const state = readState();
const live = new LiveView(state);
const health = new HealthView();
const alerts = new AlertsView(state, () => writeState(state));
let picker: SeriesPicker;
const series = new SeriesView(
  state,
  () => picker.current()?.latestWindowEnd || undefined,
  () => writeState(state),
);
picker = new SeriesPicker(state, () => refresh());

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];

function show(view: View): void {
  state.view = view;
  for (const tab of tabs) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')!)!.hidden = !selected;
  }
  // The series picker means nothing to the health and alerts views (alerts have their own filters).
  document.querySelector<HTMLElement>('.picker')!.hidden = view === 'health' || view === 'alerts';
  writeState(state);
  refresh();
}

/** Starts what the shown view needs and stops the rest (the live streams, the health refresh). */
function refresh(): void {
  writeState(state);
  if (state.view === 'series') series.reload();
  if (state.view === 'live') live.open();
  else live.close();
  if (state.view === 'alerts') alerts.open();
  else alerts.close();
  if (state.view === 'health') health.open();
  else health.close();
}

for (const [i, tab] of tabs.entries()) {
  tab.addEventListener('click', () => show(tab.dataset.view as View));
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  tab.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length]!;
    next.focus();
    show(next.dataset.view as View);
  });
}

await picker.load();
show(state.view);
