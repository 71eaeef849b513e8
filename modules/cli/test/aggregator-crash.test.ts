import { testLogger } from '@meterstream/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, startBroker } from '@meterstream/broker';
import { formatMetricKey } from '@meterstream/common';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TICK_GATEWAY,
  T0,
  committedInput,
  createTopics,
  expectExactlyOnce,
  produceMetrics,
  produceTicks,
  readAggregates,
  referenceAggregates,
  windowKey,
  workload,
} from './helpers/aggregation-workload.js';
import { runCli, waitForProcess } from './helpers/cli-process.js';

const PARTITIONS = 4;
const metrics = workload(100, 2000, 6_000); // 200k metrics, 200 one-minute windows per key
const reference = referenceAggregates(metrics, 60_000);
const total = metrics.length + PARTITIONS;

let broker: RunningBroker;
let dir: string;
let kafka: Kafka;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-crash-'));
  broker = await startBroker({ port: 0, dataDir: dir, logger: testLogger('broker') });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the aggregator CLI in a child process over `source`, SIGKILLs it once a quarter of the input
 * is committed, restarts it, and returns what it wrote once `until` says the output is complete.
 */
async function crashAndRecover(
  guarantee: 'exactly_once_v2' | 'at_least_once',
  source: string,
  output: string,
) {
  await createTopics(kafka, PARTITIONS, source, output);
  await produceMetrics(kafka, source, metrics);
  await produceTicks(kafka, source, PARTITIONS, T0 + 10 * 86_400_000);

  const applicationId = `crash-${guarantee}`;
  const args = [
    'aggregate',
    '--kafka-brokers',
    broker.bootstrap,
    '--schema-registry-url',
    'none',
    '--input-format',
    'json',
    '--source',
    source,
    '--window',
    '60',
    '--grace',
    '300',
    '--processing-guarantee',
    guarantee,
    '--commit-interval-ms',
    guarantee === 'exactly_once_v2' ? '100' : '250',
    '--application-id',
    applicationId,
    '--instance-id',
    'a',
    '--data-dir',
    join(dir, 'aggregator'),
    '--session-timeout-ms',
    '6000',
    '--output-prefix',
    output.replace(/60$/, ''),
  ];
  const first = runCli(args);
  await waitForProcess(
    first,
    'a quarter of the input committed',
    async () => (await committedInput(kafka, applicationId, source)) >= total / 4,
    60_000,
    50,
  );
  const committedAtKill = await committedInput(kafka, applicationId, source);
  first.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  expect(committedAtKill, 'the crash must hit the middle of the input').toBeLessThan(total);

  const second = runCli(args);
  try {
    await waitForProcess(
      second,
      'all input committed after the restart',
      async () => (await committedInput(kafka, applicationId, source)) >= total,
      90_000,
    );
  } finally {
    second.kill('SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
  }
  return readAggregates(kafka, output, {
    readUncommitted: guarantee === 'at_least_once',
    atLeast: reference.size,
  });
}

describe('aggregator survives SIGKILL', () => {
  it('exactly_once_v2: read_committed output equals the reference — no duplicate, no missing window', async () => {
    const records = await crashAndRecover('exactly_once_v2', 'metrics-eos', 'metrics-aggregates-eos-60');
    expectExactlyOnce(records, reference);
  }, 240_000);

  it('at_least_once: every window present and equal to the reference (after de-duplication)', async () => {
    const records = await crashAndRecover('at_least_once', 'metrics-alos', 'metrics-aggregates-alos-60');
    const expected = new Map([...reference].filter(([key]) => !key.startsWith(`${TICK_GATEWAY}.`)));
    const seen = new Set<string>();
    for (const r of records) {
      const key = windowKey(formatMetricKey(r), r.windowStart);
      // duplicates are allowed under at-least-once, but each copy must carry the right values
      expect(r, key).toEqual(expected.get(key));
      seen.add(key);
    }
    expect(seen.size).toBe(expected.size);
  }, 240_000);
});
