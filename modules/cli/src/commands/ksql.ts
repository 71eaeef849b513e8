import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipelineMetricsTopic, readSecureStack, secureStackFiles, trustStackCa } from '@meterstream/common';
import type { CommandModule } from 'yargs';
import { serverUrlWithCredentials } from '../ksql/ksql-credentials.js';
import { KsqlSession } from '../ksql/ksql-session.js';
import { runShell } from '../ksql/ksql-shell.js';

const DEFAULT_SERVER_URL = 'http://127.0.0.1:8088';
/** Defined for every script and prompt: $METERSTREAM_METRICS_TOPIC, else `metrics` (ksql/queries.ksql). */
const METRICS_TOPIC_VARIABLE = 'metrics_topic';

interface KsqlArgs {
  server?: string;
  'server-url': string;
  file?: string;
  execute?: string;
  define?: string[];
  'history-file': string;
  user?: string;
  password?: string;
  'data-dir': string;
  'tls-ca'?: string;
}

export const ksqlCommand: CommandModule<object, KsqlArgs> = {
  command: 'ksql [server]',
  describe:
    "ksqlDB's CLI: an interactive prompt on a ksqlDB-compatible server (the embedded one or real ksqlDB), or run --file / --execute",
  builder: (yargs) =>
    yargs
      .positional('server', {
        type: 'string',
        describe: 'Server URL (as `ksql http://host:8088`); overrides --server-url',
      })
      .option('server-url', {
        alias: 'server-address',
        type: 'string',
        default: process.env.METERSTREAM_KSQLDB_URL ?? DEFAULT_SERVER_URL,
        describe: 'ksqlDB server URL [env METERSTREAM_KSQLDB_URL]',
      })
      .option('file', {
        alias: 'f',
        type: 'string',
        describe: 'Run the statements of a .ksql file, then exit (e.g. ksql/queries.ksql)',
      })
      .option('execute', {
        alias: 'e',
        type: 'string',
        describe: 'Run these statements, then exit',
      })
      .option('define', {
        type: 'string',
        array: true,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: it documents ksqlDB's literal ${name} syntax
        describe: 'A variable for ${name} substitution, as name=value (repeatable)',
      })
      .option('user', {
        alias: 'u',
        type: 'string',
        describe:
          'User for Basic auth (as ksqlDB CLI -u); the password from --password, $METERSTREAM_KSQL_PASSWORD or a prompt',
      })
      .option('password', {
        alias: 'p',
        type: 'string',
        describe: 'Password for --user (prefer $METERSTREAM_KSQL_PASSWORD: a flag shows in ps)',
      })
      .option('data-dir', {
        type: 'string',
        default: process.env.METERSTREAM_DATA_DIR ?? './data',
        describe:
          'A stack started with `up --secure` there: log in as its ksql user (README "Security") unless --user is given [env METERSTREAM_DATA_DIR]',
      })
      .option('tls-ca', {
        type: 'string',
        default: process.env.METERSTREAM_KSQL_TLS_CA,
        describe:
          "PEM CA an https:// server is verified against (default: the secured stack's CA of --data-dir, else the system CAs) [env METERSTREAM_KSQL_TLS_CA]",
      })
      .option('history-file', {
        type: 'string',
        default: join(homedir(), '.meterstream_ksql_history'),
        describe: 'Where the prompt keeps its history',
      }),
  handler: async (args) => {
    // On a secured stack the ksql user's password comes from the data directory, never a flag.
    const stack = args.user
      ? undefined
      : readSecureStack(args['data-dir'], process.env.METERSTREAM_ROLE ?? 'ksql');
    const serverUrl = await serverUrlWithCredentials(
      args.server ??
        // the secured stack's server unless a URL was given (flag or environment)
        (args['server-url'] === DEFAULT_SERVER_URL
          ? stack?.profile.endpoints.METERSTREAM_KSQLDB_URL
          : undefined) ??
        args['server-url'],
      args.user ?? stack?.user.username,
      args.password ?? stack?.user.password,
    );
    // An https:// server of a secured stack presents a certificate of the stack's own CA.
    const stackCa = secureStackFiles(args['data-dir']).caFile;
    const caFile = args['tls-ca'] ?? (existsSync(stackCa) ? stackCa : undefined);
    if (caFile) trustStackCa(caFile, [serverUrl], args['tls-ca'] ? '--tls-ca' : '--data-dir');
    const script =
      args.file !== undefined
        ? readFileSync(args.file, 'utf8')
        : args.execute !== undefined
          ? args.execute
          : undefined;
    const defined = Object.fromEntries(
      (args.define ?? []).map((d) => {
        const at = d.indexOf('=');
        if (at <= 0) throw new Error(`--define ${d}: expected name=value`);
        return [d.slice(0, at), d.slice(at + 1)];
      }),
    );
    // ksql/queries.ksql reads ${metrics_topic}: the pipeline's input unless --define says otherwise.
    const variables = Object.keys(defined).some((name) => name.toLowerCase() === METRICS_TOPIC_VARIABLE)
      ? defined
      : { [METRICS_TOPIC_VARIABLE]: pipelineMetricsTopic(), ...defined };
    if (script === undefined) {
      await runShell({
        serverUrl,
        input: process.stdin,
        output: process.stdout,
        historyFile: args['history-file'],
        variables,
      });
      return;
    }
    const session = new KsqlSession(serverUrl, (line) => process.stdout.write(`${line}\n`));
    Object.assign(session.variables, variables);
    // Ctrl-C stops a running query; the next one runs (as the CLI with --file does).
    const running = new AbortController();
    process.once('SIGINT', () => running.abort());
    try {
      await session.runScript(script, running.signal);
    } catch (error) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
};
