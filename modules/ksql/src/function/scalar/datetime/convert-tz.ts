import { SqlTypes } from '../../../types/sql-type.js';
import { bound, CATEGORY, scalar } from '../define.js';
import { P } from '../scalar-function.js';
import { zoneArg } from './patterns.js';

/** CONVERT_TZ(ts, from, to): the wall-clock time `ts` shows in `from`, shown in `to` instead. */
export const CONVERT_TZ = scalar(
  'CONVERT_TZ',
  CATEGORY.DATE_TIME,
  'Converts a TIMESTAMP value from one time zone to another.',
  [
    bound([P.TIMESTAMP, P.STRING, P.STRING], SqlTypes.TIMESTAMP, (call) => {
      const from = zoneArg(call.constants[1]);
      const to = zoneArg(call.constants[2]);
      return (a) => {
        const ts = a[0] as number;
        return ts + to(a[2]).offsetAt(ts) - from(a[1]).offsetAt(ts);
      };
    }),
  ],
);
