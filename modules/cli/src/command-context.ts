import {
  type Logger,
  type MeterstreamConfig,
  configYargsOptions,
  createLogger,
  loadConfig,
} from '@meterstream/common';
import type { Argv } from 'yargs';

/** Adds the endpoint options every command shares (kafka, registry, cassandra, s3, redis, ...). */
export function withEndpoints<T>(yargs: Argv<T>): Argv<T> {
  // The endpoint flags are read back through loadConfig (which resolves flag > env > default), so
  // their parsed types need not widen T.
  return yargs.options(configYargsOptions()) as unknown as Argv<T>;
}

/** Resolves config (flag > env > default) and a logger named after the command. */
export function commandContext(
  args: Record<string, unknown>,
  name: string,
): { config: MeterstreamConfig; logger: Logger } {
  const config = loadConfig(args);
  return { config, logger: createLogger(name, config.logLevel, config.logFormat) };
}

/** Runs `stop` once on SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
