import { KsqlError } from '../../errors.js';
import { type SqlType, SqlTypes } from '../../types/sql-type.js';
import { fixed, scalar } from '../scalar/define.js';
import { P } from '../scalar/scalar-function.js';

/** 2^20 rows per input row: far beyond any sensible use, and a bound on what one row can allocate. */
const MAX_COLUMNS = 20;

/**
 * CUBE_EXPLODE(ARRAY<T>): every combination of the elements kept or replaced by NULL — 2^n rows
 * for n elements, fewer when some are NULL already (a NULL element gives one variant, not two).
 * Rows come in ksqlDB's order: the combination's bit i (from the last element) set keeps element
 * n-1-i, counting up from all-NULL.
 */
export const CUBE_EXPLODE = scalar(
  'CUBE_EXPLODE',
  'TABLE',
  'Takes as argument a list of columns and outputs all possible combinations of them. It produces 2^d new rows where d is the number of columns given as parameter. Duplicate entries for columns with null value are skipped.',
  [
    fixed(
      [P.array(P.T)],
      (call) => SqlTypes.array(call.argTypes[0] as SqlType),
      (columns: unknown[]) => {
        const n = columns.length;
        if (n > MAX_COLUMNS)
          throw new KsqlError(`cube_explode: too many columns (${n}); max is ${MAX_COLUMNS}`);
        let present = 0;
        for (let i = 0; i < n; i++) if (columns[i] !== null) present |= 1 << (n - 1 - i);
        const rows: unknown[][] = [];
        for (let mask = 0; mask < 1 << n; mask++) {
          if ((mask & present) !== mask) continue; // would repeat a row: a NULL element stays NULL
          const row = new Array<unknown>(n);
          for (let i = 0; i < n; i++) row[i] = mask & (1 << (n - 1 - i)) ? columns[i] : null;
          rows.push(row);
        }
        return rows;
      },
      { paramNames: ['columns'] },
    ),
  ],
);
