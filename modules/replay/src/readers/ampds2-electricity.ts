import { type DatasetFormat, columnIndex, fail } from './formats.js';
import { parseDecimal } from './dataset-row.js';

const HEADER_PREFIX = 'unix_ts,V,I,';

/**
 * AMPds2 electricity meters (`Electricity_*`): `unix_ts,V,I,f,DPF,APF,P,Pt,Q,Qt,S,St`, UTC epoch
 * seconds. P is real power in W and Q reactive power in VAR; both are published in kW / kVAR so
 * power has one unit across datasets (UCI gives kW). V stays volts, I amps.
 */
export const ampds2ElectricityFormat: DatasetFormat = {
  name: 'AMPds2 electricity meter',
  separator: ',',
  attributes: ['ACTIVE_POWER', 'REACTIVE_POWER', 'VOLTAGE', 'INTENSITY'],
  matches: (header) => header.startsWith(HEADER_PREFIX),
  parser(header) {
    const columns = header.trim().split(',');
    const ts = columnIndex(columns, 'unix_ts');
    const volts = columnIndex(columns, 'V');
    const amps = columnIndex(columns, 'I');
    const real = columnIndex(columns, 'P');
    const reactive = columnIndex(columns, 'Q');
    const width = columns.length;
    return (fields) => {
      if (fields.length !== width)
        return fail('unparsable', `expected ${width} fields, got ${fields.length}`);
      const seconds = parseDecimal(fields[ts]!);
      const p = parseDecimal(fields[real]!);
      const q = parseDecimal(fields[reactive]!);
      const v = parseDecimal(fields[volts]!);
      const i = parseDecimal(fields[amps]!);
      if (Number.isNaN(seconds) || Number.isNaN(p) || Number.isNaN(q) || Number.isNaN(v) || Number.isNaN(i))
        return fail('unparsable', 'a field is not a number');
      return {
        ok: true,
        timestamp: seconds * 1000,
        readings: [
          { attribute: 'ACTIVE_POWER', value: p / 1000 },
          { attribute: 'REACTIVE_POWER', value: q / 1000 },
          { attribute: 'VOLTAGE', value: v },
          { attribute: 'INTENSITY', value: i },
        ],
      };
    };
  },
};
