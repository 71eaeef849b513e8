import { readFileSync } from 'node:fs';
import { stringSerde } from '@meterstream/common';
import {
  type CleanReading,
  RulesHolder,
  buildQualityTopology,
  cleanReadingSerde,
  rawReadingJsonSerde,
} from '@meterstream/quality';
import { TopologyTestDriver } from '@meterstream/streams';

/** The first `count` Global_active_power values (kW, one a minute) of the UCI sample, in file order. */
export function uciActivePower(file: string, count: number): number[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .slice(1, count + 1);
  const values = lines.map((line, i) => {
    const value = Number(line.split(';')[2]);
    if (!Number.isFinite(value)) throw new Error(`${file}:${i + 2}: no Global_active_power in "${line}"`);
    return value;
  });
  if (values.length !== count) throw new Error(`${file}: ${values.length} readings, wanted ${count}`);
  return values;
}

/**
 * What the quality topology makes of one series without any injected fault, under the same rules
 * (a TopologyTestDriver, no broker): a real meter's own flags, against which the end-to-end run's
 * output of the same series with faults injected is compared.
 */
export function cleanBaseline(
  rulesFile: string,
  key: string,
  readings: { timestamp: number; value: number }[],
): CleanReading[] {
  const rules = RulesHolder.fromFile(rulesFile);
  const driver = new TopologyTestDriver(buildQualityTopology({ readingSerde: rawReadingJsonSerde, rules }), {
    applicationId: 'quality-baseline',
    initialWallClockTimeMs: Date.now(),
  });
  try {
    const input = driver.createInputTopic('metrics', stringSerde, rawReadingJsonSerde);
    const clean = driver.createOutputTopic('metrics-clean', stringSerde, cleanReadingSerde);
    for (const r of readings) {
      const timestamp = new Date(r.timestamp).toISOString().replace('.000Z', 'Z');
      input.pipeInput(key, { timestamp, value: r.value, unit: null }, r.timestamp);
    }
    return clean.readValuesToList() as CleanReading[];
  } finally {
    driver.close();
    rules.close();
  }
}
