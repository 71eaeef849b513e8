import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metric } from '@meterstream/common';
import { type TestKafka, publishMetrics, startTestKafka } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, waitForProcess } from './helpers/cli-process.js';

/**
 * The documented pipeline's silent loss: readings older than stream time minus grace are dropped,
 * and bad records go to the dead-letter topic — both only counted in Prometheus metrics. The
 * aggregator's log must say so (counts, windows, grace) and sum it up when it stops.
 */
let kafka: TestKafka;
let dir: string;

beforeAll(async () => {
  kafka = await startTestKafka();
  dir = mkdtempSync(join(tmpdir(), 'aggregate-losses-'));
  await kafka.admin.createTopics({
    topics: ['metrics', 'metrics-aggregates-60', 'metrics-dlq'].map((topic) => ({ topic, numPartitions: 1 })),
  });
}, 60_000);

afterAll(async () => {
  await kafka?.close();
  rmSync(dir, { recursive: true, force: true });
});

function logLines(output: string): { msg: string; [field: string]: unknown }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string });
}

describe('aggregate with late and invalid records', () => {
  it('logs the late drops and dead letters with counts, windows and grace, and a summary on stop', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const reading = (timestamp: number): Metric => ({
      gateway: '3',
      metricType: 'WATER',
      metricAttribute: 'WATER_IDD',
      timestamp,
      value: 1,
    });
    // One reading a day ahead moves stream time; the 50 after it belong to windows closed since.
    const metrics = [
      reading(t0 + 86_400_000),
      ...Array.from({ length: 50 }, (_, i) => reading(t0 + i * 60_000)),
    ];
    const sent = await publishMetrics(kafka, 'metrics', metrics, 25);
    expect(sent).toEqual({ good: 51, bad: 2 });

    const proc = runCli(
      ['aggregate', '--window', '60', '--grace', '30', '--processing-guarantee', 'at_least_once'],
      {
        METERSTREAM_KAFKA_BROKERS: kafka.broker.bootstrap,
        METERSTREAM_SCHEMA_REGISTRY_URL: kafka.registry.url,
        METERSTREAM_DATA_DIR: dir,
        METERSTREAM_LOG_LEVEL: 'warn',
      },
    );
    try {
      await waitForProcess(
        proc,
        'the late-drop and dead-letter lines',
        () => {
          const messages = logLines(proc.output()).map((line) => line.msg);
          return (
            messages.some((m) => m.includes('late records')) &&
            messages.some((m) => m.includes('invalid records'))
          );
        },
        90_000,
      );
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await proc.exited, proc.output()).toBe(0);
    const lines = logLines(proc.output());

    const late = lines.filter((line) => line.msg.includes('late records'));
    expect(late.reduce((sum, line) => sum + (line.lateDropped as number), 0)).toBe(50);
    expect(late[0]).toMatchObject({ level: 40, windowsSec: [60], graceSec: 30 });
    expect(late[0]!.msg).toContain('window end + grace 30 s ≤ stream time');
    expect(late[0]!.msg).toContain('raise --grace');

    const dead = lines.filter((line) => line.msg.includes('invalid records'));
    expect(dead.reduce((sum, line) => sum + (line.deadLettered as number), 0)).toBe(2);
    expect(dead.at(-1)).toMatchObject({ topic: 'metrics-dlq', byReason: { 'bad-encoding': 2 } });

    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ level: 40, lateDroppedTotal: 50, deadLetteredTotal: 2 });
    expect(summary.msg).toMatch(
      /^summary: read \d+ records; dropped 50 as late \(windows 60 s, grace 30 s\); sent 2 to metrics-dlq \(bad-encoding: 2\)$/,
    );
  }, 150_000);
});
