#!/usr/bin/env node
// A stand-alone `replay` for trying the publisher without the meterstream CLI (which mounts the
// same command): node modules/replay/dist/main.js replay --synthetic --rate 0 --message-count 1000
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { replayCommand } from './command.js';

await yargs(hideBin(process.argv))
  .scriptName('meterstream-replay')
  .command(replayCommand)
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync();
