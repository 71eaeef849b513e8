import {
  DEAD_LETTER_TOPIC,
  type MetricReading,
  metricReadingAvroSerde,
  metricReadingJsonSerde,
  metricReadingSyncRegistryReader,
} from '@meterstream/common';
import type { KafkaStreams } from '@meterstream/streams';
import { buildAggregatorTopology } from './aggregator-topology.js';
import { LossReport } from './loss-report.js';
import {
  type SourceSerdes,
  type StreamsAppOptions,
  launchStreamsApp,
  prepareStreamsApp,
} from './streams-app.js';

/** The metrics topic's records as the aggregator reads them (value, timestamp, key fields). */
const METRIC_READINGS: SourceSerdes<MetricReading> = {
  json: metricReadingJsonSerde,
  avro: metricReadingAvroSerde,
  registryReader: metricReadingSyncRegistryReader,
};

/**
 * The shared app options (streams-app.ts); default application id `meterstream-aggregator-<windows>`;
 * the CLI passes `<data-dir>/streams` as the state directory.
 */
export interface AggregatorOptions extends StreamsAppOptions {
  sourceTopic: string;
  windowsSec: readonly number[];
  graceSec: number;
  /** Default `metrics-aggregates-<w>`. */
  outputTopic?: (windowSec: number) => string;
  /** How often late drops and dead letters are logged, at most (default 10 s). */
  lossReportIntervalMs?: number;
}

export interface RunningAggregator {
  streams: KafkaStreams;
  applicationId: string;
  metricsPort: number | undefined;
  close(): Promise<void>;
}

/**
 * Starts the metric aggregator (1-minute to 1-day windows) as a Kafka Streams application: reads metrics, writes the final
 * aggregate of every closed window to `metrics-aggregates-<w>`. Records common's metric record
 * rule refuses (validateMetricRecord: null or malformed key, null or undecodable value, non-finite
 * value, bad or out-of-range timestamp) go to `metrics-dlq` with the reason in their headers.
 */
export async function startAggregator(options: AggregatorOptions): Promise<RunningAggregator> {
  const applicationId = options.applicationId ?? `meterstream-aggregator-${options.windowsSec.join('-')}`;
  const prepared = await prepareStreamsApp(options, METRIC_READINGS, 'the aggregator');
  const topology = buildAggregatorTopology({
    sourceTopic: options.sourceTopic,
    metricSerde: prepared.serde,
    windowsSec: options.windowsSec,
    graceSec: options.graceSec,
    storeBackend: prepared.storeBackend,
    outputTopic: options.outputTopic,
  });
  const deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  // Assigned below: the report reads the counters of the runtime it is passed to.
  let streams: KafkaStreams | undefined;
  const losses = new LossReport(
    options.logger,
    { windowsSec: options.windowsSec, graceSec: options.graceSec, deadLetterTopic },
    () => streams?.taskMetrics() ?? { processed: 0, lateRecordDrops: 0 },
    options.lossReportIntervalMs,
  );
  const app = await launchStreamsApp(topology, options, prepared, {
    applicationId,
    name: 'aggregator',
    onDeadLetter: (reason) => losses.deadLettered(reason),
  });
  streams = app.streams;
  losses.start();
  return {
    streams: app.streams,
    applicationId,
    metricsPort: app.metricsEndpoint?.port,
    async close() {
      // Counted before the tasks go: closing them drops their counters.
      losses.stop();
      await app.close();
    },
  };
}
