import { describe, expect, it } from 'vitest';
import { samplePresent, useEosScenario } from './helpers/eos-scenario.js';

/**
 * `meterstream aggregate` with its default command (exactly-once, no --instance-id) while a dataset
 * sample is replayed: SIGKILLed at different points and restarted with the very same command, the
 * committed output (read_committed) must equal the reference computed here from the input — every
 * 1-minute window exactly once, none missing, none different. Part of the input is produced
 * before the crash (paced like a replay where it must keep the aggregator committing), the rest
 * after it, so each crash hits the middle of the stream.
 */
const startScenario = useEosScenario();

describe.skipIf(!samplePresent)(
  'aggregator exactly-once across SIGKILL (default command, one instance)',
  () => {
    it('killed before its first commit', async () => {
      const scenario = await startScenario();
      await scenario.produceNext(scenario.half, { chunk: 5_000 });
      const first = scenario.aggregator();
      // The first assignment is logged before any batch is processed; the first commit follows a batch.
      await scenario.waitForLog(first, '"msg":"assignment"', 'the first assignment');
      await scenario.kill(first);
      expect(await scenario.committed()).toBe(0);

      await scenario.produceRest();
      const second = scenario.aggregator();
      expect(await scenario.finishAndCheck([second])).toBe(scenario.metrics.length);
    }, 150_000);

    it('killed mid-transaction (output and changelog records written, not committed)', async () => {
      const scenario = await startScenario();
      const first = scenario.aggregator();
      // A paced replay keeps the aggregator committing; not its first transaction is left open.
      await scenario.waitUntilCommitting(first);
      await scenario.killMidTransaction(first);

      await scenario.produceRest();
      const second = scenario.aggregator();
      await scenario.finishAndCheck([second]);
    }, 150_000);
  },
);
