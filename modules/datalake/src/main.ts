#!/usr/bin/env node
// Standalone entry of the batch-layer commands (the `meterstream` CLI mounts the same command
// modules); tests spawn it as a child process to SIGKILL a running sink.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { batchCommand } from './commands/batch.js';
import { serveCommand } from './commands/serve.js';
import { sinkS3Command } from './commands/sink-s3.js';
import { verifyCommand } from './commands/verify.js';

await yargs(hideBin(process.argv))
  .scriptName('meterstream-datalake')
  .command({
    command: 'sink',
    describe: 'Sinks',
    builder: (y) => y.command(sinkS3Command).demandCommand(1),
    handler: () => undefined,
  })
  .command(batchCommand)
  .command(serveCommand)
  .command(verifyCommand)
  .demandCommand(1)
  .strict()
  .fail((message, error, y) => {
    if (error) {
      process.stderr.write(`${error.name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${y.help()}\n\n${message}\n`);
    }
    process.exit(2);
  })
  .parseAsync();
