import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Metric, type MetricAttribute, createSchemaRegistry, isIncomplete } from '@meterstream/common';
import { runBatchJob, runVerify } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import type { CleanReading, MeterAlert, QuarantinedReading } from '@meterstream/quality';
import {
  BUCKET,
  UCI_SAMPLE,
  caughtUp,
  describeWithDatasets,
  testLogger,
  waitFor,
} from '@meterstream/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUALITY_COUNTER, type RunningQuality, startQuality } from '../src/apps/quality.js';
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
  startPipelineApps,
  startPipelineStack,
  waitCaughtUp,
} from './helpers/lambda-pipeline.js';
import { cleanBaseline, uciActivePower } from './helpers/quality-baseline.js';

// Issue #21's end-to-end test: readings with injected faults (a unit switch, an unknown unit, a
// 3-minute gap, a 2-hour gap, a 7-hour zero run, a stuck value, spikes at 5σ, duplicates,
// negative values, future timestamps) through quality → aggregator → Cassandra writer and S3 sink
// → batch → verify. Every fault is flagged, interpolated or quarantined as the rules say, nothing
// else is, and the batch layer agrees with the speed layer on the clean input.
//
// Series g1–g9 are a deterministic oscillation (2 ± 0.5), so that "nothing else is flagged" is
// decidable without reference. Series r1 is a real meter: ten hours of the UCI sample's household
// power with a negative reading, a 3-minute gap and a duplicate injected; its own flags (what the
// rules make of the sample without faults, by the topology under a TopologyTestDriver) are the
// reference it is compared with, minute by minute (these ten hours raise none: the rules leave a
// real household's readings alone). Spike detection is off on ACTIVE_POWER (rules file) so the zero run and the stuck value,
// which jump away from the series' statistics, are judged by their own rules; spikes are injected
// into an INTENSITY series.

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const MINUTES = 600;
const QUALITY_APP = 'quality-e2e';
const SIGMA = 0.5 / Math.SQRT2; // the standard deviation of 0.5·sin(…)

const id = (gateway: string, metricAttribute: MetricAttribute = 'ACTIVE_POWER') =>
  ({ gateway, metricType: 'ELECTRICITY', metricAttribute }) as const;
const base = (g: number, m: number) => 2 + 0.5 * Math.sin(1.3 * m + g);
const at = (m: number) => T0 + m * MIN;
const iso = (m: number) => new Date(at(m)).toISOString().replace('.000Z', 'Z');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** The real meter r1: UCI household power, one reading a minute (read when the test runs). */
let UCI: number[] = [];
const R1_NEGATIVE = 150;
const R1_GAP = [350, 351, 352];
const R1_DUPLICATE = 250;

/** The published readings, in time order, and what the rules must make of them. */
function faultyReplay(): Metric[] {
  const out: Metric[] = [];
  for (let m = 0; m < MINUTES; m++) {
    // g1: a unit switch to W for an hour, and one reading in an unknown unit.
    if (m >= 100 && m < 160) out.push({ ...id('g1'), timestamp: at(m), value: base(1, m) * 1000, unit: 'W' });
    else if (m === 200) out.push({ ...id('g1'), timestamp: at(m), value: base(1, m), unit: 'hp' });
    else out.push({ ...id('g1'), timestamp: at(m), value: base(1, m) });
    // g2: a 3-minute gap; g3: a 2-hour gap.
    if (m < 300 || m > 302) out.push({ ...id('g2'), timestamp: at(m), value: base(2, m) });
    if (m < 200 || m >= 320) out.push({ ...id('g3'), timestamp: at(m), value: base(3, m) });
    // g4: zeros for 7 hours; g5: stuck at 2.2 for 7 hours.
    out.push({ ...id('g4'), timestamp: at(m), value: m >= 100 && m < 520 ? 0 : base(4, m) });
    out.push({ ...id('g5'), timestamp: at(m), value: m >= 100 && m < 520 ? 2.2 : base(5, m) });
    // g6: current with spikes at 5σ.
    const spike = m === 300 || m === 450;
    out.push({ ...id('g6', 'INTENSITY'), timestamp: at(m), value: spike ? 2 + 5 * SIGMA : base(6, m) });
    // g7: three readings sent twice.
    out.push({ ...id('g7'), timestamp: at(m), value: base(7, m) });
    if (m >= 50 && m < 53) out.push({ ...id('g7'), timestamp: at(m), value: base(7, m) });
    // g8: two negative readings.
    out.push({ ...id('g8'), timestamp: at(m), value: m === 400 || m === 401 ? -1 : base(8, m) });
    // g9: two readings from tomorrow's wall clock.
    out.push({ ...id('g9'), timestamp: at(m), value: base(9, m) });
    if (m === 250) {
      for (const ahead of [DAY, DAY + MIN])
        out.push({ ...id('g9'), timestamp: Date.now() + ahead, value: base(9, m) });
    }
    // r1: the real meter, with a negative reading, a 3-minute gap and a reading sent twice.
    if (!R1_GAP.includes(m))
      out.push({ ...id('r1'), timestamp: at(m), value: m === R1_NEGATIVE ? -UCI[m]! : UCI[m]! });
    if (m === R1_DUPLICATE) out.push({ ...id('r1'), timestamp: at(m), value: UCI[m]! });
  }
  return out;
}

