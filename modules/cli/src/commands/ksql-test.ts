import { writeFileSync } from 'node:fs';
import {
  createKsqlBackend,
  exitCodeOf,
  formatReport,
  type QttBackend,
  type QttTestResult,
  reportJson,
  runQttFiles,
  runStandaloneTest,
} from '@meterstream/ksql';
import type { CommandModule } from 'yargs';

interface KsqlTestArgs {
  paths: string[];
  filter?: string;
  json: boolean;
  'summary-file'?: string;
  verbose: boolean;
  strict: boolean;
  'sql-file'?: string;
  'input-file'?: string;
  'output-file'?: string;
}

/**
 * `meterstream ksql-test`: ksqlDB's conformance tests (query-validation-test JSON files) and its
 * standalone testing tool (statements + input + expected output files) run on the embedded KSQL
 * engine, each test case on its own engine and TopologyTestDrivers — no broker needed. The
 * backend is a parameter so the command's own behaviour can be tested on a stand-in engine.
 */
export function makeKsqlTestCommand(
  createBackend: () => Promise<QttBackend> = createKsqlBackend,
): CommandModule<object, KsqlTestArgs> {
  return {
    command: 'ksql-test [paths..]',
    describe:
      'Run ksqlDB query-validation-test files (or a .sql test with --sql-file) on the embedded KSQL engine',
    builder: (yargs) =>
      yargs
        .positional('paths', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'QTT .json files or directories of them',
        })
        .option('filter', { type: 'string', describe: 'Only tests whose full name matches this regex' })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'Print the summary as JSON instead of text',
        })
        .option('summary-file', { type: 'string', describe: 'Also write the JSON summary to this file' })
        .option('verbose', {
          type: 'boolean',
          default: false,
          describe: 'List passed tests and each result as it comes',
        })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Count unsupported tests as failures for the exit code',
        })
        .option('sql-file', { alias: 's', type: 'string', describe: 'Standalone test: the KSQL statements' })
        .option('input-file', {
          alias: 'i',
          type: 'string',
          describe: 'Standalone test: {"inputs": [...]} records',
        })
        .option('output-file', {
          alias: 'o',
          type: 'string',
          describe: 'Standalone test: {"outputs": [...]} expected records',
        })
        .check((args) => {
          const trio =
            args['sql-file'] !== undefined ||
            args['output-file'] !== undefined ||
            args['input-file'] !== undefined;
          if (trio && (args['sql-file'] === undefined || args['output-file'] === undefined)) {
            throw new Error(
              'a standalone test needs --sql-file and --output-file (--input-file is optional)',
            );
          }
          if (trio && args.paths.length) throw new Error('give either QTT paths or --sql-file, not both');
          if (!trio && args.paths.length === 0)
            throw new Error('give QTT files or directories, or --sql-file');
          if (args.filter !== undefined) new RegExp(args.filter);
          return true;
        }),
    handler: async (args) => {
      const backend = await createBackend();
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (args['sql-file'] !== undefined) {
        const { exitCode } = await runStandaloneTest(
          { sqlFile: args['sql-file'], inputFile: args['input-file'], outputFile: args['output-file']! },
          backend,
          out,
        );
        process.exitCode = exitCode;
        return;
      }
      const progress = (r: QttTestResult) => {
        if (args.verbose && !args.json) out(`${r.status.toUpperCase().padEnd(11)} ${r.name}`);
      };
      const summary = await runQttFiles(args.paths, backend, {
        filter: args.filter === undefined ? undefined : new RegExp(args.filter),
        onResult: progress,
      });
      const json = reportJson(summary);
      if (args['summary-file']) writeFileSync(args['summary-file'], `${JSON.stringify(json, null, 2)}\n`);
      out(args.json ? JSON.stringify(json, null, 2) : formatReport(summary, args.verbose));
      process.exitCode = exitCodeOf(summary, args.strict);
    },
  };
}

export const ksqlTestCommand = makeKsqlTestCommand();
