import { describe, expect, it } from 'vitest';
import { ZOMBIE_NOTICED, samplePresent, useEosScenario } from './helpers/eos-scenario.js';

/**
 * (Companion of aggregator-eos-takeover.test.ts.) KIP-447 zombie fencing: two instances of the
 * default `meterstream aggregate` command, each with its own --data-dir, share the partitions; one
 * stalls (SIGSTOP) past its session timeout, the other takes its partitions, the stalled one comes
 * back mid-transaction. Its offsets carry a stale generation/member and are refused; the committed
 * output (read_committed) must still equal the reference computed from the dataset input.
 */
const startScenario = useEosScenario();

describe.skipIf(!samplePresent)('aggregator exactly-once with a zombie instance (default command)', () => {
  it('a zombie (stopped past its session timeout while B took over) has its commit refused and rejoins', async () => {
    const scenario = await startScenario();
    // B takes A's partitions once A's session (6 s) expires; A wakes up at once, before its
    // transaction's timeout (10 s) would have fenced its producer: the generation check stops it.
    const { a } = await scenario.zombieTakeover(0);
    // Under load A may sleep past its transaction timeout too: then the broker has aborted its
    // transaction and bumped the epoch, and A learns it from its producer instead (also a refusal).
    expect(a.output(), 'A noticed it had been fenced').toMatch(ZOMBIE_NOTICED);
  }, 150_000);
});
