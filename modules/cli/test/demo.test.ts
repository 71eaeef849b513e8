import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_ATTRIBUTES, type MetricAttribute, type MetricType, parseInstant } from '@meterstream/common';
import { startCqlServer } from '@meterstream/cql-server';
import { AggregateDao, createCassandraClient } from '@meterstream/persistence';
import { isRunning, runScript } from './helpers/scripts.js';
import { afterAll, describe, expect, it } from 'vitest';

const WINDOWS = [60, 600, 3600, 86400];
const GATEWAYS = ['0', '1', '2', '3', '4'];
const TYPE_OF: Record<MetricAttribute, MetricType> = {
  ACTIVE_POWER: 'ELECTRICITY',
  REACTIVE_POWER: 'ELECTRICITY',
  VOLTAGE: 'ELECTRICITY',
  INTENSITY: 'ELECTRICITY',
  WATER_SUMMATION: 'WATER',
  WATER_IDD: 'WATER',
  GAS_SUMMATION: 'GAS',
  GAS_IDD: 'GAS',
};

function instant(text: string): number {
  const ms = parseInstant(text);
  if (typeof ms !== 'number') throw new Error(`not an instant: ${text}`);
  return ms;
}

/** The lines of the section whose `== <title>` header starts with `title`, up to the next header. */
function section(output: string, title: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.includes(`== ${title}`));
  if (start < 0) throw new Error(`the demo printed no section "${title}"`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.includes('== '));
  return end < 0 ? rest : rest.slice(0, end);
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('npm run demo (scripts/demo.sh) on the embedded stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstream-demo-test-'));
  const pidFile = join(dir, 'pids');
  let result: { code: number | string; output: string };

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs end to end, fills every layer, reports no differences and leaves no process behind', async () => {
    result = await runScript('demo.sh', {
      METERSTREAM_DEMO_DIR: dir,
      METERSTREAM_DEMO_PID_FILE: pidFile,
      // never point the test at a developer's real stack or datasets
      METERSTREAM_EXTERNAL_STACK: '0',
      METERSTREAM_DEMO_DATASETS: join(dir, 'no-datasets'),
    });
    const { code, output } = result;
    expect(output).toContain('== starting the quality stage');
    expect(output).toMatch(/aggregators 60\/600\/3600\/86400 s on metrics-clean/);
    expect(code, output).toBe(0);

    // Speed layer: the demo's own count table (all 8 series of each gateway, per window)...
    const counts = section(output, 'aggregates in Cassandra per window and gateway');
    for (const window of WINDOWS) {
      const row = counts.find((line) => line.startsWith(`${window} `));
      expect(row, `no row for window ${window}:\n${counts.join('\n')}`).toBeDefined();
      const cells = row!.trim().split(/\s+/).slice(1).map(Number);
      expect(cells).toHaveLength(GATEWAYS.length);
      // one day of minutes for 8 series; drop-outs of the synthetic fleet remove a few 1-min windows
      const perDay = 8 * (86_400 / window);
      for (const n of cells)
        expect(n).toBeGreaterThanOrEqual(window === 60 ? Math.floor(perDay * 0.99) : perDay);
    }

    // Data lake: listed by the demo over S3, and the objects are in the S3 server's directory.
    const lake = section(output, 'data lake listing').join('\n');
    const listed = /data lake s3:\/\/\S+: (\d+) objects/.exec(lake);
    expect(listed, lake).not.toBeNull();
    expect(Number(listed![1])).toBeGreaterThan(0);
    expect(lake).toMatch(/metricType=ELECTRICITY/);
    expect(lake).toMatch(/metricType=WATER/);
    expect(lake).toMatch(/metricType=GAS/);
    // The S3 server keeps one metadata file (naming the key) beside each object's bytes.
    const buckets = join(dir, 'data', 's3', '_buckets');
    const stored = files(buckets)
      .filter((f) => f.endsWith('.json') && !f.endsWith('bucket.json'))
      .filter((f) =>
        (JSON.parse(readFileSync(join(buckets, f), 'utf8')) as { key: string }).key.endsWith('.parquet'),
      );
    expect(stored.length).toBe(Number(listed![1]));

    // Redis: latest activity of every gateway: a reading of the advance replay, two days later.
    const activity = section(output, 'Redis latest activity per gateway');
    for (const gateway of GATEWAYS) {
      const row = activity.find((line) => line.startsWith(`${gateway} `));
      expect(row, activity.join('\n')).toBeDefined();
      const latest = instant(row!.trim().split(/\s+/)[1]!);
      expect(latest).toBeGreaterThanOrEqual(instant('2024-01-03T00:00:00Z'));
    }

    // ksqlDB: queries.ksql ran on the embedded server; its alarms stream, windowed counts and pull
    // query answer from the replayed data.
    const rowsOf = (title: string) =>
      section(output, title).filter((l) => l.startsWith('|') && !/^\|[A-Z_]+\s*\|/.test(l));
    const alarms = rowsOf('ksqlDB: the first alarms');
    expect(alarms.length, section(output, 'ksqlDB: the first alarms').join('\n')).toBe(5);
    for (const row of alarms) expect(row).toMatch(/\|(UNDER|OVER)\s*\|$/);
    expect(rowsOf('ksqlDB: messages per gateway').length).toBe(5);
    const pull = rowsOf('ksqlDB: the pull query');
    expect(pull, section(output, 'ksqlDB: the pull query').join('\n')).toHaveLength(1);
    expect(pull[0]).toMatch(/^\|0\s*\|/);

    // Consistency report: one line per window, all clean.
    const report = section(output, 'consistency report');
    for (const window of WINDOWS) {
      const line = report.find((l) => l.startsWith(`window ${window} s,`));
      expect(line, report.join('\n')).toBeDefined();
      expect(line).toMatch(/ 40 series, [1-9]\d* closed windows compared, 0 differences$/);
    }

    // No process left: every pid the demo recorded (stack, redis-server, apps) is gone.
    const pids = readFileSync(pidFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const names = pids.map(([, name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'up',
        'redis-server',
        'quality', // the default input is metrics-clean: the quality stage runs in front
        'aggregate',
        'sink-s3',
        'sink-redis',
        ...WINDOWS.map((w) => `sink-cassandra-${w}`),
      ]),
    );
    for (const [pid, name] of pids)
      expect(isRunning(Number(pid)), `${name} (pid ${pid}) still runs`).toBe(false);
  }, 240_000);

  it('left the aggregates durable: the CQL data directory reopened holds all four windows of all 5 gateways', async () => {
    expect(result?.code).toBe(0);
    const server = await startCqlServer({ port: 0, dataDir: join(dir, 'data', 'cassandra') });
    const client = createCassandraClient({
      contactPoints: [`${server.host}:${server.port}`],
      localDataCenter: 'datacenter1',
    });
    try {
      const dao = new AggregateDao(client);
      const from = instant('2024-01-01T00:00:00Z');
      const to = instant('2024-01-03T00:00:00Z');
      for (const window of WINDOWS) {
        for (const gateway of GATEWAYS) {
          for (const attribute of METRIC_ATTRIBUTES) {
            const rows = await dao.listAggregates({
              gateway,
              metricType: TYPE_OF[attribute],
              attribute,
              window,
              from,
              to,
              limit: 1,
            });
            expect(rows.length, `window ${window}, gateway ${gateway}, ${attribute}`).toBe(1);
          }
        }
      }
    } finally {
      await client.shutdown();
      await server.close();
    }
  }, 60_000);
});
