import { writeFileSync } from 'node:fs';
import { waitFor } from '@meterstream/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.js';
import { coarser } from './helpers/dashboard-data.js';
import {
  BATCH_UNTIL,
  D0,
  DAY,
  DAYS,
  type DashboardFixture,
  startDashboardFixture,
} from './helpers/dashboard-fixture.js';

// The dashboard in real headless Chromium (Debian's package, driven by playwright-core) against the
// serving API on the embedded CQL server and a real redis-server. What the page shows is read back
// from its data (window.meterstreamDashboard, the arrays given to the chart), not from pixels.
// Figures (page weight, first render, live delay) are measured, not asserted: set
// METERSTREAM_DASHBOARD_FIGURES=<file> to have them written as JSON.

interface Probe {
  series: {
    data: (number | null)[][] | null;
    window: number | null;
    loads: number;
    lastLoadMs: number | null;
  };
  live: {
    windows: Record<number, { windowStart: number; average: number; receivedAt: number }[]>;
    activity: { gateway: string; timestamp: number }[];
  };
  health: { loads: number };
}

const HOUR = 3_600_000;
const query = 'gateway=0&metricType=ELECTRICITY&attribute=ACTIVE_POWER';
const iso = (ms: number) => new Date(ms).toISOString();
const figures: Record<string, number> = {};

let fixture: DashboardFixture;
let browser: Browser;

beforeAll(async () => {
  [fixture, browser] = await Promise.all([startDashboardFixture(), launchChromium()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
  const file = process.env.METERSTREAM_DASHBOARD_FIGURES;
  if (file) writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
});

/** A page at 1280×800 that records console errors, uncaught exceptions and transferred bytes. */
async function openPage(): Promise<{ page: Page; errors: string[]; bytes: () => number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  let bytes = 0;
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', async (response) => {
    // Bytes on the wire: the gzipped body's content-length (the static assets are served gzipped).
    const length = Number((await response.allHeaders())['content-length'] ?? 0);
    if (response.request().resourceType() !== 'eventsource') bytes += length;
  });
  return { page, errors, bytes: () => bytes };
}

const probe = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard);

/** The (x, value) pairs of one chart column where it has a value (the joined axis leaves gaps). */
function column(shown: Probe, index: number): [number, number][] {
  const [x, values] = [shown.series.data![0]!, shown.series.data![index]!];
  return x.flatMap((t, i) => (values[i] === null || values[i] === undefined ? [] : [[t!, values[i]!]]));
}

