import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';

/** The real samples in ../shared/datasets, beside the project root (this file is modules/test-support/src). */
export const SHARED_DATASETS =
  process.env.METERSTREAM_DATASETS_DIR ?? resolve(import.meta.dirname, '../../../../shared/datasets');
export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
export const FIXTURES = resolve(PROJECT_ROOT, 'datasets/fixtures');

export const UCI_SAMPLE = resolve(SHARED_DATASETS, 'uci/household_power_consumption.txt');
export const WATER_SAMPLE = resolve(SHARED_DATASETS, 'ampds2/Water_WHW-1.csv');
export const GAS_SAMPLE = resolve(SHARED_DATASETS, 'ampds2/NaturalGas_FRG-5.csv');
export const ELECTRICITY_SAMPLE = resolve(SHARED_DATASETS, 'ampds2/Electricity_B1E-11.csv');

const present = [UCI_SAMPLE, WATER_SAMPLE, GAS_SAMPLE, ELECTRICITY_SAMPLE].every((file) => existsSync(file));
const required = process.env.METERSTREAM_REQUIRE_DATASETS === '1';

/**
 * `describe` for tests of the real samples: runs them when ../shared/datasets is there; otherwise
 * skips with a message, unless METERSTREAM_REQUIRE_DATASETS=1 (set by .ci/run), where the absence
 * is a failing test.
 */
export function describeWithDatasets(name: string, body: () => void): void {
  if (present) {
    describe(name, body);
  } else if (required) {
    describe(name, () => {
      it('needs the dataset samples', () => {
        throw new Error(
          `METERSTREAM_REQUIRE_DATASETS=1 but the samples are missing under ${SHARED_DATASETS} ` +
            '(expected uci/household_power_consumption.txt and the three ampds2 CSV files)',
        );
      });
    });
  } else {
    console.warn(
      `[datasets] skipping "${name}": dataset samples not found under ${SHARED_DATASETS} ` +
        '(set METERSTREAM_REQUIRE_DATASETS=1 to make this a failure)',
    );
    describe.skip(name, body);
  }
}
