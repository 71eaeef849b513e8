import { SqlTypes } from '../../types/sql-type.js';
import { P, type ScalarFunction, ScalarFunctionError } from '../../function/scalar/scalar-function.js';

/**
 * WHENRESULT(value, shouldBeEvaluated): returns `value`, and fails when called with
 * `shouldBeEvaluated` false — used as a CASE branch it proves that only the chosen branch is
 * evaluated. ksqlDB's conformance runner has the same test-only function on its classpath; ours is
 * registered by the QTT runner only.
 */
export const whenResult: ScalarFunction = {
  name: 'WHENRESULT',
  displayName: 'WhenResult',
  description: 'fails unless its second argument is true; used to prove CASE branches are lazy',
  category: 'OTHER',
  variants: [
    {
      params: [P.INT, P.BOOLEAN],
      returns: SqlTypes.INTEGER,
      implement: () => (args) => {
        if (args[1] !== true) throw new ScalarFunctionError('Then expression in case is not running lazily!');
        return args[0];
      },
    },
  ],
};
