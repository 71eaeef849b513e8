import { createRequire } from 'node:module';
import type { CommandModule } from 'yargs';
import type yargsFactory from 'yargs';
import { withEndpointCheck } from './preflight/with-endpoint-check.js';

/**
 * yargs' CommonJS build: its help layout (cliui) wraps descriptions at words with wrap-ansi, where
 * the ESM build's stand-in cuts them at the column ("(de" / "fault 127.0.0.1:9092)").
 */
const yargs = createRequire(import.meta.url)('yargs') as typeof yargsFactory;

/**
 * Each command's module is imported only when that command runs: the data-lake commands pull in the
 * AWS SDK and Parquet code, the servers their engines, and a CLI that loaded all of them would spend
 * over a second of CPU on every call. Top-level help and unknown commands load all of them.
 */
const COMMAND_LOADERS: Record<string, () => Promise<CommandModule[]>> = {
  up: async () => [withEndpointCheck((await import('./commands/up.js')).upCommand as CommandModule, 'up')],
  broker: async () => [
    withEndpointCheck((await import('./commands/servers.js')).brokerCommand as CommandModule, 'broker'),
  ],
  'cql-server': async () => [
    withEndpointCheck(
      (await import('./commands/servers.js')).cqlServerCommand as CommandModule,
      'cql-server',
    ),
  ],
  's3-server': async () => [
    withEndpointCheck((await import('./commands/servers.js')).s3ServerCommand as CommandModule, 's3-server'),
  ],
  topics: async () => [(await import('./commands/topics.js')).topicsCommand],
  replay: async () => [
    withEndpointCheck((await import('@meterstream/replay')).replayCommand as CommandModule, 'replay'),
  ],
  consume: async () => [
    withEndpointCheck((await import('./commands/consume.js')).consumeCommand as CommandModule, 'consume'),
  ],
  aggregate: async () => [
    withEndpointCheck(
      (await import('./commands/aggregate.js')).aggregateCommand as CommandModule,
      'aggregate',
    ),
  ],
  quality: async () => [
    withEndpointCheck((await import('./commands/quality.js')).qualityCommand as CommandModule, 'quality'),
  ],
  sink: async () => [(await import('./commands/sink.js')).sinkCommand],
  batch: async () => [
    withEndpointCheck((await import('@meterstream/datalake')).batchCommand as CommandModule, 'batch'),
  ],
  serve: async () => [
    withEndpointCheck((await import('@meterstream/datalake')).serveCommand as CommandModule, 'serve'),
  ],
  verify: async () => [
    withEndpointCheck((await import('@meterstream/datalake')).verifyCommand as CommandModule, 'verify'),
  ],
  query: async () => [
    withEndpointCheck((await import('./commands/query.js')).queryCommand as CommandModule, 'query'),
  ],
  compact: async () => [
    withEndpointCheck((await import('./commands/compact.js')).compactCommand as CommandModule, 'compact'),
  ],
  vacuum: async () => [
    withEndpointCheck((await import('./commands/compact.js')).vacuumCommand as CommandModule, 'vacuum'),
  ],
  marts: async () => [
    withEndpointCheck((await import('./commands/marts.js')).martsCommand as CommandModule, 'marts'),
  ],
  sql: async () => [
    withEndpointCheck((await import('./commands/sql.js')).sqlCommand as CommandModule, 'sql'),
  ],
  perf: async () => [(await import('./commands/perf-track.js')).perfTrackCommand],
  ksql: async () => [(await import('./commands/ksql.js')).ksqlCommand as CommandModule],
  'ksql-server': async () => [
    withEndpointCheck(
      (await import('./commands/ksql-server.js')).ksqlServerCommand as CommandModule,
      'ksql-server',
    ),
  ],
  'ksql-test': async () => [(await import('./commands/ksql-test.js')).ksqlTestCommand as CommandModule],
};

/** The commands that only group subcommands, and those subcommands. */
export const COMMAND_GROUPS: Record<string, readonly string[]> = {
  topics: ['create'],
  sink: ['cassandra', 's3', 'redis'],
  perf: ['track'],
};

/** Every top-level command name. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMAND_LOADERS);

/** The commands `argv` needs: the one it names, or all of them (help, typos, no command). */
export async function loadCommands(argv: readonly string[]): Promise<CommandModule[]> {
  const loader = COMMAND_LOADERS[argv[0] ?? ''];
  if (loader) return loader();
  return (await Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()))).flat();
}

/**
 * The `meterstream` command line. Strict: unknown commands and flags are errors with a non-zero
 * exit code; every command takes its endpoints from flags, METERSTREAM_* variables or defaults.
 */
export function buildCli(argv: string[], commands: readonly CommandModule[]) {
  let cli = yargs(argv)
    .scriptName('meterstream')
    .usage(
      '$0 <command> [options]\n\nSmart-meter stream processing: replay, aggregate, store and serve readings.',
    )
    .strict()
    .demandCommand(1, 'choose a command (see --help)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(120, process.stdout.columns ?? 120))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`error: ${message}\nRun with --help for usage.\n`);
      process.exit(1);
    });
  for (const command of commands) cli = cli.command(command);
  return cli;
}
