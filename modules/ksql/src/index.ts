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
