import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { runKsqlScript } from '../ksql/run-script.js';

interface KsqlArgs {
  file: string;
  server: string;
}

export const ksqlCommand: CommandModule<object, KsqlArgs> = {
  command: 'ksql',
  describe: "Submit a .ksql script statement by statement to a ksqlDB server's REST API",
  builder: (yargs) =>
    yargs
      .option('file', {
        type: 'string',
        demandOption: true,
        describe: 'The .ksql script, e.g. ksql/queries.ksql',
      })
      .option('server', {
        type: 'string',
        default: process.env.METERSTREAM_KSQLDB_URL ?? 'http://127.0.0.1:8088',
        describe: 'ksqlDB server URL [env METERSTREAM_KSQLDB_URL]',
      }),
  handler: async (args) => {
    const summary = await runKsqlScript({
      script: readFileSync(args.file, 'utf8'),
      serverUrl: args.server,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${summary.executed}/${summary.total} statements executed\n`);
  },
};
