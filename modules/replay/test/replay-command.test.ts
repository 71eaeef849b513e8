import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Metric, metricAvroSerde, metricJsonSerde } from '@meterstream/common';
import { replayCommand } from '@meterstream/replay';
import yargs from 'yargs';
import { consumeAll, startStack } from './helpers/broker-process.js';
import { PROJECT_ROOT, UCI_SAMPLE, WATER_SAMPLE, describeWithDatasets } from '@meterstream/test-support';

type Stack = Awaited<ReturnType<typeof startStack>>;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Runs `replay <args>` through yargs exactly as the CLI mounts it; returns what it printed on stdout. */
async function replay(args: string[]): Promise<string> {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await yargs([])
      .command(replayCommand)
      .strict()
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync(['replay', '--kafka-brokers', stack.bootstrap, '--log-level', 'silent', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

async function topicSize(topic: string): Promise<number> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describeWithDatasets('meterstream replay with dataset files', () => {
  it('UCI sample to 2 gateways as JSON: every reading once per gateway, +0.001 per gateway, skips reported', async () => {
    const topic = 'replay-uci-json';
    const out = await replay([
      '--dataset',
      UCI_SAMPLE,
      '--type',
      'electricity',
      '--gateways',
      '0..1',
      '--rate',
      '0',
      '--format',
      'json',
      '--schema-registry-url',
      'none',
      '--topic',
      topic,
    ]);
    const expectedCount = 15_920 * 4 * 2;
    expect(out).toContain(`published ${expectedCount} messages (json)`);
    expect(out).toContain('skipped lines: missing-values 2, truncated-last-line 1');

    const series = new Map<string, Metric[]>();
    await consumeAll(stack.kafka, topic, expectedCount, (message) => {
      const key = message.key!.toString();
      let metrics = series.get(key);
      if (!metrics) {
        metrics = [];
        series.set(key, metrics);
      }
      metrics.push(metricJsonSerde.deserialize(message.value!));
    });
    expect(await topicSize(topic)).toBe(expectedCount);
    expect([...series.keys()].sort()).toEqual([
      '0.ELECTRICITY.ACTIVE_POWER',
      '0.ELECTRICITY.INTENSITY',
      '0.ELECTRICITY.REACTIVE_POWER',
      '0.ELECTRICITY.VOLTAGE',
      '1.ELECTRICITY.ACTIVE_POWER',
      '1.ELECTRICITY.INTENSITY',
      '1.ELECTRICITY.REACTIVE_POWER',
      '1.ELECTRICITY.VOLTAGE',
    ]);
    for (const metrics of series.values()) expect(metrics).toHaveLength(15_920);
    const first = (key: string) => series.get(key)![0]!;
    expect(first('0.ELECTRICITY.ACTIVE_POWER')).toEqual({
      gateway: '0',
      metricType: 'ELECTRICITY',
      metricAttribute: 'ACTIVE_POWER',
      timestamp: Date.parse('2006-12-16T16:24:00Z'),
      value: 4.216,
    });
    expect(first('0.ELECTRICITY.REACTIVE_POWER').value).toBe(0.418);
    expect(first('1.ELECTRICITY.ACTIVE_POWER').value).toBe(4.216 + 0.001);
    expect(first('1.ELECTRICITY.VOLTAGE').value).toBe(234.84 + 0.001);
    // per key in time order, 2 "?" minutes missing on 21/12/2006 (10:23 and 10:24 UTC)
    const times = series.get('1.ELECTRICITY.INTENSITY')!.map((m) => m.timestamp);
    expect(times.includes(Date.parse('2006-12-21T10:23:00Z'))).toBe(false);
    expect(times.includes(Date.parse('2006-12-21T10:25:00Z'))).toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
  }, 90_000);

  it('AMPds2 water, gateway 3, --day-offset 2, --message-count, paced by --rate, plain Avro', async () => {
    const topic = 'replay-water-avro';
    const out = await replay([
      '--dataset',
      WATER_SAMPLE,
      '--type',
      'water',
      '--gateways',
      '3',
      '--day-offset',
      '2',
      '--message-count',
      '1000',
      '--rate',
      '4000',
      '--format',
      'avro',
      '--schema-registry-url',
      'none',
      '--topic',
      topic,
    ]);
    expect(out).toContain('published 1000 messages (avro)');
    expect(out).toContain('stopped by message-count');
    const metrics: Metric[] = [];
    await consumeAll(stack.kafka, topic, 1000, (message) => {
      metrics.push(metricAvroSerde.deserialize(message.value!));
    });
    expect(await topicSize(topic)).toBe(1000);
    const firstSummation = metrics
      .filter((m) => m.metricAttribute === 'WATER_SUMMATION')
      .sort((a, b) => a.timestamp - b.timestamp)[0]!;
    expect(firstSummation.gateway).toBe('3');
    expect(firstSummation.timestamp).toBe(1_333_263_600_000 + 2 * 86_400_000);
    expect(new Set(metrics.map((m) => m.metricAttribute))).toEqual(new Set(['WATER_SUMMATION', 'WATER_IDD']));
  }, 60_000);
});

describe('meterstream replay (synthetic)', () => {
  it('refuses to run without --dataset or --synthetic', async () => {
    await expect(replay(['--rate', '0'])).rejects.toThrow(/--dataset <file> or --synthetic/);
  });

  it('stops cleanly on SIGINT: what it reports published is exactly what the topic holds', async () => {
    const main = resolve(PROJECT_ROOT, 'modules/replay/dist/main.js');
    expect(existsSync(main), `${main} missing: run npx tsc -b modules/replay first`).toBe(true);
    const topic = 'replay-sigint';
    const child = spawn(
      process.execPath,
      [
        main,
        'replay',
        '--synthetic',
        '--gateways',
        '0..999',
        '--rate',
        '20000',
        '--format',
        'json',
        '--schema-registry-url',
        'none',
        '--kafka-brokers',
        stack.bootstrap,
        '--topic',
        topic,
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // let it publish for a while, then interrupt it mid-stream
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      if ((await topicSize(topic).catch(() => 0)) > 5_000) break;
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(stderr).toContain('SIGINT: stopping after flushing');
    expect(code).toBe(0);
    const match = /published (\d+) messages \(json\).*stopped by aborted/.exec(stdout);
    expect(match, stdout + stderr).not.toBeNull();
    const published = Number(match![1]);
    expect(published).toBeGreaterThan(5_000);
    expect(await topicSize(topic)).toBe(published);
  }, 60_000);
});
