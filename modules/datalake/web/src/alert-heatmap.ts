import type { AlertHeatmap } from './api.js';
import { instant } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const CELL = 14;
const LABEL_WIDTH = 80;
const HEADER = 18;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The heat map as SVG: a row per gateway, a column per hour, a cell's opacity its share of the
 * largest count (cells with none drawn in the grid colour). Each cell carries its gateway, hour and
 * count as data attributes and a tooltip. The drawing scales to the container's width (viewBox), so
 * a week of hours stays readable on a phone by zooming, and nothing overflows the page.
 */
export function drawHeatmap(heatmap: AlertHeatmap): SVGSVGElement {
  const width = LABEL_WIDTH + heatmap.hours.length * CELL;
  const height = HEADER + heatmap.gateways.length * CELL;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Anomalies per gateway per hour, ${instant(heatmap.from)} to ${instant(heatmap.to)}`,
  });
  // Up to twice the natural size: a day of hours fills a laptop screen, a week scales down.
  root.style.maxWidth = `${Math.max(2 * width, 320)}px`;
  heatmap.hours.forEach((hour, column) => {
    // An hour label every 6 columns (at UTC 00, 06, 12, 18).
    if (new Date(hour).getUTCHours() % 6 !== 0) return;
    const label = new Date(hour).toISOString().slice(5, 13).replace('T', ' ');
    root.append(
      svg('text', { x: LABEL_WIDTH + column * CELL, y: HEADER - 5, class: 'hour-label' }, `${label}h`),
    );
  });
  heatmap.gateways.forEach((gateway, row) => {
    const y = HEADER + row * CELL;
    root.append(svg('text', { x: LABEL_WIDTH - 6, y: y + CELL - 3, class: 'gateway-label' }, gateway));
    heatmap.hours.forEach((hour, column) => {
      const count = heatmap.counts[row]![column]!;
      const cell = svg('rect', {
        x: LABEL_WIDTH + column * CELL,
        y,
        width: CELL - 1,
        height: CELL - 1,
        class: count > 0 ? 'cell hot' : 'cell',
        'fill-opacity': count > 0 ? (0.2 + (0.8 * count) / Math.max(1, heatmap.max)).toFixed(3) : 1,
        'data-gateway': gateway,
        'data-hour': new Date(hour).toISOString(),
        'data-count': count,
      });
      cell.append(svg('title', {}, `gateway ${gateway}, ${instant(hour)}: ${count}`));
      root.append(cell);
    });
  });
  return root;
}
