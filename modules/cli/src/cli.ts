import { batchCommand, serveCommand, verifyCommand } from '@meterstream/datalake';
import { replayCommand } from '@meterstream/replay';
import yargs, { type CommandModule } from 'yargs';
import { aggregateCommand } from './commands/aggregate.js';
import { consumeCommand } from './commands/consume.js';
import { ksqlCommand } from './commands/ksql.js';
import { perfTrackCommand } from './commands/perf-track.js';
import { queryCommand } from './commands/query.js';
import { brokerCommand, cqlServerCommand } from './commands/servers.js';
import { sinkCommand } from './commands/sink.js';
import { topicsCommand } from './commands/topics.js';
import { upCommand } from './commands/up.js';

const COMMANDS: CommandModule[] = [
  upCommand,
  brokerCommand,
  cqlServerCommand,
  topicsCommand,
  replayCommand,
  consumeCommand,
  aggregateCommand,
  sinkCommand,
  batchCommand,
  serveCommand,
  verifyCommand,
  queryCommand,
  perfTrackCommand,
  ksqlCommand,
] as CommandModule[];

/**
 * The `meterstream` command line. Strict: unknown commands and flags are errors with a non-zero
 * exit code; every command takes its endpoints from flags, METERSTREAM_* variables or defaults.
 */
export function buildCli(argv: string[]) {
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
  for (const command of COMMANDS) cli = cli.command(command);
  return cli;
}
