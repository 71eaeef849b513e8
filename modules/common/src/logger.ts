import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * A structured JSON logger writing to stderr, so a command's stdout stays free for its output
 * (records printed by `consume`, tables printed by `query`). The level comes from config
 * (`--log-level` / METERSTREAM_LOG_LEVEL).
 */
export function createLogger(
  name: string,
  level: LogLevel | string = process.env.METERSTREAM_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}
