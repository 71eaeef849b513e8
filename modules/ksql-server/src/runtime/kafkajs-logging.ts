import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * kafkajs' log lines into the runtime's pino logger (warnings and errors only: kafkajs logs every
 * group join and connection at info).
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry;
      if (level === logLevel.ERROR) log.error(rest, message);
      else if (level === logLevel.WARN) log.warn(rest, message);
    };
}
