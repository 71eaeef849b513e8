import type { Consumer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsFixture, startAlertsFixture } from './helpers/alerts-fixture.js';
import { launchChromium } from './helpers/chromium.js';

// The pipeline-health view's consumer-lag table in headless Chromium, read from its DOM while a
// consumer group (standing in for an aggregator: the table reads any group's committed offsets from
// the broker's admin API) is stopped and restarted under a producer, all over TCP on the embedded
// broker.

const TOPIC = 'metrics';
const GROUP = 'meterstream-aggregator';

let fixture: AlertsFixture;
let browser: Browser;
let consumer: Consumer | undefined;

beforeAll(async () => {
  [fixture, browser] = await Promise.all([startAlertsFixture(), launchChromium()]);
  await fixture.kafka.admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 1 }],
    waitForLeaders: true,
  });
}, 120_000);
afterAll(async () => {
  await consumer?.disconnect();
  await browser?.close();
  await fixture?.close();
});

async function produce(count: number, from: number): Promise<void> {
  const producer = fixture.kafka.kafka.producer();
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: count }, (_, i) => ({
      key: `gw-${(from + i) % 7}`,
      value: String(from + i),
    })),
  });
  await producer.disconnect();
}

/** The group's consumer: reads everything and commits as it goes, as the aggregator does. */
async function startGroup(): Promise<Consumer> {
  const c = fixture.kafka.kafka.consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 500 });
  await c.connect();
  await c.subscribe({ topics: [TOPIC], fromBeginning: true });
  await c.run({ autoCommitInterval: 200, eachMessage: async () => {} });
  return c;
}

/** The lag the page shows for the group on partition 0, or undefined when it has no row yet. */
async function shownLag(page: Page): Promise<number | undefined> {
  // Runs in the page; typed structurally (the tests' tsconfig has no DOM library).
  type Cell = { textContent: string | null };
  type Row = { querySelectorAll(selector: string): ArrayLike<Cell> };
  const rows = await page
    .locator('#lag tbody tr')
    .evaluateAll((trs) =>
      (trs as unknown as Row[]).map((tr) =>
        Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
      ),
    );
  const row = rows.find((cells) => cells[0] === GROUP && cells[1] === TOPIC && cells[2] === '0');
  return row ? Number(row[5]) : undefined;
}

describe('pipeline health in headless Chromium: consumer lag', () => {
  it('shows the lag rising while the group is stopped and falling back to 0 when it restarts', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await produce(20, 0);
    consumer = await startGroup();
    await page.goto(`${fixture.baseUrl}/?view=health`);
    // Running: the group catches up, the page shows no lag.
    await expect.poll(() => shownLag(page), { timeout: 60_000, interval: 250 }).toBe(0);

    await consumer.disconnect();
    consumer = undefined;
    await produce(150, 20);
    // Stopped: the end offset moves on, the committed one does not.
    await expect.poll(() => shownLag(page), { timeout: 60_000, interval: 250 }).toBe(150);
    await produce(50, 170);
    await expect.poll(() => shownLag(page), { timeout: 60_000, interval: 250 }).toBe(200);

    consumer = await startGroup();
    // Restarted: it drains the backlog and the page follows it down.
    await expect.poll(() => shownLag(page), { timeout: 60_000, interval: 250 }).toBe(0);
    const rows = await page.locator('#lag tbody tr').allTextContents();
    expect(rows.some((r) => r.includes(GROUP) && r.includes('220'))).toBe(true); // committed = end = 220
    expect(errors).toEqual([]);
    await page.close();
  });
});
