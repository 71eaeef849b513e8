import {
  DEFAULT_QUALITY_TOPICS,
  type QualityTopics,
  type RawReading,
  RulesHolder,
  buildQualityTopology,
  rawReadingAvroSerde,
  rawReadingJsonSerde,
  cleanReadingRegistrySerde,
  rawReadingRegistryReader,
} from '@meterstream/quality';
import type { KafkaStreams } from '@meterstream/streams';
import { Counter } from 'prom-client';
import {
  type SourceSerdes,
  type StreamsAppOptions,
  launchStreamsApp,
  prepareStreamsApp,
} from './streams-app.js';

/** The metrics topic's records as the quality stage reads them (every field, as published). */
const RAW_READINGS: SourceSerdes<RawReading> = {
  json: rawReadingJsonSerde,
  avro: rawReadingAvroSerde,
  registryReader: rawReadingRegistryReader,
};

/** The shared app options (streams-app.ts); default application id `meterstream-quality`. */
export interface QualityAppOptions extends StreamsAppOptions {
  topics?: Partial<QualityTopics>;
  /** YAML rules (reloaded on change and on reloadRules()); default: the built-in defaults. */
  rulesFile?: string;
  dedupWindowSec?: number;
}

export interface RunningQuality {
  streams: KafkaStreams;
  applicationId: string;
  metricsPort: number | undefined;
  rules: RulesHolder;
  /** Re-reads the rules file (SIGHUP); a file that fails to load is logged and the rules stay. */
  reloadRules(): void;
  close(): Promise<void>;
}

/** Counts per rule and outcome (README: "Prometheus metrics"). */
export const QUALITY_COUNTER = {
  name: 'meterstream_quality_records_total',
  help: 'Readings per quality rule and outcome (quarantined, dropped, flagged, estimated, alert, passed)',
  labelNames: ['application', 'rule', 'outcome'],
} as const;

/**
 * Starts the quality stage (`meterstream quality`): metrics → metrics-clean, metrics-quarantine,
 * meter-alerts, with the aggregator's runtime (exactly-once by default, dead letters for records
 * that do not decode at all, Prometheus metrics).
 */
export async function startQuality(options: QualityAppOptions): Promise<RunningQuality> {
  const applicationId = options.applicationId ?? 'meterstream-quality';
  const rules = options.rulesFile ? RulesHolder.fromFile(options.rulesFile) : new RulesHolder();
  const reloaded = (error: Error | undefined) => {
    if (error)
      options.logger.error({ err: error, file: rules.file }, 'rules not reloaded; the previous rules stay');
    else options.logger.info({ file: rules.file, version: rules.version }, 'rules reloaded');
  };
  rules.watch(reloaded);
  const prepared = await prepareStreamsApp(options, RAW_READINGS, 'the quality stage');
  const counter = new Counter({
    ...QUALITY_COUNTER,
    labelNames: [...QUALITY_COUNTER.labelNames],
    registers: [prepared.registry],
  });
  // The stack's format: Avro through the Schema Registry when the raw topic is (README "Topics and
  // formats"), else JSON (plain Avro readers of Metric could not skip the added fields' bytes).
  const cleanTopic = options.topics?.clean ?? DEFAULT_QUALITY_TOPICS.clean;
  const registryUrl = options.config.schemaRegistryUrl;
  const cleanSerde =
    options.inputFormat === 'avro' && registryUrl
      ? await cleanReadingRegistrySerde(registryUrl, `${cleanTopic}-value`)
      : undefined;
  const topology = buildQualityTopology({
    topics: options.topics,
    readingSerde: prepared.serde,
    cleanSerde,
    rules,
    dedupWindowSec: options.dedupWindowSec,
    storeBackend: prepared.storeBackend,
    count: (rule, outcome) => counter.inc({ application: applicationId, rule, outcome }),
  });
  const app = await launchStreamsApp(topology, options, prepared, { applicationId, name: 'quality' });
  return {
    streams: app.streams,
    applicationId,
    metricsPort: app.metricsEndpoint?.port,
    rules,
    reloadRules() {
      if (!rules.file) return;
      try {
        rules.reload();
        reloaded(undefined);
      } catch (error) {
        reloaded(error as Error);
      }
    },
    async close() {
      rules.close();
      await app.close();
    },
  };
}
