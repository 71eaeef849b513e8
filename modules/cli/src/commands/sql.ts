import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type MeterstreamConfig, configYargsOptions, loadConfig } from '@meterstream/common';
import { createS3Client, datesInRange } from '@meterstream/datalake';
import { LakeDatabase, type LakeSource, duckDbReachesS3, syncLakeCache } from '@meterstream/datalake/sql';
import type { CommandModule } from 'yargs';
import { splitStatements } from '../ksql/split-statements.js';
import { runStatementPrompt } from '../prompt/statement-prompt.js';
import { parseTimeArg } from './query.js';
import { SQL_FORMATS, type SqlFormat, formatSqlResult } from '../sql/format-result.js';
import { CACHE_DIR_OPTION, lakeCacheLocation } from '../sql/lake-cache-location.js';

interface SqlArgs {
  execute?: string;
  file?: string;
  format: SqlFormat;
  from?: string;
  to?: string;
  type?: string[];
  'cache-dir'?: string;
  source: 'auto' | 'cache' | 's3';
  [key: string]: unknown;
}

export const sqlCommand: CommandModule<object, SqlArgs> = {
  command: 'sql',
  describe: 'SQL on DuckDB over the data lake: views metrics and aggregates_<60|600|3600|86400>',
  builder: (yargs) =>
    yargs
      .options(configYargsOptions())
      .option('execute', { alias: 'e', type: 'string', describe: 'Run these statements and exit' })
      .option('file', { alias: 'f', type: 'string', describe: 'Run the statements of this file and exit' })
      .option('format', { choices: SQL_FORMATS, default: 'table' as const, describe: 'Result format' })
      .option('from', { type: 'string', describe: 'Fetch only partitions from this UTC date (inclusive)' })
      .option('to', { type: 'string', describe: 'Fetch only partitions before this UTC date (exclusive)' })
      .option('type', {
        type: 'string',
        array: true,
        describe: 'Fetch only these metric types (ELECTRICITY, WATER, GAS, …)',
      })
      .option('cache-dir', CACHE_DIR_OPTION)
      .option('source', {
        choices: ['auto', 'cache', 's3'] as const,
        default: 'auto' as const,
        describe:
          "Read through a local copy (cache), DuckDB's own S3 access (s3, needs its httpfs extension), or s3 when available (auto)",
      })
      .check((args) => {
        if ((args.from === undefined) !== (args.to === undefined))
          throw new Error('--from and --to go together');
        return true;
      }) as never,
  handler: async (args) => {
    const config = loadConfig(args);
    const source = await lakeSource(config, args);
    const database = await LakeDatabase.open(source);
    try {
      const script = args.execute ?? (args.file ? readFileSync(args.file, 'utf8') : undefined);
      if (script !== undefined) {
        await runScript(database, script, args.format);
        return;
      }
      if (!process.stdin.isTTY) {
        await runScript(database, readFileSync(0, 'utf8'), args.format);
        return;
      }
      await runStatementPrompt({
        input: process.stdin,
        output: process.stdout,
        historyFile: join(homedir(), '.meterstream_sql_history'),
        prompt: 'sql> ',
        banner:
          'meterstream sql — DuckDB over the lake. Views: metrics, aggregates_60 … aggregates_86400. Ctrl-D leaves.',
        run: async (text) => {
          await runScript(database, text, args.format);
          return undefined;
        },
      });
    } finally {
      database.close();
    }
  },
};

async function runScript(database: LakeDatabase, script: string, format: SqlFormat): Promise<void> {
  for (const statement of splitStatements(script.trim().endsWith(';') ? script : `${script};`)) {
    process.stdout.write(formatSqlResult(await database.query(statement.text), format));
  }
}

/** DuckDB reads S3 itself where its httpfs extension is installed; otherwise a synced local copy. */
async function lakeSource(config: MeterstreamConfig, args: SqlArgs): Promise<LakeSource> {
  const { endpoint, root } = lakeCacheLocation(config, args['cache-dir']);
  if (args.source === 's3' || (args.source === 'auto' && (await duckDbReachesS3()))) {
    return { kind: 's3', ...config.s3, endpoint };
  }
  const s3 = createS3Client(config.s3);
  try {
    const range =
      args.from !== undefined
        ? { from: parseTimeArg('from', args.from), to: parseTimeArg('to', args.to!) }
        : undefined;
    const sync = await syncLakeCache({
      s3,
      bucket: config.s3.bucket,
      endpoint,
      root,
      dates: range ? datesInRange(range.from, range.to) : undefined,
      types: args.type?.map((t) => t.toUpperCase()),
    });
    process.stderr.write(
      `sql: ${sync.objects} lake objects in ${sync.dir} (${sync.downloaded} fetched, ${(sync.bytesDownloaded / 1e6).toFixed(1)} MB; ${sync.removed} removed)\n`,
    );
    return { kind: 'local', dir: sync.dir };
  } finally {
    s3.destroy();
  }
}
