import { describe, expect, it } from 'vitest';
import { samplePresent, useEosScenario } from './helpers/eos-scenario.js';

/**
 * (Companion of aggregator-eos-crash.test.ts: kills around the restart itself.)
 *
 * `meterstream aggregate` with its default command (exactly-once, no --instance-id) while a dataset
 * sample is replayed: SIGKILLed at different points and restarted with the very same command, the
 * committed output (read_committed) must equal the reference computed here from the input — every
 * 1-minute window exactly once, none missing, none different. Part of the input is produced
 * before the crash (paced like a replay where it must keep the aggregator committing), the rest
 * after it, so each crash hits the middle of the stream.
 */
const startScenario = useEosScenario();

describe.skipIf(!samplePresent)(
  'aggregator exactly-once across SIGKILL and restart (default command, one instance)',
  () => {
    it('killed while restoring its state from the changelogs', async () => {
      const scenario = await startScenario();
      await scenario.produceNext(scenario.half, { chunk: 5_000 });
      const first = scenario.aggregator();
      await scenario.waitForCommitted(first, scenario.half / 2, 'a quarter of the input committed');
      await scenario.kill(first);

      await scenario.produceRest();
      const restoring = scenario.aggregator();
      await scenario.waitForLog(restoring, '"msg":"restoring state from changelogs"', 'the restore to start');
      await scenario.kill(restoring);
      expect(restoring.output(), 'killed before the restore completed').not.toContain(
        'restored state from changelogs',
      );
      expect(await scenario.committed()).toBeLessThan(scenario.total);

      const third = scenario.aggregator();
      await scenario.finishAndCheck([third]);
    }, 150_000);

    it('killed twice in a row: mid-transaction, then as soon as the restarted instance committed', async () => {
      const scenario = await startScenario();
      const first = scenario.aggregator();
      await scenario.waitUntilCommitting(first);
      await scenario.killMidTransaction(first);
      const atFirstKill = await scenario.committed();

      const second = scenario.aggregator();
      await scenario.waitForLog(second, '"msg":"assignment"', 'the restarted instance to get its tasks');
      // Paced over ~4 s so the second kill lands while input is still flowing, whatever the load.
      const replay = scenario.produceNext(4_000, { chunk: 100, pauseMs: 100 });
      await scenario.waitForCommitted(second, atFirstKill + 1, 'the restarted instance to commit');
      await scenario.kill(second);
      await replay;
      expect(await scenario.committed(), 'killed mid-stream').toBeLessThan(scenario.produced);

      await scenario.produceRest();
      const third = scenario.aggregator();
      await scenario.finishAndCheck([third]);
    }, 150_000);
  },
);
