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
export type { SerializedRow } from './engine/insert-values.js';
export type * from './plan/planned-stream.js';
export type * from './plan/plan-context.js';

// Parser
export * from './parser/index.js';

// Expressions and scalar functions (expr helper)
export { compileExpression, compileExpressionAs, type CompileOptions } from './expr/compile.js';
export { formatExpression } from './expr/format-expression.js';
export {
  createFunctionRegistry,
  describeScalar,
  type KsqlFunctionRegistry,
  P,
  type ScalarFunction,
  type ScalarVariant,
  type BoundCall,
  type ParamType,
} from './function/registry.js';
export { compileJavaTimePattern, type JavaTimeFormatter } from './values/java-time-format.js';
export { resolveTimeZone, type TimeZone } from './values/time-zone.js';

// Joins (plan/join-*.ts)
export { type JoinPlanOptions, type JoinSide, joinPrefix, planJoin } from './plan/join-step.js';
// Formats
export {
  createFormats,
  parseFormatName,
  subjectOf,
  supportsSchemaInference,
  validateFormatProperties,
  validateSchemaIdFormat,
  validateWrapSingleValue,
} from './format/formats.js';
export { InMemorySchemaRegistry, HttpSchemaRegistry } from './format/schema-registry.js';
export { windowedKeySerde } from './format/windowed.js';
export { JsonCoercionError, JsonNumberText, jsonToValue, valueToJson } from './format/json-values.js';
export { parseJsonExact } from './format/json-parse.js';
export { avroKeySchemaName, avroSchemaOf, DEFAULT_AVRO_SCHEMA_FULL_NAME } from './format/avro-schema.js';
export { jsonSchemaOf } from './format/json-schema.js';
export { SerdeError } from './format/format-properties.js';
export { decodeAvroJson, encodeAvroJson } from './format/avro-json.js';
export { type RegistryPrinter, registryPrinter } from './format/registry-print.js';

// Aggregation (agg helper)
export { aggregateFunctions } from './function/aggregate/index.js';
export { planAggregation } from './plan/aggregate-step.js';
export { aggregateDataSerde } from './plan/aggregate-serde.js';
export { selectAliases } from './plan/aggregate-aliases.js';
export { DEFAULT_GRACE_MS, planWindow, type PlannedWindow } from './plan/aggregate-windows.js';

// Engine and planner
export { KsqlEngine, type ExecuteOptions } from './engine/ksql-engine.js';
export { streamsConfigFor } from './engine/streams-config.js';
export type { DataSource, TimestampColumn } from './engine/data-source.js';
export type { TransientQueryPlan } from './engine/transient-query.js';
export type { ColumnSource } from './plan/projection.js';
export { formatSchema } from './engine/schema-text.js';

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
export { parseSchemaText } from './qtt/schema-text.js';
export type { QttTestCase, QttFile } from './qtt/test-model.js';
export { createKsqlBackend } from './qtt/ksql-backend.js';
// Building blocks the REST conformance runner (ksql-server) shares with the QTT runner
export { record as parseQttRecord, topic as parseQttTopic, QttFormatError } from './qtt/test-loader.js';
export {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  type JsonValue,
  parseJson,
  stringifyJson,
} from './qtt/json-text.js';
export { deserializeSpec, serializeSpec, type SpecContext, type TopicFormats } from './qtt/spec-serdes.js';
export { topicFormats, QTT_SERVICE_ID } from './qtt/test-executor.js';
export { javaDoubleToString } from './format/java-text.js';
export { QttSchemaRegistry } from './qtt/qtt-schema-registry.js';
export { createdTopic, ensureSchemas } from './qtt/topic-setup.js';
export { verifyOutputs } from './qtt/output-verifier.js';
export { StubKafka, type StoredRecord } from './qtt/stub-kafka.js';
export type { QttRecord, QttTopic } from './qtt/test-model.js';
// PROTOBUF / PROTOBUF_NOSR: the schema ksqlDB derives from columns, its registry text, inference
export {
  type NullableRepresentation,
  printProtoFile,
  type ProtoField,
  type ProtoFile,
  type ProtoMessage,
  protobufSchemaOf,
} from './format/protobuf-schema.js';
export { inferProtobufColumns } from './format/protobuf-infer.js';
// Pull queries (engine2): the plan a host executes over the materializing query's store.
export { executePullQuery, type PullQueryPlan, type PullStore, planPullQuery } from './engine/pull-query.js';
export { PULL_QUERY_STORE } from './engine/pull-materialization.js';

// Processing log (what hosts listen to for the records queries skip)
export {
  type DeserializationFailure,
  type ProcessingLog,
  ProcessingLogChannel,
  type ProcessingLogListener,
} from './engine/processing-log.js';
