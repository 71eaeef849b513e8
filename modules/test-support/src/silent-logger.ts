import { type Logger, pino } from 'pino';

/**
 * The logger every server a test starts gets unless the test says otherwise: a passing run prints
 * results only. `METERSTREAM_TEST_LOG_LEVEL=debug npx vitest run …` turns the servers' logs back on to debug a test.
 */
export function testLogger(): Logger {
  return pino({ level: process.env.METERSTREAM_TEST_LOG_LEVEL ?? 'silent' });
}
