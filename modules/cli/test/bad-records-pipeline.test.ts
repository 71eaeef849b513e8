import {
  DEAD_LETTER_TOPIC,
  type InvalidRecordReason,
  type Metric,
  type MetricType,
} from '@meterstream/common';
import { runBatchJob, runVerify } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import { DatasetReader, type DatasetType, datasetSource } from '@meterstream/replay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CORRUPTIONS,
  CORRUPTION_KINDS,
  type Corruption,
  corruptRecord,
  BUCKET,
} from '@meterstream/test-support';
import { ELECTRICITY_SAMPLE, WATER_SAMPLE, describeWithDatasets } from '@meterstream/test-support';
import {
  AGGREGATOR_APP,
  type PipelineApps,
  type PipelineStack,
  type RawRecord,
  SINK_GROUP,
  WINDOW,
  WRITER_GROUP,
  metricEncoder,
  publishRaw,
  readDeadLetters,
  startPipelineApps,
  startPipelineStack,
  tickRecords,
  waitCaughtUp,
} from './helpers/lambda-pipeline.js';

const DAY = 86_400_000;
// The AMPds2 samples start 2012-04-01T07:00Z; 600 minutes of them lie within that UTC day.
const FROM = Date.UTC(2012, 3, 1);
const TO = FROM + DAY;
const ROWS = 600;

/** The first ROWS rows of a dataset sample as the replay publisher fans them out to gateways 0..1. */
async function replayed(path: string, type: DatasetType, metricType: MetricType): Promise<Metric[]> {
  const metrics: Metric[] = [];
  let rows = 0;
  const reader = new DatasetReader(path, { type });
  const limited = {
    async *batches() {
      for await (const batch of reader.batches()) {
        const take = batch.slice(0, ROWS - rows);
        rows += take.length;
        yield take;
        if (rows >= ROWS) return;
      }
    },
  };
  for await (const chunk of datasetSource(limited, metricType, { from: 0, to: 1 })) metrics.push(...chunk);
  return metrics;
}

let stack: PipelineStack;
let apps: PipelineApps | undefined;
beforeAll(async () => {
  stack = await startPipelineStack();
});
afterAll(async () => {
  await apps?.stop();
  await stack?.close();
});

