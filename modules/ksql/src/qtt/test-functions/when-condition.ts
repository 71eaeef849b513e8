import { SqlTypes } from '../../types/sql-type.js';
import { P, type ScalarFunction, ScalarFunctionError } from '../../function/scalar/scalar-function.js';

/**
 * WHENCONDITION(result, shouldBeEvaluated): returns `result`, and fails when called with
 * `shouldBeEvaluated` false — used as a CASE condition it proves that WHEN conditions after the
 * first true one are never evaluated. ksqlDB's conformance runner has the same test-only function
 * on its classpath; ours is registered by the QTT runner only.
 */
export const whenCondition: ScalarFunction = {
  name: 'WHENCONDITION',
  displayName: 'WhenCondition',
  description: 'fails unless its second argument is true; used to prove CASE conditions are lazy',
  category: 'OTHER',
  variants: [
    {
      params: [P.BOOLEAN, P.BOOLEAN],
      returns: SqlTypes.BOOLEAN,
      implement: () => (args) => {
        if (args[1] !== true) throw new ScalarFunctionError('When condition in case is not running lazily!');
        return args[0];
      },
    },
  ],
};
