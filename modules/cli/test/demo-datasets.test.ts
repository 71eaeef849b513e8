import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * How scripts/demo.sh picks its AMPds2 files (METERSTREAM_DEMO_DATASETS): the whole-house files the
 * download names, or any file of each meter (the samples' names), starting on the same day and
 * long enough; otherwise the synthetic fleet, saying why. Runs the script's own functions.
 */
const HARNESS = `
set -euo pipefail
source <(sed -n '/^dataset_file() {/,/^if datasets_long_enough; then/p' "$DEMO" | sed '$d')
if datasets_long_enough; then echo "datasets: $ELECTRICITY_FILE $WATER_FILE $GAS_FILE"; else echo synthetic; fi
`;

function choose(datasets: string): { stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', HARNESS], {
    env: {
      ...process.env,
      DEMO: join(PROJECT_ROOT, 'scripts/demo.sh'),
      DATASETS: datasets,
      DAYS: '1',
      METERSTREAM_DEMO_DATASETS: datasets,
    },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** A minute-by-minute AMPds2-shaped file from `startS` for `minutes`. */
function file(dir: string, name: string, startS: number, minutes: number): void {
  const rows = Array.from({ length: minutes }, (_, i) => `${startS + i * 60},1,1,1`);
  writeFileSync(join(dir, name), `unix_ts,counter,avg_rate,inst_rate\n${rows.join('\n')}\n`);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demo-datasets-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo datasets', () => {
  const day = 1_400_000_000 - (1_400_000_000 % 86_400);
  const enough = 5 * 1440; // 2 × DAYS + 2 days and 10 minutes fit in 5 days

  it('takes files of each meter under other names (the samples of ../shared/datasets)', () => {
    const samples = join(dir, 'samples');
    mkdirSync(samples);
    file(samples, 'Electricity_B1E-11.csv', day, enough);
    file(samples, 'Water_WHW-1.csv', day + 60, enough);
    file(samples, 'NaturalGas_FRG-5.csv', day, enough);
    expect(choose(samples).stdout).toBe(
      `datasets: ${samples}/Electricity_B1E-11.csv ${samples}/Water_WHW-1.csv ${samples}/NaturalGas_FRG-5.csv`,
    );
  });

  it('prefers the whole-house files when both are there', () => {
    const both = join(dir, 'both');
    mkdirSync(both);
    for (const name of ['Electricity_WHE', 'Electricity_B1E-11', 'Water_WHW', 'NaturalGas_WHG'])
      file(both, `${name}.csv`, day, enough);
    expect(choose(both).stdout).toContain(`${both}/Electricity_WHE.csv`);
  });

  it('says why it falls back: files that do not start on the same day', () => {
    const apart = join(dir, 'apart');
    mkdirSync(apart);
    file(apart, 'Electricity_B1E-11.csv', day + 400 * 86_400, enough);
    file(apart, 'Water_WHW-1.csv', day, enough);
    file(apart, 'NaturalGas_FRG-5.csv', day, enough);
    const { stdout, stderr } = choose(apart);
    expect(stdout).toBe('synthetic');
    expect(stderr).toMatch(/do not start on the same day .*; using the synthetic fleet$/);
  });

  it('says why it falls back: files too short, or none', () => {
    const short = join(dir, 'short');
    mkdirSync(short);
    for (const name of ['Electricity_WHE', 'Water_WHW', 'NaturalGas_WHG'])
      file(short, `${name}.csv`, day, 60);
    expect(choose(short).stderr).toMatch(
      /Electricity_WHE\.csv spans less than 4 days and 10 minutes; using the synthetic fleet/,
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = choose(empty);
    expect(none.stdout).toBe('synthetic');
    expect(none.stderr).toMatch(
      /holds no Electricity_\*\.csv, Water_\*\.csv and NaturalGas_\*\.csv of AMPds2/,
    );
  });
});