describeWithDatasets('bad records: one rule in every layer', () => {
  it('a replay of AMPds2 samples with 1 % of records corrupted each way: verify finds 0 differences and the DLQ holds each corrupted record once per consumer', async () => {
    // Electricity (4 attributes) and water (2) of 600 minutes for 2 gateways, merged in time order
    // as two replays running side by side would publish them: 7200 good records, 12 series. The
    // electricity sample (2014) is moved onto the water sample's first minute (2012-04-01T07:00Z).
    const water = await replayed(WATER_SAMPLE, 'water', 'WATER');
    const electricity = await replayed(ELECTRICITY_SAMPLE, 'electricity', 'ELECTRICITY');
    const shift = electricity[0]!.timestamp - water[0]!.timestamp;
    const good = [...electricity.map((m) => ({ ...m, timestamp: m.timestamp - shift })), ...water].sort(
      (a, b) => a.timestamp - b.timestamp,
    );
    expect(good).toHaveLength(7200);
    const { schemaId, encode } = await metricEncoder(stack);
    const records: RawRecord[] = [];
    const corrupted = new Map<string, Corruption>();
    const perKind = Math.floor(good.length / 100);
    for (const [i, metric] of good.entries()) {
      records.push(await encode(metric));
      // After every 100 good records, one of each corruption (of a neighbouring reading).
      if (i % 100 === 99) {
        for (const kind of CORRUPTION_KINDS) {
          const id = `${kind}-${i}`;
          corrupted.set(id, kind);
          records.push({ ...corruptRecord(kind, metric, schemaId), headers: { corrupt: id } });
        }
      }
    }
    records.push(...(await tickRecords(stack, TO + DAY)));
    expect(corrupted.size).toBe(perKind * CORRUPTION_KINDS.length);
    await publishRaw(stack, records);

    apps = await startPipelineApps(stack, { maxAgeMs: 500 });
    await waitCaughtUp(stack, AGGREGATOR_APP, 'metrics');
    await waitCaughtUp(stack, SINK_GROUP, 'metrics');
    await waitCaughtUp(stack, WRITER_GROUP, `metrics-aggregates-${WINDOW}`);

    const { client } = stack.cql;
    const batch = await runBatchJob({
      config: stack.config,
      cassandra: client,
      s3: stack.lake.s3,
      window: WINDOW,
      from: FROM,
      to: TO,
    });
    expect(batch.to).toBe(TO); // the lake held everything: nothing capped
    expect(batch.recordsRead).toBe(good.length);
    expect(batch.recordsRefused).toBe(0);
    const report = await runVerify({
      speed: new AggregateDao(client),
      batch: new AggregateDao(client, { family: 'batch_aggregates' }),
      marks: new HighWaterMarkDao(client),
      window: WINDOW,
      from: FROM,
      to: TO,
      lake: { s3: stack.lake.s3, bucket: BUCKET },
    });
    expect(report.differences).toEqual([]);
    expect(report.series).toBe(12);
    expect(report.windowsCompared).toBe(12 * ROWS);

    // The DLQ: every corrupted record once per consumer of `metrics` (aggregator, S3 sink), with the
    // rule's reason and the offset where it sits; nothing else.
    const letters = await readDeadLetters(stack, 2 * corrupted.size);
    const byApp = new Map<string, Map<string, string>>();
    for (const letter of letters) {
      const app = letter.headers['error.application']!;
      const id = letter.headers.corrupt;
      expect(
        id,
        `a dead letter of ${app} that was not corrupted: ${JSON.stringify(letter.headers)}`,
      ).toBeDefined();
      const seen = byApp.get(app) ?? new Map<string, string>();
      expect(seen.has(id!), `${id} dead-lettered twice by ${app}`).toBe(false);
      seen.set(id!, `${letter.headers['error.partition']}:${letter.headers['error.offset']}`);
      byApp.set(app, seen);
      expect(letter.headers['error.reason']).toBe(CORRUPTIONS[corrupted.get(id!)!]);
      expect(letter.headers['error.topic']).toBe('metrics');
      expect(letter.headers['error.part']).toMatch(/^(key|value)$/);
    }
    expect([...byApp.keys()].sort()).toEqual([AGGREGATOR_APP, SINK_GROUP].sort());
    const aggregatorLetters = byApp.get(AGGREGATOR_APP)!;
    const sinkLetters = byApp.get(SINK_GROUP)!;
    expect([...aggregatorLetters.keys()].sort()).toEqual([...corrupted.keys()].sort());
    expect([...sinkLetters.keys()].sort()).toEqual([...corrupted.keys()].sort());
    // Both name the same source offset for each record.
    for (const [id, at] of aggregatorLetters) expect(sinkLetters.get(id)).toBe(at);
    expect(letters).toHaveLength(2 * corrupted.size);

    // Counted in Prometheus, per consumer and reason.
    const expected = new Map<InvalidRecordReason, number>();
    for (const kind of corrupted.values())
      expected.set(CORRUPTIONS[kind], (expected.get(CORRUPTIONS[kind]) ?? 0) + 1);
    const text = await (await fetch(`http://127.0.0.1:${apps.aggregator.metricsPort}/metrics`)).text();
    for (const [reason, count] of expected) {
      expect(text).toContain(
        `meterstream_dead_letters_total{application="${AGGREGATOR_APP}",reason="${reason}"} ${count}`,
      );
    }
    expect(DEAD_LETTER_TOPIC).toBe('metrics-dlq');
    // ~12 s alone; the whole pipeline shares 2 cores with other test files in CI.
  }, 240_000);
});
