import type { ScalarFunction } from '../scalar/scalar-function.js';
import { CUBE_EXPLODE } from './cube-explode.js';
import { EXPLODE } from './explode.js';

/**
 * The built-in table functions (ksqlDB's UDTFs). Each is defined as a scalar returning the ARRAY of
 * its output rows' values — binding and type checking are the scalars' — and the planner's FlatMap
 * step turns that array into rows (table-function-step.ts).
 */
export const tableFunctions: readonly ScalarFunction[] = [EXPLODE, CUBE_EXPLODE];
