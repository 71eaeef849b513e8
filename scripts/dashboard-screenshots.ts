// Screenshots of the dashboard's views into docs/dashboard-*.png (referenced from the READMEs):
// the browser tests' fixture (a week of 1-minute windows on the embedded CQL server, a real
// redis-server), headless Chromium through playwright-core. Run after `npm run build`:
//   npx tsx scripts/dashboard-screenshots.ts
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../modules/datalake/test/helpers/chromium.js';
import { D0, DAY, startDashboardFixture } from '../modules/datalake/test/helpers/dashboard-fixture.js';

const DOCS = join(import.meta.dirname, '../docs');
const series = 'gateway=0&metricType=ELECTRICITY&attribute=ACTIVE_POWER';
const iso = (ms: number) => new Date(ms).toISOString();

type Probe = {
  series: { loads: number };
  live: { windows: Record<number, unknown[]> };
  health: { loads: number };
};
type View = 'series' | 'live' | 'health';

/** Waits until the view has drawn its data (the page's probe), then lets the chart paint. */
async function ready(page: Page, view: View): Promise<void> {
  await page.waitForFunction(
    (which) => {
      const probe = (globalThis as unknown as { meterstreamDashboard: Probe }).meterstreamDashboard;
      if (which === 'series') return probe.series.loads > 0;
      if (which === 'live') return (probe.live.windows[60]?.length ?? 0) > 0;
      return probe.health.loads > 0;
    },
    view,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(300);
}

const fixture = await startDashboardFixture();
const browser = await launchChromium();
try {
  const shots: { file: string; url: string; check: View; width?: number; height?: number; dark?: boolean }[] =
    [
      {
        file: 'dashboard-series.png',
        url: `view=series&${series}&window=3600&from=${iso(D0)}&to=${iso(D0 + 4 * DAY)}`,
        check: 'series',
      },
      { file: 'dashboard-live.png', url: `view=live&${series}`, check: 'live' },
      { file: 'dashboard-health.png', url: 'view=health', check: 'health' },
      {
        file: 'dashboard-phone-dark.png',
        url: `view=series&${series}&from=${iso(D0 + 6 * DAY)}&to=${iso(D0 + 7 * DAY)}`,
        check: 'series',
        width: 390,
        height: 844,
        dark: true,
      },
    ];
  for (const shot of shots) {
    const page = await browser.newPage({
      viewport: { width: shot.width ?? 1280, height: shot.height ?? 820 },
      colorScheme: shot.dark ? 'dark' : 'light',
    });
    await page.goto(`${fixture.baseUrl}/?${shot.url}`);
    await ready(page, shot.check);
    await page.screenshot({ path: join(DOCS, shot.file), fullPage: true });
    process.stdout.write(`wrote docs/${shot.file}\n`);
    await page.close();
  }
} finally {
  await browser.close();
  await fixture.close();
}
