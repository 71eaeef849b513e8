import type { KsqlFunctionRegistry } from '../../function/registry.js';
import { createFunctionRegistry } from '../../function/registry.js';
import { badUdf } from './bad-udf.js';
import { whenCondition } from './when-condition.js';
import { whenResult } from './when-result.js';
import { testUdtf, throwingUdtf } from './test-udtf.js';

/**
 * The engine's function registry plus the test-only functions ksqlDB's conformance tests call
 * (ksqlDB's runner has them on its classpath from its test sources). Only the QTT runner uses it.
 */
export function createQttFunctionRegistry(): KsqlFunctionRegistry {
  const registry = createFunctionRegistry();
  for (const fn of [badUdf, whenCondition, whenResult]) registry.registerScalar(fn);
  for (const fn of [testUdtf, throwingUdtf]) registry.registerTableFunction(fn);
  return registry;
}
