import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOUR,
  type ProducedAlert,
  alarm,
  expectedCounts,
  meterAlert,
  produceAlerts,
} from './helpers/alert-records.js';
import { type AlertsFixture, startAlertsFixture } from './helpers/alerts-fixture.js';
import { launchChromium } from './helpers/chromium.js';

// The Alerts view in headless Chromium (Debian's package, playwright-core) against the serving API
// reading the embedded broker's alert topics; alerts are produced to the topics over TCP with
// kafkajs. What the page shows is read from its DOM (feed rows, heat-map cells' data attributes)
// and from window.meterstreamDashboard.

interface AlertsProbe {
  alerts: {
    feed: { gateway: string; kind: string; at: number }[];
    heatmap: { total: number } | null;
    status: { lookups: number; topics: { topic: string; state: string }[] } | null;
    streams: number;
  };
}

const H0 = Date.UTC(2024, 5, 3, 8);
const produced: ProducedAlert[] = [
  alarm('0', H0 + 60_000, 'over', 9.1),
  alarm('0', H0 + 90_000, 'over', 12.5),
  alarm('3', H0 + HOUR + 10_000, 'under', -1),
  meterAlert('3', H0 + 20_000, 'meter-flagged'),
  meterAlert('3', H0 + 2 * HOUR, 'meter-recovered'),
  meterAlert('7', H0 + 2 * HOUR + 5_000, 'long-gap'),
  meterAlert('0', H0 + 3 * HOUR, 'long-gap'),
  meterAlert('7', H0 + 3 * HOUR + 1, 'unit-error'),
];
const key = (a: { gateway: string; kind: string; at: number }) => `${a.gateway}|${a.kind}|${a.at}`;

let fixture: AlertsFixture;
let browser: Browser;

