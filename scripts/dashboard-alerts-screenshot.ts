// A screenshot of the dashboard's Alerts view into docs/dashboard-alerts.png (referenced from the
// READMEs): the alerts browser test's fixture (embedded broker, CQL server, redis-server), a day of
// made-up alerts for eight gateways produced to `alarms` and `meter-alerts` with kafkajs, headless
// Chromium through playwright-core. Run after `npm run build`:
//   npx tsx scripts/dashboard-alerts-screenshot.ts
import { join } from 'node:path';
import {
  HOUR,
  type ProducedAlert,
  alarm,
  meterAlert,
  produceAlerts,
} from '../modules/datalake/test/helpers/alert-records.js';
import { startAlertsFixture } from '../modules/datalake/test/helpers/alerts-fixture.js';
import { launchChromium } from '../modules/datalake/test/helpers/chromium.js';

const DOCS = join(import.meta.dirname, '../docs');
const H0 = Date.UTC(2024, 0, 15);
const METER_KINDS = ['meter-flagged', 'meter-recovered', 'long-gap', 'unit-error'] as const;

// Deterministic: gateway g raises alarms in the hours where (g × 7 + hour) mod 5 is 0, more in the
// evening peak; every few hours a meter alert.
const alerts: ProducedAlert[] = [];
for (let gateway = 0; gateway < 8; gateway++) {
  for (let hour = 0; hour < 24; hour++) {
    const at = H0 + hour * HOUR;
    const burst = (gateway * 7 + hour) % 5 === 0 ? 1 + ((gateway + hour) % 4) : 0;
    const peak = hour >= 18 && hour <= 21 && gateway % 3 === 0 ? 3 : 0;
    for (let i = 0; i < burst + peak; i++)
      alerts.push(alarm(String(gateway), at + i * 60_000, 'over', 8.5 + i));
    if ((gateway + hour) % 9 === 0) {
      alerts.push(meterAlert(String(gateway), at + 30 * 60_000, METER_KINDS[(gateway + hour) % 4]!));
    }
  }
}

const fixture = await startAlertsFixture();
const browser = await launchChromium();
try {
  await fixture.kafka.admin.createTopics({
    topics: [
      { topic: 'alarms', numPartitions: 2 },
      { topic: 'meter-alerts', numPartitions: 1 },
    ],
  });
  await produceAlerts(fixture.kafka.kafka, alerts);
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  await page.goto(`${fixture.baseUrl}/?view=alerts`);
  await page.waitForFunction(
    (total) =>
      (globalThis as unknown as { meterstreamDashboard: { alerts: { feed: unknown[] } } })
        .meterstreamDashboard.alerts.feed.length === total,
    Math.min(200, alerts.length),
    { timeout: 60_000 },
  );
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(DOCS, 'dashboard-alerts.png'), fullPage: false });
  process.stdout.write('wrote docs/dashboard-alerts.png\n');
} finally {
  await browser.close();
  await fixture.close();
}
