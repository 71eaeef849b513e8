import type { Logger } from '@meterstream/common';
import type { KafkaStreams, ProcessingGuarantee } from '@meterstream/streams';
import type { Argv } from 'yargs';
import type { StreamsAppOptions } from '../apps/streams-app.js';
import { onShutdownSignal } from '../command-context.js';

/** The flags of the CLI's Kafka Streams apps (aggregate, quality). */
export interface StreamsAppArgs {
  'input-format': 'avro' | 'json';
  'processing-guarantee': ProcessingGuarantee;
  'commit-interval-ms'?: number;
  'application-id'?: string;
  'instance-id'?: string;
  'state-dir'?: string;
  'state-store': 'memory' | 'redis';
  'metrics-port'?: number;
  'session-timeout-ms': number;
}

/** What differs between the apps in the shared flags' help. */
export interface StreamsAppHelp {
  /** After "Delivery guarantee of the output…". */
  guarantee: string;
  /** What the default application id is. */
  applicationId: string;
  stateDir: string;
}

/** Adds the shared flags, after the app's own. */
export function withStreamsAppOptions<T>(yargs: Argv<T>, help: StreamsAppHelp): Argv<T & StreamsAppArgs> {
  return yargs
    .option('input-format', {
      choices: ['avro', 'json'] as const,
      default: 'avro' as const,
      describe: 'Encoding of metric values',
    })
    .option('processing-guarantee', {
      choices: ['at_least_once', 'exactly_once_v2'] as const,
      default: 'exactly_once_v2' as const,
      describe: help.guarantee,
    })
    .option('commit-interval-ms', {
      type: 'number',
      describe: 'Commit interval (default 30000, or 100 with exactly_once_v2)',
    })
    .option('application-id', {
      type: 'string',
      describe: `Consumer group and internal topic prefix (default ${help.applicationId})`,
    })
    .option('instance-id', {
      type: 'string',
      describe:
        'Id of this instance (names its transactional producer); default: the process id kept in --state-dir',
    })
    .option('state-dir', { type: 'string', describe: help.stateDir })
    .option('state-store', {
      choices: ['memory', 'redis'] as const,
      default: 'memory' as const,
      describe: 'State store backend',
    })
    .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on this port' })
    .option('session-timeout-ms', {
      type: 'number',
      default: 30_000,
      describe: 'Consumer group session timeout: how long a crashed instance keeps its partitions',
    }) as Argv<T & StreamsAppArgs>;
}

/** The shared flags as app options (`stateDir`: the flag, else the app's directory under the data dir). */
export function streamsAppOptions(
  args: StreamsAppArgs,
  defaultStateDir: string,
): Omit<StreamsAppOptions, 'config' | 'logger'> {
  return {
    inputFormat: args['input-format'],
    processingGuarantee: args['processing-guarantee'],
    commitIntervalMs: args['commit-interval-ms'],
    applicationId: args['application-id'],
    instanceId: args['instance-id'],
    stateDir: args['state-dir'] ?? defaultStateDir,
    stateStore: args['state-store'],
    metricsPort: args['metrics-port'],
    sessionTimeoutMs: args['session-timeout-ms'],
  };
}

/**
 * Runs a started app until a signal (graceful close, logs flushed so a closing summary is the
 * last line) or until its runtime fails (exit 1, naming `what`).
 */
export async function runUntilStopped(
  app: { streams: KafkaStreams; close(): Promise<void> },
  logger: Logger,
  what: string,
): Promise<never> {
  // A parent that spawned this app with an IPC channel (`up` starting the quality stage) learns
  // when it first runs: `up` says "the stack is up" only once what it started reads its input.
  let announced = false;
  const announceRunning = () => {
    if (announced || !process.send) return;
    announced = true;
    // Then the channel is closed: an open one would keep the process alive after its close.
    process.send({ event: 'running' }, undefined, undefined, () => process.disconnect?.());
  };
  if (app.streams.state() === 'RUNNING') announceRunning();
  app.streams.setStateListener((state) => {
    if (state === 'RUNNING') announceRunning();
    if (state === 'ERROR') {
      logger.fatal({ err: app.streams.error() }, `${what} stopped on an error`);
      void app.close().finally(() => process.exit(1));
    }
  });
  onShutdownSignal(async () => {
    await app.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  });
  return new Promise<never>(() => {}); // runs until a signal or an error
}
