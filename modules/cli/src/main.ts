#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { buildCli } from './cli.js';

try {
  await buildCli(hideBin(process.argv)).parseAsync();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