async function waitLoads(page: Page, loads: number): Promise<Probe> {
  await page.waitForFunction(
    (n) => (globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard.series.loads >= n,
    loads,
    { timeout: 30_000 },
  );
  return probe(page);
}

describe('dashboard in headless Chromium', () => {
  it('loads without console errors and charts the week of 1-minute windows the test wrote', async () => {
    const { page, errors, bytes } = await openPage();
    const started = Date.now();
    await page.goto(`${fixture.baseUrl}/?view=series&${query}&from=${iso(D0)}&to=${iso(D0 + DAYS * DAY)}`);
    const shown = await waitLoads(page, 1);
    figures.weekFirstRenderMs = Date.now() - started;
    figures.weekChartLoadMs = Math.round(shown.series.lastLoadMs!);
    await page.waitForLoadState('networkidle');
    figures.pageWeightGzippedBytes = bytes();
    const [x, min, max, , avg] = shown.series.data!;
    // 10,080 windows into about one bucket per pixel: never more points than the chart is wide.
    expect(shown.series.window).toBe(60);
    expect(x!.length).toBeGreaterThan(600);
    expect(x!.length).toBeLessThanOrEqual(1280);
    // Downsampling keeps the extremes of what was written, and the week's first and last windows.
    expect(Math.min(...(min as number[]))).toBe(Math.min(...fixture.minutes.map((m) => m.min)));
    expect(Math.max(...(max as number[]))).toBe(Math.max(...fixture.minutes.map((m) => m.max)));
    expect(x![0]).toBe(D0 / 1000);
    expect(avg!.every((v) => v !== null)).toBe(true);
    expect(await page.locator('#gateway').inputValue()).toBe('0');
    expect(figures.pageWeightGzippedBytes).toBeLessThan(200 * 1024);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the exact windows of a two-hour range; zooming by keyboard updates the URL, which restores the view', async () => {
    const { page, errors } = await openPage();
    await page.goto(
      `${fixture.baseUrl}/?view=series&${query}&from=${iso(D0 + HOUR)}&to=${iso(D0 + 3 * HOUR)}`,
    );
    const first = await waitLoads(page, 1);
    const written = fixture.minutes.filter(
      (m) => m.windowStart >= D0 + HOUR && m.windowStart < D0 + 3 * HOUR,
    );
    const readings = fixture.readings.filter((r) => r.timestamp >= D0 + HOUR && r.timestamp < D0 + 3 * HOUR);
    // One x axis for the windows and the readings: each column is read where it has values.
    expect(column(first, 1)).toEqual(written.map((m) => [m.windowStart / 1000, m.min]));
    expect(column(first, 2)).toEqual(written.map((m) => [m.windowStart / 1000, m.max]));
    expect(column(first, 3)).toEqual([]); // no batch view of the 1-minute windows
    expect(column(first, 4)).toEqual(written.map((m) => [m.windowStart / 1000, m.average]));
    // The raw readings of the series from the lake (gateway 1's, in the same objects, left out).
    expect(column(first, 5)).toEqual(readings.map((r) => [r.timestamp / 1000, r.value]));
    expect(await page.locator('#series-range').textContent()).toContain('120 raw readings');
    await page.focus('#zoom-in');
    await page.keyboard.press('Enter');
    await waitLoads(page, 2);
    const url = page.url();
    const params = new URL(url).searchParams;
    expect(params.get('from')).toBe(iso(D0 + 1.5 * HOUR));
    expect(params.get('to')).toBe(iso(D0 + 2.5 * HOUR));
    const zoomed = (await probe(page)).series.data;
    const restored = await openPage();
    await restored.page.goto(url);
    const again = await waitLoads(restored.page, 1);
    expect(again.series.data).toEqual(zoomed);
    expect(column(again, 1).map(([x]) => x)).toEqual(
      fixture.minutes
        .filter((m) => m.windowStart >= D0 + 1.5 * HOUR && m.windowStart < D0 + 2.5 * HOUR)
        .map((m) => m.windowStart / 1000),
    );
    expect([...errors, ...restored.errors]).toEqual([]);
    await page.close();
    await restored.page.close();
  });

  it('draws hourly averages from the batch view up to its high-water mark and from the real-time view after', async () => {
    const { page, errors } = await openPage();
    await page.goto(
      `${fixture.baseUrl}/?view=series&${query}&window=3600&from=${iso(D0)}&to=${iso(D0 + 4 * DAY)}`,
    );
    const shown = await waitLoads(page, 1);
    const [x, , , batch, speed] = shown.series.data!;
    const hours = coarser(fixture.minutes, 3600).filter((h) => h.windowStart < D0 + 4 * DAY);
    expect(x).toEqual(hours.map((h) => h.windowStart / 1000));
    hours.forEach((h, i) => {
      if (h.windowStart < BATCH_UNTIL) {
        expect(batch![i]).toBeCloseTo(h.average + 1, 9); // the fixture's batch rows
        expect(speed![i]).toBeNull();
      } else {
        expect(batch![i]).toBeNull();
        expect(speed![i]).toBeCloseTo(h.average, 9);
      }
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pushes a window written while the live view is open, and shows the latest activity per gateway', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${fixture.baseUrl}/?view=live&${query}`);
    const last = fixture.minutes[fixture.minutes.length - 1]!;
    await page.waitForFunction(
      (start) =>
        (
          globalThis as unknown as { meterstreamDashboard: Probe }
        ).meterstreamDashboard.live.windows[60]?.some((w) => w.windowStart === start) ?? false,
      last.windowStart,
      { timeout: 30_000 },
    );
    // A new window, written as the two sinks write it: the real-time view, then the Redis view.
    const next = {
      ...last,
      windowStart: last.windowEnd,
      windowEnd: last.windowEnd + 60_000,
      min: 4321.5,
      max: 4321.5,
      sum: 4321.5,
      average: 4321.5,
    };
    await fixture.speed.save(60, next);
    await fixture.view.writeLatestAggregates(60, [next]);
    const written = Date.now();
    let received: { windowStart: number; average: number; receivedAt: number } | undefined;
    await waitFor(
      'the new window on the page',
      async () => {
        received = (await probe(page)).live.windows[60]?.find((w) => w.windowStart === next.windowStart);
        return received !== undefined;
      },
      30_000,
      50,
    );
    figures.liveWindowDelayMs = received!.receivedAt - written;
    expect(received!.average).toBe(4321.5);
    await expect
      .poll(() =>
        page
          .locator(`table[data-window="60"] tr[data-window-start="${next.windowStart}"] td`)
          .allTextContents(),
      )
      .toEqual([iso(next.windowStart).replace('.000Z', 'Z'), '1', '4322', '4322', '4322']);
    const activity = (await probe(page)).live.activity;
    expect(activity.map((a) => a.gateway)).toEqual(['0', '1', '2']);
    expect(await page.locator('#activity tbody tr').count()).toBe(3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows each configured app up or down with its counters', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${fixture.baseUrl}/?view=health`);
    await page.waitForFunction(
      () => (globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard.health.loads >= 1,
      undefined,
      { timeout: 30_000 },
    );
    const up = page.locator('article[data-app="aggregate-60"]');
    expect(await up.getAttribute('class')).toContain('up');
    expect(await up.locator('dd').allTextContents()).toEqual(['1,234', '3']);
    expect(await page.locator('article[data-app="sink-cassandra-60"]').getAttribute('class')).toContain(
      'down',
    );
    expect(await page.locator('#lag tbody').textContent()).toContain('no Kafka brokers configured');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is readable at phone width (nothing wider than the screen) and its tabs follow the arrow keys', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fixture.baseUrl}/?view=series&${query}&from=${iso(D0)}&to=${iso(D0 + DAY)}`);
    await waitLoads(page, 1);
    // Evaluated in the page (no DOM types in the tests' compilation: globalThis, typed here).
    type PageGlobals = {
      document: { documentElement: { scrollWidth: number }; activeElement: { id: string } | null };
      innerWidth: number;
    };
    const overflow = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return g.document.documentElement.scrollWidth - g.innerWidth;
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.focus('#tab-series');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard.live.activity.length >
        0,
      undefined,
      { timeout: 30_000 },
    );
    expect(new URL(page.url()).searchParams.get('view')).toBe('live');
    expect(await page.locator('#view-live').isVisible()).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe(
      'tab-live',
    );
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
