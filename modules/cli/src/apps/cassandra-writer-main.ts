#!/usr/bin/env node
/**
 * Stand-alone entry of the Cassandra writer (`node dist/apps/cassandra-writer-main.js --window 60 ...`),
 * the same command the `meterstream sink cassandra` CLI mounts; tests run it as a child process.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { sinkCassandraCommand } from '../commands/sink-cassandra.js';

await yargs(hideBin(process.argv))
  .command({ ...sinkCassandraCommand, command: '$0' })
  .strict()
  .parseAsync();
