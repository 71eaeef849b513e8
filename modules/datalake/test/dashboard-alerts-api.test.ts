import {
  type AlertHeatmap,
  AlertsFeed,
  type AlertsStatus,
  type DashboardAlert,
  buildServingApi,
} from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import { type TestKafka, startTestKafka, waitFor } from '@meterstream/test-support';
import { Client } from 'cassandra-driver';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOUR,
  type ProducedAlert,
  alarm,
  expectedCounts,
  meterAlert,
  produceAlerts,
} from './helpers/alert-records.js';

// The Alerts view's endpoints over HTTP, reading the alert topics of the embedded broker with the
// feed's kafkajs consumers; alerts are produced over TCP as the ksql server and the quality stage
// write them. The API is `serve`'s (buildServingApi); its Cassandra and Redis clients are never
// connected: the alert endpoints touch neither.

const H0 = Date.UTC(2024, 4, 1, 10);

let kafka: TestKafka;
let feed: AlertsFeed;
let app: FastifyInstance;
let baseUrl: string;
const cassandra = new Client({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1' });
const redis = new Redis({ lazyConnect: true });

beforeAll(async () => {
  kafka = await startTestKafka();
  feed = new AlertsFeed({ kafka: kafka.kafka, admin: async () => kafka.admin, refreshMs: 200 });
  feed.start();
  app = buildServingApi({
    stores: {
      speed: new AggregateDao(cassandra),
      batch: new AggregateDao(cassandra, { family: 'batch_aggregates' }),
      marks: new HighWaterMarkDao(cassandra),
    },
    cassandra,
    dashboard: { redis, alerts: feed, pollMs: 100 },
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await feed?.stop();
  await kafka?.close();
  redis.disconnect();
  await cassandra.shutdown();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}
const listed = (path: string) => get<{ alerts: DashboardAlert[]; status: AlertsStatus }>(path);
const cells = (heatmap: AlertHeatmap) => {
  const found = new Map<string, number>();
  for (const [row, gateway] of heatmap.gateways.entries()) {
    for (const [column, hour] of heatmap.hours.entries()) {
      const n = heatmap.counts[row]![column]!;
      if (n > 0) found.set(`${gateway}|${new Date(hour).toISOString()}`, n);
    }
  }
  return found;
};

const produced: ProducedAlert[] = [
  alarm('0', H0 + 60_000, 'over', 9.5),
  alarm('0', H0 + 120_000, 'over', 11),
  alarm('1', H0 + HOUR + 5_000, 'under', -2),
  meterAlert('1', H0 + 30_000, 'meter-flagged'),
  meterAlert('1', H0 + HOUR + 40_000, 'meter-recovered'),
  meterAlert('2', H0 + 2 * HOUR, 'long-gap'),
  meterAlert('0', H0 + 2 * HOUR + 1, 'unit-error'),
];

describe('alerts endpoints', () => {
  it('answer an empty feed while the topics do not exist, saying so, and never create them', async () => {
    await waitFor('three topic lookups', async () => (await listed('/alerts')).body.status.lookups >= 3);
    const { status, body } = await listed('/alerts');
    expect(status).toBe(200);
    expect(body.alerts).toEqual([]);
    expect(body.status.topics.map((t) => [t.topic, t.state])).toEqual([
      ['alarms', 'missing'],
      ['meter-alerts', 'missing'],
    ]);
    const heatmap = await get<AlertHeatmap & { status: AlertsStatus }>('/alerts/heatmap');
    expect(heatmap.body.total).toBe(0);
    const topics = await kafka.admin.listTopics();
    expect(topics).not.toContain('alarms');
    expect(topics).not.toContain('meter-alerts');
  });

  it('feed the alarms and meter alerts produced once the topics exist, filtered, with hourly counts per gateway', async () => {
    await kafka.admin.createTopics({
      topics: [
        { topic: 'alarms', numPartitions: 2 },
        { topic: 'meter-alerts', numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await produceAlerts(kafka.kafka, produced);
    // Not an alert: counted and named on the status, not fed.
    const producer = kafka.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'meter-alerts', messages: [{ value: 'not json' }] });
    await producer.disconnect();
    await waitFor(
      'every alert fed',
      async () => (await listed('/alerts')).body.alerts.length === produced.length,
      30_000,
    );

    const all = (await listed('/alerts')).body;
    // Newest first by arrival; compared as sets of what was produced.
    const shown = (alerts: DashboardAlert[]) =>
      alerts.map((a) => `${a.gateway}|${a.kind}|${a.series}|${a.at}`).sort();
    const expected = (alerts: ProducedAlert[]) =>
      alerts.map((a) => `${a.gateway}|${a.kind}|${a.series}|${a.at}`).sort();
    expect(shown(all.alerts)).toEqual(expected(produced));
    expect(all.alerts.find((a) => a.at === H0 + 120_000)?.detail).toBe('11 above max 8');
    expect(all.alerts.find((a) => a.kind === 'under')?.detail).toBe('-2 below min 0');
    const meterTopic = all.status.topics.find((t) => t.topic === 'meter-alerts')!;
    expect(meterTopic).toMatchObject({ state: 'reading', read: 4, unreadable: 1 });
    expect(meterTopic.lastUnreadable).toMatch(/^meter-alerts\[0\]@4: not JSON/);

    const byKind = (await listed('/alerts?kind=long-gap,over')).body.alerts;
    expect(shown(byKind)).toEqual(
      expected(produced.filter((a) => a.kind === 'long-gap' || a.kind === 'over')),
    );
    const byGateway = (await listed('/alerts?gateway=1')).body.alerts;
    expect(shown(byGateway)).toEqual(expected(produced.filter((a) => a.gateway === '1')));
    const from = new Date(H0 + HOUR).toISOString();
    const to = new Date(H0 + 2 * HOUR).toISOString();
    const byTime = (await listed(`/alerts?from=${from}&to=${to}`)).body.alerts;
    expect(shown(byTime)).toEqual(
      expected(produced.filter((a) => a.at >= H0 + HOUR && a.at < H0 + 2 * HOUR)),
    );

    const heatmap = (await get<AlertHeatmap>('/alerts/heatmap')).body;
    expect(cells(heatmap)).toEqual(expectedCounts(produced));
    // Default range: the 24 hours ending with the newest hour that has an anomaly.
    expect(heatmap.to).toBe(H0 + 3 * HOUR);
    expect(heatmap.hours).toHaveLength(24);
    expect(heatmap.gateways).toEqual(['0', '1', '2']);
    const rows = (await get<{ rows: { hour: string; gateway: string; count: number }[] }>('/alerts/counts'))
      .body.rows;
    expect(new Map(rows.map((r) => [`${r.gateway}|${r.hour}`, r.count]))).toEqual(expectedCounts(produced));
    const overOnly = (await get<AlertHeatmap>('/alerts/heatmap?kind=over')).body;
    expect(cells(overOnly)).toEqual(expectedCounts(produced, ['over']));

    const bad = await get<{ parameter: string }>('/alerts?kind=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.parameter).toBe('kind');
  });

  it('pushes new alerts matching the filter over Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/alerts/live?kind=unit-error`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const events: { type: string; data: Record<string, unknown> }[] = [];
    let buffer = '';
    const readUntil = async (done: () => boolean) => {
      while (!done()) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error('the event stream ended');
        buffer += new TextDecoder().decode(value);
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
          end = buffer.indexOf('\n\n');
        }
      }
    };
    await readUntil(() => events.some((e) => e.type === 'snapshot'));
    const snapshot = events.find((e) => e.type === 'snapshot')!.data.alerts as DashboardAlert[];
    expect(snapshot.map((a) => a.kind)).toEqual(['unit-error']);
    const next = [meterAlert('5', H0 + 3 * HOUR, 'unit-error'), alarm('5', H0 + 3 * HOUR, 'over', 20)];
    await produceAlerts(kafka.kafka, next);
    await readUntil(() => events.some((e) => e.type === 'alerts'));
    const pushed = events
      .filter((e) => e.type === 'alerts')
      .flatMap((e) => e.data.alerts as DashboardAlert[]);
    expect(pushed.map((a) => [a.gateway, a.kind])).toEqual([['5', 'unit-error']]);
    // The heat map sent with (after) the pushed alert counts it.
    const pushedAt = events.findIndex((e) => e.type === 'alerts');
    await readUntil(() => events.some((e, i) => i > pushedAt && e.type === 'heatmap'));
    const heatmap = events.find((e, i) => i > pushedAt && e.type === 'heatmap')!.data.heatmap as AlertHeatmap;
    expect(cells(heatmap)).toEqual(expectedCounts([...produced, ...next], ['unit-error']));
    controller.abort();
  });
});