let stack: PipelineStack;
let apps: PipelineApps | undefined;
let quality: RunningQuality | undefined;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quality-faults-'));
  stack = await startPipelineStack();
  await stack.kafka.admin.createTopics({
    waitForLeaders: true,
    topics: ['metrics-clean', 'metrics-quarantine', 'meter-alerts'].map((topic) => ({
      topic,
      numPartitions: topic === 'metrics-clean' ? 4 : 1,
    })),
  });
});
afterAll(async () => {
  await quality?.close();
  await apps?.stop();
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = (value: Buffer): unknown => JSON.parse(value.toString());

/**
 * Every record of a topic the stage writes transactionally, decoded (default: JSON), read
 * (read_committed) to its end offsets: a partition is read to its end when the record before its
 * last offset was received — the last offset of a transactionally written partition is a commit
 * marker, which no consumer receives.
 */
async function readJson<T>(topic: string, decode: (value: Buffer) => unknown = json): Promise<T[]> {
  const ends = await stack.kafka.admin.fetchTopicOffsets(topic);
  const consumer = stack.kafka.kafka.consumer({ groupId: `read-${topic}-${Date.now()}` });
  const values: T[] = [];
  const next = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        values.push((await decode(message.value!)) as T);
        next.set(partition, Number(message.offset) + 1);
      },
    });
    await waitFor(
      `${topic} read to its end`,
      () => ends.every((e) => Number(e.high) === 0 || (next.get(e.partition) ?? 0) + 1 >= Number(e.high)),
      60_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return values;
}

const minutesOf = (readings: CleanReading[]) =>
  readings.map((r) => (Date.parse(r.timestamp) - T0) / MIN).sort((a, b) => a - b);

