import { describe, expect, it } from 'vitest';
import { samplePresent, useEosScenario } from './helpers/eos-scenario.js';

/**
 * (Companion of aggregator-eos-zombie.test.ts.) A zombie that sleeps past its transaction timeout
 * as well as its session: the broker aborts its transaction and bumps its producer's epoch, so the
 * zombie learns of the fence from its producer, not from the generation check. Its tasks may have
 * been processed by the other instance meanwhile: it must not keep them into its next assignment
 * (it would resume from the positions it restored before rejoining, behind what the other
 * instance committed since, and emit those windows twice). Found by CI under load, 2026-12-04.
 */
const startScenario = useEosScenario();

describe.skipIf(!samplePresent)('aggregator exactly-once with a zombie past its transaction timeout', () => {
  it('a zombie whose transaction the broker aborted replaces its producer, drops its tasks at the next assignment and emits nothing twice', async () => {
    const scenario = await startScenario();
    // Past the 10 s transaction timeout of A's open transaction (B took over after 6 s or more).
    const { a } = await scenario.zombieTakeover(8_000);
    expect(a.output(), 'A learnt of the fence').toMatch(
      /the producer cannot commit any more|commit refused: tasks migrated/,
    );
  }, 180_000);
});
