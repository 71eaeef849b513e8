import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@meterstream/test-support';
import { isRunning, runScript } from './helpers/scripts.js';
import { afterAll, describe, expect, it } from 'vitest';

interface AggregatorLine {
  kind: 'aggregator';
  scenario: string;
  window: number;
  expected: number;
  received: number;
  inTopic: number;
  msSinceConsumerStart: number;
  msSinceFirstMessage: number;
}

describe('scripts/performance-tracking.sh (small sizes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstream-perf-test-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the three scenarios to completion and writes its results table', async () => {
    // The aggregators' state directories (named by their application ids, perf-<scenario>-<run>)
    // belong under PERF_DIR, not in the default data directory of the checkout the script runs in.
    const inCheckout = () => perfStateDirs(join(PROJECT_ROOT, 'data', 'streams'));
    const before = inCheckout();
    const { code, output } = await runScript('performance-tracking.sh', {
      PERF_DIR: dir,
      PERF_PID_FILE: join(dir, 'pids'),
      // (a) 5 minutes × 100 gateways × 2 attributes; (b) 125 minutes × 10 gateways × 2 attributes
      PERF_A_GATEWAYS: '100',
      PERF_A_MESSAGES: '1000',
      PERF_B_GATEWAYS: '10',
      PERF_B_MESSAGES: '2500',
      PERF_C_INSTANCES: '1 2',
      PERF_RECORD: '0', // a test never rewrites docs/benchmarks.md
      PERF_TIMEOUT_MS: '90000',
      METERSTREAM_EXTERNAL_STACK: '0',
    });
    expect(code, output).toBe(0);

    // The printed table: one row per aggregator scenario and per writer count.
    expect(output).toContain('performance tracking results');
    expect(output).toMatch(/^a\s+60 s\s+300 s\s+100\s+1000\s+200\s+1000\s+1000\s+1000\s/m);
    expect(output).toMatch(/^b\s+3600 s\s+0 s\s+10\s+2500\s+0\s+40\s+40\s+40\s/m);
    expect(output).toMatch(/^1\s+1000\s+\d+\s+\d+\s+1\.00×$/m);
    expect(output).toMatch(/^2\s+1000\s+\d+\s+\d+\s+\d+\.\d\d×$/m);

    // The collected measurements: exact counts (every expected window closed, nothing more).
    const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    const aggregators = lines.filter((l): l is AggregatorLine => l.kind === 'aggregator');
    // (a): one aggregate per series and minute = the messages; (b): hours 0 and 1 of 10 × 2 series
    expect(aggregators.map((a) => [a.scenario, a.window, a.expected, a.received, a.inTopic])).toEqual([
      ['a', 60, 1000, 1000, 1000],
      ['b', 3600, 40, 40, 40],
    ]);
    for (const a of aggregators) {
      expect(a.msSinceConsumerStart).toBeGreaterThan(0);
      expect(a.msSinceFirstMessage).toBeLessThanOrEqual(a.msSinceConsumerStart);
    }
    expect(lines.filter((l) => l.kind === 'writer')).toEqual([
      { kind: 'writer', instances: 1, aggregates: 1000, ms: expect.any(Number) },
      { kind: 'writer', instances: 2, aggregates: 1000, ms: expect.any(Number) },
    ]);

    // The markdown the run would record in docs/benchmarks.md.
    const markdown = readFileSync(join(dir, 'results.md'), 'utf8');
    expect(markdown).toContain('| scenario | window |');
    expect(markdown).toContain('| Cassandra writers | aggregates |');

    // Everything it started is stopped.
    const pids = readFileSync(join(dir, 'pids'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    expect(pids.length).toBeGreaterThanOrEqual(1 + 2 + 2 + 1 + 2);
    for (const [pid, name] of pids)
      expect(isRunning(Number(pid)), `${name} (pid ${pid}) still runs`).toBe(false);

    // Nothing written into the checkout's default data directory (./data/streams/perf-…).
    expect(inCheckout()).toEqual(before);
  }, 120_000);
});

/** The script's streams state directories (application ids perf-…) in a directory, if it exists. */
function perfStateDirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('perf-')) : [];
}
