import { stringSerde } from '@meterstream/common';
import { type StoreBackend, TopologyTestDriver } from '@meterstream/streams';
import {
  type CleanReading,
  type MeterAlert,
  type QualityRules,
  type QuarantinedReading,
  RulesHolder,
  buildQualityTopology,
  cleanReadingSerde,
  meterAlertSerde,
  quarantinedReadingSerde,
  rawReadingJsonSerde,
} from '../src/index.js';

/** 2012-04-01T00:00:00Z, AMPds2's first day. */
export const T0 = Date.UTC(2012, 3, 1);
export const MIN = 60_000;
/** The driver's wall clock. */
export const NOW = T0 + 86_400_000;
export const POWER = '1.ELECTRICITY.ACTIVE_POWER';
export const VOLTAGE = '1.ELECTRICITY.VOLTAGE';

export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The quality topology under a TopologyTestDriver, fed JSON RawReadings, with its three outputs
 * and the per-rule counts. The wall clock starts a day after T0 (future checks are against it).
 */
export function stage(
  options: { rules?: RulesHolder | QualityRules; storeBackend?: StoreBackend; dedupWindowSec?: number } = {},
) {
  const rules =
    options.rules instanceof RulesHolder ? options.rules : new RulesHolder(options.rules ?? undefined);
  const counts = new Map<string, number>();
  const topology = buildQualityTopology({
    readingSerde: rawReadingJsonSerde,
    rules,
    storeBackend: options.storeBackend,
    dedupWindowSec: options.dedupWindowSec,
    count: (rule, outcome) => counts.set(`${rule}/${outcome}`, (counts.get(`${rule}/${outcome}`) ?? 0) + 1),
  });
  const driver = new TopologyTestDriver(topology, {
    applicationId: 'quality-test',
    initialWallClockTimeMs: NOW,
  });
  const input = driver.createInputTopic('metrics', stringSerde, rawReadingJsonSerde);
  const clean = driver.createOutputTopic('metrics-clean', stringSerde, cleanReadingSerde);
  const quarantine = driver.createOutputTopic('metrics-quarantine', stringSerde, quarantinedReadingSerde);
  const alerts = driver.createOutputTopic('meter-alerts', stringSerde, meterAlertSerde);
  return {
    driver,
    rules,
    counts,
    /** Pipes a reading at `ms` (or a raw timestamp text) with value and optional unit. */
    send(key: string, at: number | string, value: number, unit: string | null = null) {
      const timestamp = typeof at === 'number' ? iso(at) : at;
      input.pipeInput(key, { timestamp, value, unit }, typeof at === 'number' ? at : T0);
    },
    clean: () => clean.readValuesToList() as CleanReading[],
    quarantine: () => quarantine.readValuesToList() as QuarantinedReading[],
    alerts: () => alerts.readValuesToList() as MeterAlert[],
  };
}
