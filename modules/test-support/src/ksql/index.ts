/**
 * `@meterstream/test-support/ksql`: a separate entry point, so the tests that use the other helpers
 * do not load the KSQL engine.
 */
export * from './fake-backend.js';
