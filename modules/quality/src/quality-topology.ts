import { metricKeySerde, parseInstant, stringSerde } from '@meterstream/common';
import {
  type Serde,
  Serdes,
  type StoreBackend,
  Stores,
  type TimestampExtractor,
  Topology,
  inMemoryStoreBackend,
} from '@meterstream/streams';
import { type CleanReading, cleanReadingSerde, meterAlertSerde, quarantinedReadingSerde } from './outputs.js';
import {
  ALERTS_NODE,
  CLEAN_NODE,
  DEDUP_STORE,
  type QualityCounter,
  QUARANTINE_NODE,
  QualityProcessor,
  SERIES_STORE,
} from './quality-processor.js';
import type { RawReading } from './raw-reading.js';
import type { RulesHolder } from './rules-holder.js';
import type { SeriesState } from './series-state.js';

/** One hour: every accepted reading is an entry (and a changelog record) for this long. */
export const DEFAULT_DEDUP_WINDOW_SEC = 3_600;

export interface QualityTopics {
  source: string;
  clean: string;
  quarantine: string;
  alerts: string;
}

export const DEFAULT_QUALITY_TOPICS: QualityTopics = {
  source: 'metrics',
  clean: 'metrics-clean',
  quarantine: 'metrics-quarantine',
  alerts: 'meter-alerts',
};

export interface QualityTopologyOptions {
  topics?: Partial<QualityTopics>;
  /** Reads the source's Metric payloads without judging them (raw-reading.ts). */
  readingSerde: Serde<RawReading>;
  /** Writes metrics-clean: JSON CleanReading by default, Avro via the registry (clean-avro.ts). */
  cleanSerde?: Serde<CleanReading>;
  rules: RulesHolder;
  /**
   * How long a (key, timestamp) is remembered as seen: the dedup window store's retention. Fixed
   * when the topology is built (a store's retention cannot change under a running task).
   */
  dedupWindowSec?: number;
  storeBackend?: StoreBackend;
  /** Called for every rule outcome (the app's Prometheus counters). */
  count?: QualityCounter;
}

/**
 * Event time: the reading's own timestamp when it parses, else the record's (a reading whose
 * timestamp is unparsable still needs a time to be quarantined at).
 */
const readingTime: TimestampExtractor<string, RawReading> = (record, partitionTime) => {
  const parsed = record.value ? parseInstant(record.value.timestamp) : undefined;
  if (typeof parsed === 'number' && parsed >= 0) return parsed;
  return record.timestamp >= 0 ? record.timestamp : Math.max(partitionTime, 0);
};

/** One JSON serde for the series store's two kinds of value: a SeriesState, and the stream time. */
const seriesValueSerde = Serdes.json() as Serde<SeriesState | number>;

/**
 * The quality stage: `metrics` → `metrics-clean`, `metrics-quarantine`, `meter-alerts`, one
 * processor with two change-logged stores (series state; the dedup window). See the README.
 */
export function buildQualityTopology(options: QualityTopologyOptions): Topology {
  const topics = { ...DEFAULT_QUALITY_TOPICS, ...options.topics };
  const backend = options.storeBackend ?? inMemoryStoreBackend;
  const dedupMs = (options.dedupWindowSec ?? DEFAULT_DEDUP_WINDOW_SEC) * 1000;
  const count: QualityCounter = options.count ?? (() => {});
  return new Topology()
    .addSource('metrics-source', [topics.source], {
      keySerde: metricKeySerde,
      valueSerde: options.readingSerde,
      timestampExtractor: readingTime as TimestampExtractor,
    })
    .addProcessor('quality', () => new QualityProcessor(options.rules, count), 'metrics-source')
    .addStateStore(
      Stores.keyValueStoreBuilder(
        backend.keyValue(SERIES_STORE),
        stringSerde,
        seriesValueSerde,
      ).withCachingEnabled(),
      'quality',
    )
    .addStateStore(
      Stores.windowStoreBuilder(backend.window(DEDUP_STORE, dedupMs, 1, false), stringSerde, Serdes.int32()),
      'quality',
    )
    .addSink(
      CLEAN_NODE,
      topics.clean,
      { keySerde: stringSerde, valueSerde: options.cleanSerde ?? cleanReadingSerde },
      'quality',
    )
    .addSink(
      QUARANTINE_NODE,
      topics.quarantine,
      { keySerde: stringSerde, valueSerde: quarantinedReadingSerde },
      'quality',
    )
    .addSink(ALERTS_NODE, topics.alerts, { keySerde: stringSerde, valueSerde: meterAlertSerde }, 'quality');
}
