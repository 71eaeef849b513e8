import { displayUrl } from './ksql-credentials.js';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { KsqlSession } from './ksql-session.js';
import { splitStatements } from './split-statements.js';

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
  const print = (line: string) => options.output.write(`${line}\n`);
  const session = new KsqlSession(options.serverUrl, print);
  Object.assign(session.variables, options.variables ?? {});
  const terminal = (options.output as { isTTY?: boolean }).isTTY === true;
  const history = loadHistory(options.historyFile);
  const rl = createInterface({
    input: options.input,
    output: options.output,
    terminal,
    history,
    historySize: 1000,
    removeHistoryDuplicates: true,
  });
  let running: AbortController | undefined;
  let buffer = '';
  const prompt = () => {
    rl.setPrompt(buffer ? '>' : 'ksql> ');
    rl.prompt();
  };
  const interrupt = () => {
    if (running) running.abort();
    else {
      buffer = '';
      options.output.write('\n');
      prompt();
    }
  };
  rl.on('SIGINT', interrupt);
  options.interrupts?.on('SIGINT', interrupt);
  print(`meterstream ksql — server ${displayUrl(options.serverUrl)}. HELP; for help, EXIT; to leave.`);
  print('');
  prompt();
  try {
    for await (const line of rl) {
      if (options.historyFile && line.trim()) appendFileSync(options.historyFile, `${line}\n`);
      buffer = buffer ? `${buffer}\n${line}` : line;
      if (!endsStatement(buffer)) {
        prompt();
        continue;
      }
      const text = buffer;
      buffer = '';
      running = new AbortController();
      try {
        if ((await session.runScript(text, running.signal)) === 'exit') break;
      } catch (error) {
        print((error as Error).message);
      } finally {
        running = undefined;
      }
      print('');
      prompt();
    }
  } finally {
    options.interrupts?.off('SIGINT', interrupt);
    rl.close();
  }
}

/** Whether `text` holds one or more complete statements (and nothing after the last `;`). */
function endsStatement(text: string): boolean {
  if (!text.trim()) return false;
  try {
    return splitStatements(text).length > 0;
  } catch {
    return false; // unterminated string, comment or statement: wait for more lines
  }
}

function loadHistory(file: string | undefined): string[] {
  if (!file || !existsSync(file)) return [];
  // readline keeps the newest entry first
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-1000).reverse();
}
