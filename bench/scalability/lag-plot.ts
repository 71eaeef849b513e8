/**
 * The lag plot of a run as a small self-contained SVG: lag over time per load, the warm-up shaded,
 * the fitted slope in the legend.
 */
import type { LagSample } from './lag-trend.js';

export interface PlotSeries {
  readonly label: string;
  readonly samples: readonly LagSample[];
  readonly colour: string;
}

const W = 720;
const H = 360;
const PAD = { left: 80, right: 20, top: 30, bottom: 50 };

export function lagPlotSvg(title: string, series: readonly PlotSeries[], warmupSec: number): string {
  const all = series.flatMap((s) => s.samples);
  const maxT = Math.max(1, ...all.map((s) => s.t));
  const maxLag = Math.max(1, ...all.map((s) => s.lag));
  const x = (t: number) => PAD.left + (t / maxT) * (W - PAD.left - PAD.right);
  const y = (lag: number) => H - PAD.bottom - (lag / maxLag) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s) => {
    const points = s.samples.map((p) => `${x(p.t).toFixed(1)},${y(p.lag).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${points}"/>`;
  });
  const legend = series.map(
    (s, i) =>
      `<text x="${PAD.left + 10}" y="${PAD.top + 16 + i * 16}" fill="${s.colour}" font-size="12">${escapeXml(s.label)}</text>`,
  );
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(maxLag * f);
    return `<text x="${PAD.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`;
  });
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = Math.round(maxT * f);
    return `<text x="${x(t)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${t}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${x(Math.min(warmupSec, maxT)) - PAD.left}" height="${H - PAD.top - PAD.bottom}" fill="#eee"/>`,
    `<text x="${W / 2}" y="18" font-size="14" text-anchor="middle">${escapeXml(title)}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="black"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="black"/>`,
    ...yTicks,
    ...xTicks,
    `<text x="${W / 2}" y="${H - 10}" font-size="12" text-anchor="middle">seconds (grey: warm-up)</text>`,
    `<text x="16" y="${H / 2}" font-size="12" transform="rotate(-90 16 ${H / 2})" text-anchor="middle">consumer lag (records)</text>`,
    ...lines,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
