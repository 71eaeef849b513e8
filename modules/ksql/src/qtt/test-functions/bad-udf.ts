import { SqlTypes } from '../../types/sql-type.js';
import { P, type ScalarFunction, ScalarFunctionError } from '../../function/scalar/scalar-function.js';

/**
 * BAD_UDF: a function that fails on purpose, so tests can check how a query treats a failing
 * expression (a GROUP BY / PARTITION BY key that throws excludes the row, a SELECT column reads NULL).
 * ksqlDB's conformance runner has a function of this name and behaviour on its classpath (a
 * test-only UDF); ours is registered by the QTT runner only, never in production registries.
 */
export const badUdf: ScalarFunction = {
  name: 'BAD_UDF',
  displayName: 'bad_udf',
  description: 'throws exceptions when called',
  category: 'OTHER',
  variants: [
    {
      params: [P.INT],
      returns: SqlTypes.STRING,
      description: 'throws',
      implement: () => () => {
        throw new ScalarFunctionError('boom!');
      },
    },
    {
      params: [P.BOOLEAN],
      returns: SqlTypes.INTEGER,
      description: 'throws if arg is true',
      implement: () => (args) => {
        if (args[0] === true) throw new ScalarFunctionError('You asked me to throw...');
        return 0;
      },
    },
    {
      params: [P.STRING],
      returns: SqlTypes.STRING,
      description: 'returns null every other invocation',
      implement: () => {
        // One counter per call site, as ksqlDB has one UDF instance per call.
        let calls = 0;
        return (args) => (calls++ % 2 === 0 ? null : args[0]);
      },
    },
  ],
};
