import type { SqlType } from '../../types/sql-type.js';
import { fixed, scalar } from '../scalar/define.js';
import { P } from '../scalar/scalar-function.js';

/** The array argument's own type: a table function's result is its elements, one row each. */
const sameArray = (call: { readonly argTypes: readonly (SqlType | null)[] }) => call.argTypes[0] as SqlType;

/** EXPLODE(ARRAY<T>): one row per element (none for an empty or NULL array). */
export const EXPLODE = scalar(
  'EXPLODE',
  'TABLE',
  'Explodes an array. This function outputs one value for each element of the array.',
  [
    fixed([P.array(P.DECIMAL)], sameArray, (a: unknown[]) => a, { paramNames: ['input'] }),
    fixed([P.array(P.T)], sameArray, (a: unknown[]) => a, { paramNames: ['list'] }),
  ],
);
