import { describe, expect, it } from 'vitest';
import { samplePresent, useEosScenario } from './helpers/eos-scenario.js';

/**
 * (Companion of aggregator-eos-crash.test.ts: two instances.) Two instances of the default
 * `meterstream aggregate` command on one machine, each with its own --data-dir (one state directory
 * per instance, as the command's help says), share the partitions. One is SIGKILLed; the committed
 * output (read_committed) must still equal the reference computed from the dataset input.
 */
const startScenario = useEosScenario();

describe.skipIf(!samplePresent)('aggregator exactly-once with two instances (default command)', () => {
  it('killed right after a rebalance gave half of its partitions to a second instance, then restarted', async () => {
    const scenario = await startScenario();
    const a = scenario.aggregator('a');
    await scenario.waitUntilCommitting(a);

    const b = scenario.aggregator('b');
    // The rebalance: a second assignment for A, a first for B.
    await scenario.waitForLog(a, '"msg":"assignment"', 'the rebalance', 60_000, 2);
    await scenario.waitForLog(b, '"msg":"assignment"', 'the second instance’s assignment');
    const afterRebalance = await scenario.committed();
    const replay = scenario.produceNext(4_000);
    await scenario.waitForCommitted(a, afterRebalance + 1, 'a commit after the rebalance');
    await scenario.kill(a);
    await replay;
    expect(await scenario.committed(), 'killed mid-stream').toBeLessThan(afterRebalance + 4_000);

    await scenario.produceRest();
    const restarted = scenario.aggregator('a');
    await scenario.finishAndCheck([restarted, b]);
  }, 150_000);

  it('one of two instances killed mid-transaction: the other takes over its partitions and finishes', async () => {
    const scenario = await startScenario();
    const a = scenario.aggregator('a');
    const b = scenario.aggregator('b');
    await scenario.waitUntilCommitting(a, b);
    await scenario.killMidTransaction(a);

    await scenario.produceRest();
    // B alone: it gets A's partitions once A's session times out, restores them and finishes.
    await scenario.finishAndCheck([b]);
    const assignments = b.output().match(/"msg":"assignment"/g)?.length ?? 0;
    expect(assignments, 'B was assigned again after A died').toBeGreaterThan(1);
  }, 150_000);
});