describeWithDatasets('quality → aggregator → sinks → batch → verify with injected faults', () => {
  it('flags, fills and quarantines every injected fault as the rules say, nothing else, and verify agrees', async () => {
    UCI = uciActivePower(UCI_SAMPLE, MINUTES);
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'series:\n  ELECTRICITY.ACTIVE_POWER:\n    spikeK: null\n');
    const { encode } = await metricEncoder(stack);
    const records: RawRecord[] = [];
    for (const metric of faultyReplay()) records.push(await encode(metric));
    // Stream time a day past the readings on every partition of metrics-clean (keys spread by the
    // partitioner), so every window of [T0, T0 + 1 day) closes.
    for (let i = 0; i < 40; i++)
      records.push(await encode({ ...id(`tick${i}`), timestamp: T0 + 2 * DAY, value: 1 }));
    await publishRaw(stack, records);

    quality = await startQuality({
      config: { ...stack.config, logLevel: 'silent' },
      logger: testLogger('quality'),
      rulesFile: rules,
      inputFormat: 'avro',
      // As `up` runs it: the outputs are transactional, read here read_committed.
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 200,
      applicationId: QUALITY_APP,
      instanceId: 'q1',
      stateDir: join(dir, 'quality-state'),
      sessionTimeoutMs: 10_000,
      metricsPort: 0,
    });
    apps = await startPipelineApps(stack, { maxAgeMs: 500 }, 'metrics-clean');
    await waitFor('quality caught up', () => caughtUp(stack.kafka.admin, QUALITY_APP, 'metrics'), 90_000);
    await waitCaughtUp(stack, AGGREGATOR_APP, 'metrics-clean');
    await waitCaughtUp(stack, SINK_GROUP, 'metrics-clean');
    await waitCaughtUp(stack, WRITER_GROUP, `metrics-aggregates-${WINDOW}`);

    // Quarantine: exactly the injected invalid readings, by rule.
    const quarantined = await readJson<QuarantinedReading>('metrics-quarantine');
    const rulesHit = quarantined.map((q) => q.rule).sort();
    expect(rulesHit).toEqual([
      'negative',
      'negative',
      'negative',
      'timestamp-future',
      'timestamp-future',
      'unit-unknown',
    ]);
    expect(quarantined.find((q) => q.rule === 'unit-unknown')!.reading).toMatchObject({
      timestamp: iso(200),
      unit: 'hp',
    });
    // r1's at minute 150, g8's at 400 and 401.
    expect(
      quarantined
        .filter((q) => q.rule === 'negative')
        .map((q) => q.reading.timestamp)
        .sort(),
    ).toEqual([iso(R1_NEGATIVE), iso(400), iso(401)]);

    // Alerts: the unit error, the long gap, and each fault run flagged once and recovered once.
    const alerts = await readJson<MeterAlert>('meter-alerts');
    const summary = alerts.map((a) => `${a.gateway} ${a.type} ${a.reason} ${a.timestamp}`).sort();
    expect(summary).toEqual(
      [
        `g1 unit-error unit-unknown ${iso(200)}`,
        `g3 long-gap 120 readings missing ${iso(320)}`,
        `g4 meter-flagged zero-run ${iso(460)}`,
        `g4 meter-recovered zero-run ${iso(520)}`,
        `g5 meter-flagged constant-run ${iso(460)}`,
        `g5 meter-recovered constant-run ${iso(520)}`,
      ].sort(),
    );

    // Clean readings: per series, estimates where the rules fill, flags exactly on the faults.
    // Avro through the Schema Registry (Metric with quality and estimated), as the raw topic.
    const registry = createSchemaRegistry(stack.kafka.registry.url);
    const everyClean = (await readJson<CleanReading>('metrics-clean', (v) => registry.decode(v))).filter(
      (r) => !r.gateway.startsWith('tick'),
    );
    // The oscillating series, judged by exact expectations; the real meter r1 further below.
    const clean = everyClean.filter((r) => r.gateway !== 'r1');
    const of = (gateway: string) => clean.filter((r) => r.gateway === gateway);
    const withBit = (bit: number) => (r: CleanReading) => (r.quality & bit) !== 0;
    const byBit = (bit: number) =>
      clean
        .filter(withBit(bit))
        .map((r) => `${r.gateway}@${(Date.parse(r.timestamp) - T0) / MIN}`)
        .sort();
    const estimated = clean.filter((r) => r.estimated);
    expect(estimated.map((r) => `${r.gateway}@${(Date.parse(r.timestamp) - T0) / MIN}`).sort()).toEqual(
      ['g1@200', 'g2@300', 'g2@301', 'g2@302', 'g8@400', 'g8@401'].sort(),
    );
    for (const r of estimated) expect(r.quality).toBe(0);
    expect(byBit(64)).toEqual(
      range(100, 160)
        .map((m) => `g1@${m}`)
        .sort(),
    ); // UNIT_CONVERTED
    for (const r of of('g1').filter(withBit(64)))
      expect(r.value).toBeCloseTo(base(1, (Date.parse(r.timestamp) - T0) / MIN), 9);
    expect(byBit(1)).toEqual(['g6@300', 'g6@450']); // SPIKE
    expect(byBit(8)).toEqual(['g1@201', 'g2@303', 'g3@320', 'g8@402']); // DROPOUT
    expect(byBit(256)).toEqual(['g3@320']); // LONG_GAP: only after the gap too long to fill
    expect(byBit(16)).toEqual(
      range(460, 520)
        .map((m) => `g4@${m}`)
        .sort(),
    ); // ZERO_RUN
    expect(byBit(32)).toEqual(
      range(460, 520)
        .map((m) => `g5@${m}`)
        .sort(),
    ); // CONSTANT_RUN
    expect(clean.filter((r) => (r.quality & ~(1 | 8 | 16 | 32 | 64 | 256)) !== 0)).toEqual([]);
    // Duplicates dropped, gaps and quarantined minutes filled, the long gap left empty.
    for (const gateway of ['g1', 'g2', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9'])
      expect(minutesOf(of(gateway)), gateway).toEqual(range(0, MINUTES));
    expect(minutesOf(of('g3'))).toEqual([...range(0, 200), ...range(320, MINUTES)]);

    // The real meter: its output is the faultless sample's, minute by minute, except exactly where
    // faults were injected — the negative reading and the gap filled (estimated, linear between
    // the neighbours), the reading after each fill marked DROPOUT, the duplicate dropped.
    const r1 = everyClean
      .filter((r) => r.gateway === 'r1')
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    const baseline = cleanBaseline(
      rules,
      'r1.ELECTRICITY.ACTIVE_POWER',
      UCI.map((value, m) => ({ timestamp: at(m), value })),
    );
    expect(minutesOf(r1)).toEqual(range(0, MINUTES));
    expect(baseline.map((r) => r.timestamp)).toEqual(r1.map((r) => r.timestamp));
    const filled = [R1_NEGATIVE, ...R1_GAP];
    const afterFill = [R1_NEGATIVE + 1, R1_GAP.at(-1)! + 1];
    for (let m = 0; m < MINUTES; m++) {
      const got = r1[m]!;
      if (filled.includes(m)) {
        const [prev, next] = m === R1_NEGATIVE ? [m - 1, m + 1] : [R1_GAP[0]! - 1, R1_GAP.at(-1)! + 1];
        const expected = UCI[prev]! + ((UCI[next]! - UCI[prev]!) * (m - prev)) / (next - prev);
        expect({ m, estimated: got.estimated, quality: got.quality }).toEqual({
          m,
          estimated: true,
          quality: 0,
        });
        expect(got.value).toBeCloseTo(expected, 9);
      } else {
        const dropout = afterFill.includes(m) ? 8 : 0;
        expect({ m, estimated: got.estimated, quality: got.quality, value: got.value }).toEqual({
          m,
          estimated: false,
          quality: baseline[m]!.quality | dropout,
          value: baseline[m]!.value,
        });
      }
    }

    // Counted on /metrics, per rule.
    const text = await (await fetch(`http://127.0.0.1:${quality.metricsPort}/metrics`)).text();
    const count = (rule: string, outcome: string) =>
      `${QUALITY_COUNTER.name}{application="${QUALITY_APP}",rule="${rule}",outcome="${outcome}"}`;
    expect(text).toContain(`${count('duplicate', 'dropped')} 4`);
    expect(text).toContain(`${count('negative', 'quarantined')} 3`);
    expect(text).toContain(`${count('timestamp-future', 'quarantined')} 2`);
    expect(text).toContain(`${count('unit-unknown', 'quarantined')} 1`);
    expect(text).toContain(`${count('gap-fill', 'estimated')} 10`);

    // The speed layer aggregated the clean readings: an estimate is a sample of its window.
    const { client } = stack.cql;
    const speed = new AggregateDao(client);
    const window301 = await speed.listAggregates({
      ...{ gateway: 'g2', metricType: 'ELECTRICITY', attribute: 'ACTIVE_POWER' },
      window: WINDOW,
      from: at(301),
      to: at(302),
      order: 'asc',
    });
    expect(window301).toHaveLength(1);
    expect(window301[0]!.sampleCount).toBe(1);
    expect(window301[0]!.sum).toBeCloseTo(
      estimated.find((r) => r.gateway === 'g2' && r.timestamp === iso(301))!.value,
      9,
    );

    // The batch layer recomputes from the lake (the S3 sink archived metrics-clean) and agrees.
    const from = T0;
    const to = T0 + DAY;
    const batch = await runBatchJob({
      config: stack.config,
      cassandra: client,
      s3: stack.lake.s3,
      window: WINDOW,
      from,
      to,
      topic: 'metrics-clean', // its flush progress bounds the run
    });
    expect(batch.to).toBe(to);
    expect(batch.recordsRead).toBe(everyClean.length);
    const report = await runVerify({
      speed,
      batch: new AggregateDao(client, { family: 'batch_aggregates' }),
      marks: new HighWaterMarkDao(client),
      window: WINDOW,
      from,
      to,
      lake: { s3: stack.lake.s3, bucket: BUCKET },
    });
    expect(report.differences).toEqual([]);
    expect(report.series).toBe(10);
    expect(report.windowsCompared).toBe(10 * MINUTES - 120);

    // Issue #21 item 4 in both layers (verify compared them above): the zero run's flagged windows
    // have no peak, the estimate is counted, the windows the long gap touches are incomplete.
    const batchDao = new AggregateDao(client, { family: 'batch_aggregates' });
    const windowOf = async (dao: AggregateDao, gateway: string, m: number) =>
      (
        await dao.listAggregates({
          ...{ gateway, metricType: 'ELECTRICITY', attribute: 'ACTIVE_POWER' },
          window: WINDOW,
          from: at(m),
          to: at(m + 1),
          order: 'asc',
        })
      )[0]!;
    for (const dao of [speed, batchDao]) {
      expect(await windowOf(dao, 'g4', 460)).toMatchObject({
        sampleCount: 1,
        flaggedCount: 1,
        max: -Infinity,
      });
      expect((await windowOf(dao, 'g4', 459)).flaggedCount).toBeUndefined();
      // The long gap touches the window of the last reading before it (minute 199, marked when
      // the gap closed) and the one it ended in (320); the windows between have no readings, no rows.
      expect(isIncomplete(await windowOf(dao, 'g3', 198))).toBe(false);
      expect(await windowOf(dao, 'g3', 199)).toMatchObject({ gapClosedIn: at(320) });
      expect(isIncomplete(await windowOf(dao, 'g3', 199))).toBe(true);
      expect((await windowOf(dao, 'g3', 320)).incomplete).toBe(true);
      expect((await windowOf(dao, 'g3', 321)).incomplete).toBeUndefined();
      expect((await windowOf(dao, 'g2', 301)).estimatedCount).toBe(1);
    }
  }, 240_000);
});
