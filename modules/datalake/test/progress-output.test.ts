import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Segment, writeSegmentObjects } from '@meterstream/datalake';
import { applyMigrations } from '@meterstream/persistence';
import {
  BUCKET,
  type TestCassandra,
  type TestKafka,
  type TestLake,
  startTestCassandra,
  startTestKafka,
  startTestLake,
} from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMetrics } from './helpers/metrics.js';

// `meterstream batch` and `verify` report progress: plain periodic lines when stderr is a pipe (here:
// JSON log lines, no escape sequences), a cli-progress bar under a pseudo-terminal (`script`,
// util-linux). The lake holds 3 days × 3 partitions of hand-written segments; an empty `metrics`
// topic tells batch that the lake holds everything (nothing is left for the S3 sink to flush).

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const DAY = 86_400_000;
const D0 = Date.UTC(2007, 0, 10);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[/;

let lake: TestLake;
let cql: TestCassandra;
let kafka: TestKafka;
/** Objects in the lake: one per metric type, partition and day. */
let objects = 0;

beforeAll(async () => {
  [lake, cql, kafka] = await Promise.all([
    startTestLake(),
    startTestCassandra((client) => applyMigrations(client, { keyspace: 'metrics' })),
    startTestKafka(),
  ]);
  await kafka.admin.createTopics({ topics: [{ topic: 'metrics', numPartitions: 3 }], waitForLeaders: true });
  const metrics = sampleMetrics({ gateways: 1, start: D0, steps: 3 * 24, stepMs: 3_600_000, seed: 5 });
  for (let day = 0; day < 3; day++) {
    for (let partition = 0; partition < 3; partition++) {
      const rows = metrics.filter(
        (m, i) => i % 3 === partition && Math.floor((m.timestamp - D0) / DAY) === day,
      );
      const segment = new Segment('metrics', partition, day * 1000, 0, null);
      for (const [i, row] of rows.entries()) {
        segment.addMetric(day * 1000 + i, 30, { ...row, partition, offset: day * 1000 + i });
      }
      objects += (await writeSegmentObjects({ s3: lake.s3, bucket: BUCKET }, segment)).objects.length;
    }
  }
}, 120_000);
afterAll(async () => {
  await kafka?.close();
  await cql?.close();
  await lake?.close();
});

const endpoints = () => [
  '--s3-endpoint',
  lake.server.endpoint,
  '--s3-bucket',
  BUCKET,
  '--cassandra-contact-points',
  cql.contactPoints.join(','),
  '--kafka-brokers',
  kafka.broker.bootstrap,
];
const range = ['--window', '3600', '--from', '2007-01-10', '--to', '2007-01-13'];

/** Runs a command of the built CLI with stderr a pipe; asynchronous (its servers run in this process). */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, METERSTREAM_PROGRESS_INTERVAL_MS: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

/** The JSON log lines of one progress message. */
function progressLines(stderr: string, message: string): Record<string, number>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { msg: string })
    .filter((line) => line.msg === message) as unknown as Record<string, number>[];
}

/** Runs under a pseudo-terminal (stdout and stderr a TTY); resolves with all it printed. */
function underTerminal(args: string[]): Promise<string> {
  const quoted = [process.execPath, MAIN, ...args]
    .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((done) => child.once('exit', () => done(out)));
}

describe('progress of batch and verify', () => {
  it('batch writes periodic progress lines (objects read, total, rate, ETA) when stderr is not a terminal', async () => {
    const result = await run(['batch', ...range, ...endpoints(), '--log-level', 'info']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(ANSI);
    const lines = progressLines(result.stderr, 'batch progress');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line.total).toBe(objects);
      expect(typeof line.rate).toBe('number');
      expect(line).toHaveProperty('eta');
    }
    const counts = lines.map((line) => line.objectsRead);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(objects);
    expect(JSON.parse(result.stdout).objectsRead).toBe(objects);
  });

  it('verify writes progress lines for the objects it reads and the series it compares', async () => {
    const result = await run(['verify', ...range, ...endpoints(), '--log-level', 'info']);
    // The speed layer is empty here: every batch window is a difference (exit 1); progress is the point.
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(ANSI);
    const lines = progressLines(result.stderr, 'verify progress');
    const objectLines = lines.filter((line) => 'objectsRead' in line);
    const seriesLines = lines.filter((line) => 'seriesCompared' in line);
    expect(objectLines.at(-1)).toMatchObject({ objectsRead: objects, total: objects });
    const series = Number(/(\d+) series/.exec(result.stdout)?.[1]);
    expect(series).toBeGreaterThan(0);
    expect(seriesLines.at(-1)).toMatchObject({ seriesCompared: series, total: series });
  });

  it('batch draws a progress bar with rate and ETA on a terminal', async () => {
    const out = await underTerminal(['batch', ...range, ...endpoints(), '--log-level', 'warn']);
    expect(out).toMatch(
      new RegExp(`batch \\[[^\\]]*\\] 100% \\| ${objects}/${objects} objects \\| \\d+ objects/s \\| ETA`),
    );
  });
});
