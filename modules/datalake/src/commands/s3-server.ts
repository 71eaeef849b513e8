import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { startS3Server } from '../s3-server.js';
import { stopOnSignals } from './signals.js';

interface S3ServerArgs {
  port: number;
  host: string;
  'data-dir': string;
  bucket: string;
}

/**
 * `s3-server`: the embedded S3-compatible server as a process. Prints one JSON line
 * `{"event":"listening","endpoint":...,"port":...}` on stdout once ready (for launchers and tests).
 */
export const s3ServerCommand: CommandModule<object, S3ServerArgs> = {
  command: 's3-server',
  describe: 'Run the embedded S3-compatible server (objects kept as files in the data directory)',
  builder: (yargs) =>
    yargs
      .option('port', { type: 'number', default: 9000, describe: 'Port (0: a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
      .option('data-dir', {
        type: 'string',
        default: join('data', 's3'),
        describe: 'Where objects are stored',
      })
      .option('bucket', {
        type: 'string',
        default: 'meterstream',
        describe: 'Bucket created at start',
      }) as never,
  handler: async (args) => {
    const server = await startS3Server({
      port: args.port,
      host: args.host,
      dataDir: args['data-dir'],
      bucket: args.bucket,
    });
    process.stdout.write(
      `${JSON.stringify({ event: 'listening', endpoint: server.endpoint, port: server.port })}\n`,
    );
    stopOnSignals(() => server.close());
  },
};
