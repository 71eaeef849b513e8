import { type DatasetFormat, columnIndex, fail } from './formats.js';
import { parseDecimal } from './dataset-row.js';

const HEADER = 'unix_ts,counter,avg_rate,inst_rate';

/**
 * AMPds2 water and natural-gas meters (`Water_WHW`, `NaturalGas_WHG`, `NaturalGas_FRG`):
 * `unix_ts,counter,avg_rate,inst_rate`, UTC epoch seconds, one row a minute.
 *
 * - `counter` is the cumulative meter reading (litres; gas in dm³, which is the same unit)
 *   → `*_SUMMATION` in litres.
 * - `avg_rate` is the demand over the minute; `inst_rate` is almost always 0 (137 non-zero rows in
 *   the 99,999-row water sample, none in the gas sample), so it cannot carry the demand.
 *   For water `avg_rate` is litres per minute (it equals the counter difference); for gas it is an
 *   hourly rate, exactly 60 × the counter difference in every non-zero row of the sample. Both are
 *   published as litres per minute: water as is, gas divided by 60 (`ratePerMinuteDivisor`).
 */
export function ampds2MeterFormat(kind: 'WATER' | 'GAS'): DatasetFormat {
  const summation = kind === 'WATER' ? 'WATER_SUMMATION' : 'GAS_SUMMATION';
  const demand = kind === 'WATER' ? 'WATER_IDD' : 'GAS_IDD';
  const ratePerMinuteDivisor = kind === 'WATER' ? 1 : 60;
  return {
    name: `AMPds2 ${kind.toLowerCase()} meter`,
    separator: ',',
    attributes: [summation, demand],
    matches: (header) => header.trim() === HEADER,
    parser(header) {
      const columns = header.trim().split(',');
      const ts = columnIndex(columns, 'unix_ts');
      const counter = columnIndex(columns, 'counter');
      const rate = columnIndex(columns, 'avg_rate');
      const width = columns.length;
      return (fields) => {
        if (fields.length !== width)
          return fail('unparsable', `expected ${width} fields, got ${fields.length}`);
        const seconds = parseDecimal(fields[ts]!);
        const total = parseDecimal(fields[counter]!);
        const perMinute = parseDecimal(fields[rate]!) / ratePerMinuteDivisor;
        if (Number.isNaN(seconds) || Number.isNaN(total) || Number.isNaN(perMinute))
          return fail('unparsable', 'a field is not a number');
        return {
          ok: true,
          timestamp: seconds * 1000,
          readings: [
            { attribute: summation, value: total },
            { attribute: demand, value: perMinute },
          ],
        };
      };
    },
  };
}
