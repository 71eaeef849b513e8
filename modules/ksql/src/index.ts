// @meterstream/ksql — an embedded KSQL engine on @meterstream/streams.
// Each part appends its own exports below (one block per part, kept in this order).

// Shared contracts
export * from './errors.js';
export * from './types/sql-type.js';
export * from './schema/logical-schema.js';
export * from './values/decimal.js';
export type * from './parser/ast.js';
export { durationMs } from './parser/ast.js';
export * from './expr/compiled.js';
export type * from './function/function-types.js';
export type * from './format/format.js';
export type * from './engine/engine-api.js';
export type * from './plan/planned-stream.js';
export type * from './plan/plan-context.js';

// Conformance runner (ksqlDB query-validation tests)
export type { QttBackend, QttEngine, QttEngineSetup, SchemaRegistryWithIds } from './qtt/qtt-backend.js';
export {
  type QttRunOptions,
  type QttRunSummary,
  type QttFileSummary,
  runQttFiles,
  exitCodeOf,
} from './qtt/qtt-runner.js';
export { type QttStatus, type QttTestResult, runTestCase } from './qtt/test-executor.js';
export { formatReport, groupReasons, reportJson, type ReasonGroup } from './qtt/qtt-report.js';
export { runStandaloneTest, type StandaloneFiles } from './qtt/standalone-test.js';
export { listQttFiles, loadQttFile, parseQttFile } from './qtt/test-loader.js';
export type { QttTestCase, QttFile } from './qtt/test-model.js';
export { createKsqlBackend } from './qtt/ksql-backend.js';
