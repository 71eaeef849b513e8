// Screenshots of the dashboard's views into docs/dashboard-*.png (referenced from the READMEs):
// the browser tests' fixture (a week of 1-minute windows on the embedded CQL server, a real
// redis-server), headless Chromium through playwright-core. Run after `npm run build`:
//   npx tsx scripts/dashboard-screenshots.ts
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../modules/datalake/test/helpers/chromium.js';
import { D0, DAY, startDashboardFixture } from '../modules/datalake/test/helpers/dashboard-fixture.js';
import { startTestKafka } from '@meterstream/test-support';

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

// A broker with the pipeline's topics and a few committed groups, for the lag table.
const kafka = await startTestKafka();
await kafka.admin.createTopics({
  topics: [
    { topic: 'metrics', numPartitions: 4 },
    { topic: 'metrics-aggregates-60', numPartitions: 4 },
  ],
});
const producer = kafka.kafka.producer();
await producer.connect();
for (const topic of ['metrics', 'metrics-aggregates-60']) {
  await producer.send({
    topic,
    messages: Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: String(i) })),
  });
}
await producer.disconnect();
const commit = (groupId: string, topic: string, behind: number[]) =>
  kafka.admin.setOffsets({
    groupId,
    topic,
    partitions: behind.map((lag, partition) => ({ partition, offset: String(100 - lag) })),
  });
await commit('meterstream-aggregator-60', 'metrics', [0, 0, 3, 0]);
await commit('meterstream-sink-s3', 'metrics', [12, 40, 7, 0]);
await commit('meterstream-cassandra-writer-60', 'metrics-aggregates-60', [0, 1, 0, 0]);
const fixture = await startDashboardFixture({ admin: async () => kafka.admin });
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
        url: `view=series&${series}&from=${iso(D0 + 0.25 * DAY)}&to=${iso(D0 + 0.375 * DAY)}`,
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
  await kafka.close();
}
