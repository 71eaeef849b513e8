#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { buildCli, loadCommands } from './cli.js';

try {
  const argv = hideBin(process.argv);
  await buildCli(argv, await loadCommands(argv)).parseAsync();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
