import type { Metric } from '@meterstream/common';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EosScenario, datasetMetrics, samplePresent } from './helpers/eos-scenario.js';

/**
 * (Companion of aggregator-eos-crash.test.ts: two instances.) Two instances of the default
 * `meterstream aggregate` command on one machine, each with its own --data-dir (one state directory
 * per instance, as the command's help says), share the partitions. One is SIGKILLed; the committed
 * output (read_committed) must still equal the reference computed from the dataset input.
 */
let metrics: Metric[];
let scenario: EosScenario | undefined;

beforeAll(async () => {
  // 2,000 minutes of the UCI sample for 3 households: 24,000 metrics, 24,000 windows.
  metrics = await datasetMetrics(2_000, 3);
});

afterEach(async () => {
  await scenario?.close();
  scenario = undefined;
});

describe.skipIf(!samplePresent)('aggregator exactly-once with two instances (default command)', () => {
  it('killed right after a rebalance gave half of its partitions to a second instance, then restarted', async () => {
    scenario = await EosScenario.start(metrics);
    const quarter = Math.floor(metrics.length / 4);
    const a = scenario.aggregator('a');
    await scenario.waitForLog(a, '"msg":"assignment"', 'the first instance’s assignment');
    const replay = scenario.produceInput(0, scenario.half, { chunk: 300, pauseMs: 100 });
    await scenario.waitForCommitted(a, quarter / 2, 'some input committed');

    const b = scenario.aggregator('b');
    // The rebalance: a second assignment for A, a first for B.
    await scenario.waitForLog(a, '"msg":"assignment"', 'the rebalance', 60_000, 2);
    await scenario.waitForLog(b, '"msg":"assignment"', 'the second instance’s assignment');
    const afterRebalance = await scenario.committed();
    await scenario.waitForCommitted(a, afterRebalance + 1, 'a commit after the rebalance');
    await scenario.kill(a);
    expect(await scenario.committed()).toBeLessThan(scenario.half);
    await replay;

    await scenario.produceInput(scenario.half);
    const restarted = scenario.aggregator('a');
    await scenario.finishAndCheck([restarted, b]);
  }, 150_000);

  it('one of two instances killed mid-stream: the other takes over its partitions and finishes', async () => {
    scenario = await EosScenario.start(metrics);
    const a = scenario.aggregator('a');
    const b = scenario.aggregator('b');
    await scenario.waitForLog(a, '"msg":"assignment"', 'the assignment of A');
    await scenario.waitForLog(b, '"msg":"assignment"', 'the assignment of B');
    const replay = scenario.produceInput(0, scenario.half, { chunk: 300, pauseMs: 100 });
    await scenario.waitForCommitted(a, scenario.half / 4, 'some input committed');
    await scenario.catchOpenTransaction(replay);
    await scenario.kill(a);
    expect(await scenario.committed()).toBeLessThan(scenario.half);
    await replay;

    await scenario.produceInput(scenario.half);
    // B alone: it gets A's partitions once A's session times out, restores them and finishes.
    await scenario.finishAndCheck([b]);
    const tasks = b.output().match(/"msg":"assignment"/g)?.length ?? 0;
    expect(tasks, 'B was assigned again after A died').toBeGreaterThan(1);
  }, 150_000);
});
