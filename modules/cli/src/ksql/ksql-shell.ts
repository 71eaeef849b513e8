import type { Readable, Writable } from 'node:stream';
import { runStatementPrompt } from '../prompt/statement-prompt.js';
import { displayUrl } from './ksql-credentials.js';
import { KsqlSession } from './ksql-session.js';

export interface ShellOptions {
  readonly serverUrl: string;
  readonly input: Readable;
  readonly output: Writable;
  /** Lines entered are appended here and read back as history on the next start. */
  readonly historyFile?: string;
  /** Variables defined before the first statement (--define). */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * Another source of Ctrl-C than the terminal's (an emitter of `SIGINT`): a piped input has no
   * terminal to catch it, and tests press it this way.
   */
  readonly interrupts?: NodeJS.EventEmitter;
}

/**
 * The interactive prompt, as ksqlDB's CLI: statements may span lines and run when a line ends one
 * (`;` outside quotes and comments), Ctrl-C stops the running query (not the shell) or clears a
 * half-typed statement, Ctrl-D / EXIT / QUIT leave. Errors are printed and the prompt goes on.
 */
export async function runShell(options: ShellOptions): Promise<void> {
  const session = new KsqlSession(options.serverUrl, (line) => options.output.write(`${line}\n`));
  Object.assign(session.variables, options.variables ?? {});
  await runStatementPrompt({
    ...options,
    prompt: 'ksql> ',
    banner: `meterstream ksql — server ${displayUrl(options.serverUrl)}. HELP; for help, EXIT; to leave.`,
    run: async (text, signal) => ((await session.runScript(text, signal)) === 'exit' ? 'exit' : undefined),
  });
}
