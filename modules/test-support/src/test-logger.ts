import { type Logger, pino } from 'pino';

/**
 * The logger servers and apps started by a test get: it writes each JSON line through `console.log`
 * instead of straight to a file descriptor, so vitest holds the lines back with the test that
 * wrote them and prints them only when that test fails (`silent: 'passed-only'` in
 * vitest.config.ts): a passing run prints results only, a failing one shows what led to it.
 * `METERSTREAM_TEST_LOG_LEVEL` sets the level (default info; `debug` while debugging a test,
 * `silent` to drop the logs even of failing tests).
 */
export function testLogger(name?: string): Logger {
  return pino(
    { name, level: process.env.METERSTREAM_TEST_LOG_LEVEL ?? 'info' },
    { write: (line: string) => console.log(line.trimEnd()) },
  );
}
