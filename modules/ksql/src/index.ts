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
export { javaDoubleToString } from './format/java-text.js';
export { decodeAvroJson, encodeAvroJson } from './format/avro-json.js';
