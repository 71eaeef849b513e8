import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { lakeCoverage, queryAggregates } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET } from '@meterstream/test-support';
import {
  AGGREGATOR_APP,
  type PipelineApps,
  type PipelineStack,
  WINDOW,
  WRITER_GROUP,
  startPipelineApps,
  startPipelineStack,
  waitCaughtUp,
} from './helpers/lambda-pipeline.js';

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const DAY = 86_400_000;
// 2 gateways × 8 series, one reading a minute for 6 hours (docs/cli.md: 5 gateways, a day).
const MINUTES = 6 * 60;
const MESSAGES = 2 * 8 * MINUTES;
const FROM = Date.UTC(2024, 0, 1);
const TO = FROM + 2 * DAY;
const ISO_FROM = '2024-01-01';
const ISO_TO = '2024-01-03';

let stack: PipelineStack;
let apps: PipelineApps | undefined;
beforeAll(async () => {
  stack = await startPipelineStack();
});
afterAll(async () => {
  await apps?.stop();
  await stack?.close();
});

/** `meterstream <args>` against the test stack, as a user runs it from docs/cli.md. */
function meterstream(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const endpoints = [
    '--kafka-brokers',
    stack.kafka.broker.bootstrap,
    '--schema-registry-url',
    stack.kafka.registry.url,
    '--s3-endpoint',
    stack.lake.server.endpoint,
    '--s3-bucket',
    BUCKET,
    '--cassandra-contact-points',
    stack.cql.contactPoints.join(','),
    '--log-level',
    'warn',
  ];
  // Asynchronous: the servers the child talks to run in this process.
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args, ...endpoints]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

describe('docs/cli.md "A pipeline by hand", in the documented order', () => {
  it('batch right after replay claims nothing the lake lacks; serving keeps the real-time rows; verify on nothing fails; after the sink flushed, batch and verify agree', async () => {
    // aggregate, sink cassandra, sink s3 — the S3 sink rolls its segments only by age, later.
    apps = await startPipelineApps(stack, { maxAgeMs: 600_000, maxRecords: 10_000_000 });
    // replay, then the readings two days later that close every window.
    const replay = await meterstream(
      'replay',
      '--synthetic',
      '--gateways',
      '0..1',
      '--rate',
      '0',
      '--message-count',
      String(MESSAGES),
    );
    expect(replay.status, replay.stderr).toBe(0);
    const closing = await meterstream(
      'replay',
      '--synthetic',
      '--gateways',
      '0..1',
      '--rate',
      '0',
      '--day-offset',
      '2',
      '--message-count',
      '160',
    );
    expect(closing.status, closing.stderr).toBe(0);

    // batch, right away: the sink has flushed nothing, so the lake provably holds nothing.
    const early = await meterstream('batch', '--window', String(WINDOW), '--from', ISO_FROM, '--to', ISO_TO);
    expect(early.status, early.stderr).toBe(0);
    expect(JSON.parse(early.stdout)).toMatchObject({
      to: '2024-01-01T00:00:00Z',
      aggregatesWritten: 0,
      highWaterMark: null,
    });
    expect(early.stderr).toContain('has flushed');
    const marks = new HighWaterMarkDao(stack.cql.client);
    expect(await marks.get(WINDOW)).toBeUndefined();

    // The serving layer still answers from the real-time view.
    await waitCaughtUp(stack, AGGREGATOR_APP, 'metrics');
    await waitCaughtUp(stack, WRITER_GROUP, `metrics-aggregates-${WINDOW}`);
    const stores = {
      speed: new AggregateDao(stack.cql.client),
      batch: new AggregateDao(stack.cql.client, { family: 'batch_aggregates' }),
      marks,
    };
    const series = { gateway: '0', metricType: 'ELECTRICITY', attribute: 'ACTIVE_POWER' } as const;
    const served = await queryAggregates(stores, { ...series, window: WINDOW, from: FROM, to: TO });
    // About one row a minute (the synthetic fleet drops a few readings).
    expect(served.rows.length).toBeGreaterThan(0.9 * MINUTES);
    expect(new Set(served.rows.map((row) => row.layer))).toEqual(new Set(['speed']));

    // verify: nothing is covered by a batch, so nothing is compared — it says so and fails.
    const empty = await meterstream('verify', '--window', String(WINDOW), '--from', ISO_FROM, '--to', ISO_TO);
    expect(empty.stdout).toContain('0 closed windows compared, 0 differences');
    expect(empty.stderr).toContain('nothing compared');
    expect(empty.status).not.toBe(0);

    // The sink flushes (here: on a graceful stop, as its age roll would a minute later).
    await apps.sink.stop();
    const coverage = await lakeCoverage(stack.lake.s3, BUCKET, stack.kafka.admin, 'metrics');
    expect(coverage.coveredUntil).toBe(Number.POSITIVE_INFINITY);

    const full = await meterstream('batch', '--window', String(WINDOW), '--from', ISO_FROM, '--to', ISO_TO);
    expect(full.status, full.stderr).toBe(0);
    const result = JSON.parse(full.stdout) as { recordsRead: number; aggregatesWritten: number };
    expect(result).toMatchObject({
      to: '2024-01-03T00:00:00Z',
      lowWaterMark: '2024-01-01T00:00:00Z',
      highWaterMark: '2024-01-03T00:00:00Z',
    });
    expect(result.recordsRead).toBeGreaterThan(0.9 * MESSAGES);
    const verified = await meterstream(
      'verify',
      '--window',
      String(WINDOW),
      '--from',
      ISO_FROM,
      '--to',
      ISO_TO,
    );
    expect(verified.stdout).toContain(
      `16 series, ${result.aggregatesWritten} closed windows compared, 0 differences`,
    );
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    const merged = await queryAggregates(stores, { ...series, window: WINDOW, from: FROM, to: TO });
    expect(merged.rows).toHaveLength(served.rows.length);
    expect(new Set(merged.rows.map((row) => row.layer))).toEqual(new Set(['batch']));
    // Several CLI processes in a row; generous for CI, where test files share 2 cores.
  }, 240_000);
});
