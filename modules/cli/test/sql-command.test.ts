import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ArchivedMetric, Segment, writeSegmentObjects } from '@meterstream/datalake';
import { BUCKET, type TestLake, startTestLake } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_MAIN } from './helpers/cli-process.js';

const run = promisify(execFile);
const D16 = Date.UTC(2006, 11, 16);
let lake: TestLake;
let dataDir: string;
const metrics: ArchivedMetric[] = [];

beforeAll(async () => {
  lake = await startTestLake();
  dataDir = mkdtempSync(join(tmpdir(), 'sql-command-'));
  // Two series over two hours of one day, one reading a minute: values i / 4 (exact in binary).
  for (let i = 0; i < 120; i++) {
    for (const gateway of ['gw-a', 'gw-b']) {
      metrics.push({
        gateway,
        metricType: 'ELECTRICITY',
        metricAttribute: 'ACTIVE_POWER',
        timestamp: D16 + i * 60_000,
        value: gateway === 'gw-a' ? i / 4 : 1000 - i,
        partition: 0,
        offset: metrics.length,
      });
    }
  }
  const segment = new Segment('metrics', 0, 0, 0, null);
  for (const m of metrics) segment.addMetric(m.offset, 30, m);
  await writeSegmentObjects({ s3: lake.s3, bucket: BUCKET }, segment);
});
afterAll(async () => {
  await lake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function sql(args: string[], input?: string) {
  const env = {
    ...process.env,
    METERSTREAM_LOG_LEVEL: 'warn',
    METERSTREAM_DATA_DIR: dataDir,
    METERSTREAM_S3_ENDPOINT: lake.settings.endpoint!,
    METERSTREAM_S3_BUCKET: BUCKET,
    METERSTREAM_S3_ACCESS_KEY_ID: lake.settings.accessKeyId,
    METERSTREAM_S3_SECRET_ACCESS_KEY: lake.settings.secretAccessKey,
  };
  const child = run(process.execPath, [CLI_MAIN, 'sql', '--source', 'cache', ...args], { env });
  if (input !== undefined) child.child.stdin!.end(input);
  return child;
}

describe('meterstream sql', () => {
  it('answers -e as CSV from the lake, after fetching it into the local copy', async () => {
    const { stdout, stderr } = await sql([
      '-e',
      'SELECT gateway, count(*) AS n, max(value) AS top FROM metrics GROUP BY gateway ORDER BY gateway',
      '--format',
      'csv',
    ]);
    expect(stdout).toBe('gateway,n,top\r\ngw-a,120,29.75\r\ngw-b,120,1000\r\n');
    expect(stderr).toMatch(/1 lake objects in .*lake-cache.* \(1 fetched/);
  });

  it('serves the hourly batch windows as JSON, timestamps in UTC', async () => {
    const { stdout } = await sql([
      '-e',
      "SELECT gateway, windowStart, sampleCount, sum, average FROM aggregates_3600 WHERE gateway = 'gw-a' ORDER BY windowStart",
      '--format',
      'json',
    ]);
    const firstHour = metrics.filter((m) => m.gateway === 'gw-a' && m.timestamp < D16 + 3_600_000);
    const sum = firstHour.reduce((s, m) => s + m.value, 0);
    expect(JSON.parse(stdout)).toEqual([
      { gateway: 'gw-a', windowStart: '2006-12-16 00:00:00+00', sampleCount: 60, sum, average: sum / 60 },
      expect.objectContaining({ windowStart: '2006-12-16 01:00:00+00', sampleCount: 60 }),
    ]);
  });

  it('runs a piped script statement by statement, as tables', async () => {
    const { stdout } = await sql([], 'SELECT 1 AS one;\nSELECT count(*) AS n FROM metrics;\n');
    expect(stdout).toBe(
      [' one', '-----', ' 1', '-----', '(1 row)', ' n', '-----', ' 240', '-----', '(1 row)', ''].join('\n'),
    );
  });

  it('fetches only the dates of --from/--to', async () => {
    const { stdout, stderr } = await sql([
      '--from',
      '2006-12-17',
      '--to',
      '2006-12-18',
      '--cache-dir',
      join(dataDir, 'other-cache'),
      '-e',
      'SELECT count(*) AS n FROM metrics',
      '--format',
      'csv',
    ]);
    expect(stderr).toMatch(/0 lake objects/);
    expect(stdout).toBe('n\r\n0\r\n');
  });

  it('reports a statement DuckDB refuses with its message and exit code 1', async () => {
    const failure = await sql(['-e', 'SELECT nope FROM metrics']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/nope/);
  });

  it('names a missing bucket and the flag that sets it', async () => {
    const failure = await sql(['--s3-bucket', 'no-such-lake', '-e', 'SELECT 1']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(
      /bucket no-such-lake does not exist at http:\/\/127\.0\.0\.1:\d+: set --s3-bucket/,
    );
  });
});
