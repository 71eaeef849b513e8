#!/usr/bin/env node
// First: it sets the variables that silence two known warnings before any client module loads.
import './known-warnings.js';
import { hideBin } from 'yargs/helpers';
import { COMMAND_GROUPS, COMMAND_NAMES, buildCli, loadCommands } from './cli.js';
import { unknownCommand } from './unknown-command.js';

try {
  const argv = hideBin(process.argv);
  const unknown = unknownCommand(argv, COMMAND_NAMES, COMMAND_GROUPS);
  if (unknown !== null) {
    process.stderr.write(`error: ${unknown}\n`);
    process.exit(1);
  }
  await buildCli(argv, await loadCommands(argv)).parseAsync();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
