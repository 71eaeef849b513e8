import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { splitStatements } from '../ksql/split-statements.js';

export interface StatementPromptOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Lines entered are appended here and read back as history on the next start. */
  readonly historyFile?: string;
  /**
   * Another source of Ctrl-C than the terminal's (an emitter of `SIGINT`): a piped input has no
   * terminal to catch it, and tests press it this way.
   */
  readonly interrupts?: NodeJS.EventEmitter;
  /** The prompt of a new statement (`ksql> `); continuation lines get `>`. */
  readonly prompt: string;
  /** Printed once before the first prompt. */
  readonly banner: string;
  /**
   * Runs the complete statements of one or more entered lines; `exit` leaves the prompt. The signal
   * aborts on Ctrl-C. A thrown error is printed and the prompt goes on.
   */
  readonly run: (text: string, signal: AbortSignal) => Promise<'exit' | undefined>;
}

/**
 * An interactive prompt for `;`-terminated statements, as ksqlDB's CLI and psql behave: statements
 * may span lines and run when a line ends one (`;` outside quotes and comments), Ctrl-C stops the
 * running statement (not the prompt) or clears a half-typed one, Ctrl-D leaves.
 */
export async function runStatementPrompt(options: StatementPromptOptions): Promise<void> {
  const print = (line: string) => options.output.write(`${line}\n`);
  const terminal = (options.output as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({
    input: options.input,
    output: options.output,
    terminal,
    history: loadHistory(options.historyFile),
    historySize: 1000,
    removeHistoryDuplicates: true,
  });
  let running: AbortController | undefined;
  let buffer = '';
  const prompt = () => {
    rl.setPrompt(buffer ? '>' : options.prompt);
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
  print(options.banner);
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
        if ((await options.run(text, running.signal)) === 'exit') break;
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
