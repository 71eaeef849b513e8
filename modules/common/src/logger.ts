import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogFormat, LogLevel } from './config.js';
import { prettyLogLine } from './log-pretty.js';
import { writeTerminalLogLine } from './terminal-log-sink.js';

export type { Logger } from 'pino';

/**
 * pretty for people (stderr is a terminal), JSON for programs (a pipe or a file); `auto` decides by
 * stderr, as git, npm and kcat do. Colours only on a terminal, and never with NO_COLOR set.
 */
function resolvedFormat(format: LogFormat | string): 'json' | 'pretty' {
  if (format === 'json' || format === 'pretty') return format;
  return process.stderr.isTTY === true ? 'pretty' : 'json';
}

/** Lines to the terminal: through the progress bar when one is drawn, pretty-printed when asked. */
function terminalDestination(pretty: boolean): DestinationStream {
  const colors = process.stderr.isTTY === true && !process.env.NO_COLOR;
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line !== '') writeTerminalLogLine(`${pretty ? prettyLogLine(line, colors) : line}\n`);
      }
    },
  };
}

/**
 * A structured logger writing to stderr, so a command's stdout stays free for its output (records
 * printed by `consume`, tables printed by `query`). Level and format come from config
 * (`--log-level` / METERSTREAM_LOG_LEVEL, `--log-format` / METERSTREAM_LOG_FORMAT).
 */
export function createLogger(
  name: string,
  level: LogLevel | string = process.env.METERSTREAM_LOG_LEVEL ?? 'info',
  format: LogFormat | string = process.env.METERSTREAM_LOG_FORMAT ?? 'auto',
): Logger {
  const resolved = resolvedFormat(format);
  // JSON into a pipe or file: pino's own asynchronous destination, the fast path for busy logs.
  if (resolved === 'json' && process.stderr.isTTY !== true)
    return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
  return pino({ name, level }, terminalDestination(resolved === 'pretty'));
}
