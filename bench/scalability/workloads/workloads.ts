/**
 * The workloads the scalability benchmark can load: how to start each as its own process (ready
 * once it consumes) and which format it reads. The consumer group measured is the application id.
 */
import { resolve } from 'node:path';
import { type Started, startNode, workloadNodeArgs } from '../child.js';
import type { ValueFormat } from '../value-formats.js';

export interface WorkloadRun {
  readonly brokers: string;
  readonly registryUrl?: string;
  readonly topic: string;
  readonly applicationId: string;
  readonly format: ValueFormat;
  /** host:port of the CQL server (workloads that write to Cassandra). */
  readonly cassandra?: string;
  /**
   * The streams workloads' commit interval: the lag is measured from committed offsets, so it
   * bounds the lag's resolution; Kafka Streams' default is 30 s (at least once).
   */
  readonly commitIntervalMs: number;
  /** A directory of this run's own (state directories). */
  readonly dataDir: string;
  /** Set: the aggregator keeps its state in Redis there (--state-store redis). */
  readonly redisUrl?: string;
  /** The streams runtime's fetch settings (uc2, uc3), when not its defaults. */
  readonly fetchMinBytes?: number;
  readonly fetchMaxWaitMs?: number;
  /** uc1: rows per UNLOGGED BATCH to Cassandra (1: one INSERT per record). */
  readonly batchRows: number;
}

export interface Workload {
  readonly defaultFormat: ValueFormat;
  readonly needsCassandra?: boolean;
  start(run: WorkloadRun): Promise<Started>;
}

const theodolite = (name: 'uc1' | 'uc2' | 'uc3'): Workload => ({
  defaultFormat: 'theodolite-json',
  needsCassandra: name === 'uc1',
  start: (run) =>
    startNode(
      [
        ...workloadNodeArgs(),
        '--import',
        'tsx',
        resolve(import.meta.dirname, 'workload-main.ts'),
        '--workload',
        name,
        '--brokers',
        run.brokers,
        '--input',
        run.topic,
        '--output',
        `${run.topic}-out`,
        '--format',
        run.format,
        '--application-id',
        run.applicationId,
        ...(run.cassandra ? ['--cassandra', run.cassandra, '--batch-rows', String(run.batchRows)] : []),
        '--commit-interval-ms',
        String(run.commitIntervalMs),
        ...(run.fetchMinBytes === undefined ? [] : ['--fetch-min-bytes', String(run.fetchMinBytes)]),
        ...(run.fetchMaxWaitMs === undefined ? [] : ['--fetch-max-wait-ms', String(run.fetchMaxWaitMs)]),
      ],
      'running',
    ),
});

/** `meterstream aggregate` as users run it (built: run `npx tsc -b` first), 4 windows. */
const aggregator: Workload = {
  defaultFormat: 'metric-avro',
  start: (run) =>
    startNode(
      [
        ...workloadNodeArgs(),
        resolve(import.meta.dirname, '../../../modules/cli/dist/main.js'),
        'aggregate',
        '--kafka-brokers',
        run.brokers,
        ...(run.registryUrl ? ['--schema-registry-url', run.registryUrl] : []),
        '--source',
        run.topic,
        '--application-id',
        run.applicationId,
        '--output-prefix',
        `${run.topic}-aggregates-`,
        '--commit-interval-ms',
        String(run.commitIntervalMs),
        ...(run.format === 'metric-json' ? ['--input-format', 'json'] : []),
        '--data-dir',
        run.dataDir,
        ...(run.redisUrl ? ['--state-store', 'redis', '--redis-url', run.redisUrl] : []),
      ],
      // The runtime logs its state changes at info (a handful of lines per run).
      (line) => line.msg === 'state' && line.to === 'RUNNING',
      { METERSTREAM_LOG_LEVEL: 'info' },
    ),
};

export const WORKLOADS = {
  uc1: theodolite('uc1'),
  uc2: theodolite('uc2'),
  uc3: theodolite('uc3'),
  aggregator,
} as const;
export type WorkloadName = keyof typeof WORKLOADS;