beforeAll(async () => {
  [fixture, browser] = await Promise.all([startAlertsFixture(), launchChromium()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

const probe = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { meterstreamDashboard: AlertsProbe }).meterstreamDashboard);

/** Waits until the feed shown holds exactly the alerts `expected` (any order). */
async function waitFeed(page: Page, expected: ProducedAlert[]): Promise<void> {
  const want = expected.map(key).sort();
  await page.waitForFunction(
    (wanted) => {
      const shown = (globalThis as unknown as { meterstreamDashboard: AlertsProbe }).meterstreamDashboard
        .alerts.feed;
      return (
        JSON.stringify(shown.map((a) => `${a.gateway}|${a.kind}|${a.at}`).sort()) === JSON.stringify(wanted)
      );
    },
    want,
    { timeout: 30_000 },
  );
}

/** The feed table's rows as `gateway|kind`, and the heat map's non-empty cells as `gateway|hour` → count. */
async function shown(page: Page): Promise<{ rows: string[]; cells: Map<string, number> }> {
  const rows = page.locator('#alert-feed tbody tr');
  const rowKeys: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    rowKeys.push(`${await row.getAttribute('data-gateway')}|${await row.getAttribute('data-kind')}`);
  }
  const hot = page.locator('#alert-heatmap rect.hot');
  const cells = new Map<string, number>();
  for (let i = 0; i < (await hot.count()); i++) {
    const cell = hot.nth(i);
    cells.set(
      `${await cell.getAttribute('data-gateway')}|${await cell.getAttribute('data-hour')}`,
      Number(await cell.getAttribute('data-count')),
    );
  }
  return { rows: rowKeys.sort(), cells };
}

const rowsOf = (alerts: ProducedAlert[]) => alerts.map((a) => `${a.gateway}|${a.kind}`).sort();

describe('alerts view in headless Chromium', () => {
  it('says the topics do not exist yet, then shows produced alerts in the feed and the heat map; filters live in the URL', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fixture.baseUrl}/?view=alerts`);
    await page.waitForFunction(
      () =>
        ((globalThis as unknown as { meterstreamDashboard: AlertsProbe }).meterstreamDashboard.alerts.status
          ?.lookups ?? 0) >= 1,
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.locator('#alerts-status').textContent()).toContain('alarms: topic does not exist yet');
    expect(await page.locator('#alert-feed tbody tr').count()).toBe(0);
    expect(await fixture.kafka.admin.listTopics()).not.toContain('alarms');

    await fixture.kafka.admin.createTopics({
      topics: [
        { topic: 'alarms', numPartitions: 1 },
        { topic: 'meter-alerts', numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await produceAlerts(fixture.kafka.kafka, produced);
    await waitFeed(page, produced);
    await page.waitForFunction(
      (total) =>
        (globalThis as unknown as { meterstreamDashboard: AlertsProbe }).meterstreamDashboard.alerts.heatmap
          ?.total === total,
      produced.filter((a) => a.kind !== 'meter-recovered').length,
      { timeout: 30_000 },
    );
    const all = await shown(page);
    expect(all.rows).toEqual(rowsOf(produced));
    expect(all.cells).toEqual(expectedCounts(produced));

    // Kind: applied on change; the stream is reopened with the filter, the URL keeps it.
    const streams = (await probe(page)).alerts.streams;
    await page.selectOption('#alert-kind', 'long-gap');
    const longGaps = produced.filter((a) => a.kind === 'long-gap');
    await waitFeed(page, longGaps);
    expect((await probe(page)).alerts.streams).toBe(streams + 1);
    await expect.poll(async () => (await shown(page)).cells).toEqual(expectedCounts(longGaps, ['long-gap']));
    expect(new URL(page.url()).searchParams.get('alertKind')).toBe('long-gap');

    // Gateway and time range, from the keyboard: type, then Enter submits the filters.
    await page.selectOption('#alert-kind', '');
    await page.fill('#alert-from', new Date(H0 + HOUR).toISOString().slice(0, 16));
    await page.fill('#alert-to', new Date(H0 + 4 * HOUR).toISOString().slice(0, 16));
    await page.fill('#alert-gateway', '7');
    await page.focus('#alert-gateway');
    await page.keyboard.press('Enter');
    const filtered = produced.filter((a) => a.gateway === '7' && a.at >= H0 + HOUR && a.at < H0 + 4 * HOUR);
    await waitFeed(page, filtered);
    const params = new URL(page.url()).searchParams;
    expect(params.get('alertGateway')).toBe('7');
    expect(params.get('alertFrom')).toBe(new Date(H0 + HOUR).toISOString());
    expect(params.get('alertTo')).toBe(new Date(H0 + 4 * HOUR).toISOString());
    expect(params.get('alertKind')).toBeNull();

    // The URL restores the view: filters in the controls, the same feed and heat map.
    const restored = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    restored.on('pageerror', (error) => errors.push(error.message));
    await restored.goto(page.url());
    await waitFeed(restored, filtered);
    expect(await restored.locator('#alert-gateway').inputValue()).toBe('7');
    expect(await restored.locator('#alert-from').inputValue()).toBe(
      new Date(H0 + HOUR).toISOString().slice(0, 16),
    );
    await expect.poll(async () => (await shown(restored)).cells).toEqual(expectedCounts(filtered));
    const hours = await restored.locator('#alert-heatmap rect[data-gateway="7"]').count();
    expect(hours).toBe(3); // the range's three hours, one row: gateway 7

    // Live: a matching alert produced now appears on the open page; one of another gateway does not.
    const later = [
      meterAlert('7', H0 + 3 * HOUR + 60_000, 'meter-flagged'),
      alarm('0', H0 + 3 * HOUR, 'over', 30),
    ];
    await produceAlerts(fixture.kafka.kafka, later);
    await waitFeed(restored, [...filtered, later[0]!]);
    expect(errors).toEqual([]);
    await page.close();
    await restored.close();
  });

  it('is readable at phone width: nothing wider than the screen with the feed and the heat map drawn', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${fixture.baseUrl}/?view=alerts`);
    await page.waitForFunction(
      () => {
        const shown = (globalThis as unknown as { meterstreamDashboard: AlertsProbe }).meterstreamDashboard
          .alerts;
        return shown.feed.length > 0 && (shown.heatmap?.total ?? 0) > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    type PageGlobals = { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('#alert-heatmap rect.hot').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
