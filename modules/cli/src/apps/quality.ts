import {
  DEAD_LETTER_COUNTER,
  DEAD_LETTER_TOPIC,
  type Logger,
  type MeterstreamConfig,
  createKafka,
} from '@meterstream/common';
import {
  type QualityTopics,
  type RawReading,
  RulesHolder,
  buildQualityTopology,
  rawReadingAvroSerde,
  rawReadingJsonSerde,
  rawReadingRegistryReader,
} from '@meterstream/quality';
import {
  KafkaStreams,
  type ProcessingGuarantee,
  type Serde,
  type StoreBackend,
  redisStoreBackend,
} from '@meterstream/streams';
import { Redis } from 'ioredis';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '@meterstream/security';

export interface QualityAppOptions {
  config: MeterstreamConfig;
  logger: Logger;
  topics?: Partial<QualityTopics>;
  /** YAML rules (reloaded on change and on reloadRules()); default: the built-in defaults. */
  rulesFile?: string;
  dedupWindowSec?: number;
  inputFormat: 'avro' | 'json';
  processingGuarantee: ProcessingGuarantee;
  commitIntervalMs?: number;
  /** Default `meterstream-quality`. */
  applicationId?: string;
  instanceId?: string;
  stateDir?: string;
  stateStore?: 'memory' | 'redis';
  sessionTimeoutMs?: number;
  metricsPort?: number;
  deadLetterTopic?: string;
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

function readingSerde(options: QualityAppOptions): {
  serde: Serde<RawReading>;
  beforeBatch?: (values: readonly (Buffer | null)[]) => Promise<void>;
} {
  if (options.inputFormat === 'json') return { serde: rawReadingJsonSerde };
  if (!options.config.schemaRegistryUrl) return { serde: rawReadingAvroSerde };
  const reader = rawReadingRegistryReader(options.config.schemaRegistryUrl);
  return {
    serde: {
      serialize: () => {
        throw new Error('the quality stage only reads metrics');
      },
      deserialize: (data) => reader.deserialize(data),
    },
    beforeBatch: (values) => reader.prefetch(values),
  };
}

/**
 * Starts the quality stage (`meterstream quality`): metrics → metrics-clean, metrics-quarantine,
 * meter-alerts, with the aggregator's runtime (exactly-once by default, dead letters for records
 * that do not decode at all, Prometheus metrics).
 */
export async function startQuality(options: QualityAppOptions): Promise<RunningQuality> {
  const applicationId = options.applicationId ?? 'meterstream-quality';
  const { serde, beforeBatch } = readingSerde(options);
  const rules = options.rulesFile ? RulesHolder.fromFile(options.rulesFile) : new RulesHolder();
  const reloaded = (error: Error | undefined) => {
    if (error)
      options.logger.error({ err: error, file: rules.file }, 'rules not reloaded; the previous rules stay');
    else options.logger.info({ file: rules.file, version: rules.version }, 'rules reloaded');
  };
  rules.watch(reloaded);
  const redis =
    options.stateStore === 'redis' ? new Redis(options.config.redisUrl, { lazyConnect: true }) : undefined;
  await redis?.connect();
  const storeBackend: StoreBackend | undefined = redis ? redisStoreBackend({ redis }) : undefined;

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = new Counter({
    ...QUALITY_COUNTER,
    labelNames: [...QUALITY_COUNTER.labelNames],
    registers: [registry],
  });
  const deadLetters = new Counter({
    ...DEAD_LETTER_COUNTER,
    labelNames: [...DEAD_LETTER_COUNTER.labelNames],
    registers: [registry],
  });
  const topology = buildQualityTopology({
    topics: options.topics,
    readingSerde: serde,
    rules,
    dedupWindowSec: options.dedupWindowSec,
    storeBackend,
    count: (rule, outcome) => counter.inc({ application: applicationId, rule, outcome }),
  });
  options.logger.info({ applicationId, topology: topology.describe().toString() }, 'quality topology');
  const streams = new KafkaStreams(topology, {
    applicationId,
    kafka: createKafka(options.config, options.logger),
    processingGuarantee: options.processingGuarantee,
    commitIntervalMs: options.commitIntervalMs,
    instanceId: options.instanceId,
    stateDir: options.stateDir,
    deserializationHandling: 'logAndContinue',
    deadLetterTopic: options.deadLetterTopic ?? DEAD_LETTER_TOPIC,
    deadLetterNulls: true,
    // The runtime's DeserializationError is common's: its kind is the metric record rule's reason.
    deadLetterHeaders: (_record, error) => {
      const reason = error.kind;
      deadLetters.inc({ application: applicationId, reason });
      return { 'error.reason': reason };
    },
    sessionTimeoutMs: options.sessionTimeoutMs,
    beforeBatch,
    metricsRegistry: registry,
    logger: options.logger,
  });
  const metricsEndpoint =
    options.metricsPort === undefined ? undefined : await serveMetrics(registry, options.metricsPort);
  await streams.start();
  return {
    streams,
    applicationId,
    metricsPort: metricsEndpoint?.port,
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
      await streams.close();
      await redis?.quit();
      await metricsEndpoint?.close();
    },
  };
}
