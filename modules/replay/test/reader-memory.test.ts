import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '@meterstream/replay';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'replay-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 1_000_000;

/** A 1M-row file in the UCI layout (~65 MB), one reading a minute from 2007-01-01 (UTC clock). */
async function writeUciFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write(
    'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3\n',
  );
  const start = Date.UTC(2007, 0, 1);
  let lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const d = new Date(start + i * 60_000);
    const hh = String(d.getUTCHours()).padStart(2, '0');
    const mm = String(d.getUTCMinutes()).padStart(2, '0');
    lines.push(
      `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()};${hh}:${mm}:00;${((i % 5000) / 1000).toFixed(3)};0.100;240.000;10.000;0.000;1.000;17.000`,
    );
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      lines = [];
    }
  }
  out.end();
  await once(out, 'finish');
}

describe('reader memory', () => {
  it('reads a 1M-row file with under 50 MB of heap growth', async () => {
    const path = join(dir, 'uci-1m.txt');
    await writeUciFile(path);
    expect(statSync(path).size).toBeGreaterThan(60_000_000);

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let rows = 0;
    let checksum = 0;
    // UTC: the generated clock has no daylight-saving gaps, so every row is a reading
    const reader = openDataset(path, { type: 'electricity', zone: 'UTC' });
    for await (const row of reader) {
      rows++;
      checksum += row.readings[0]!.value;
      if (rows % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    gc();
    const after = process.memoryUsage().heapUsed;
    const peakGrowthMb = (peak - baseline) / 1e6;
    const retainedMb = (after - baseline) / 1e6;
    console.log(
      `[replay] 1M-row read: heap peak growth ${peakGrowthMb.toFixed(1)} MB, retained ${retainedMb.toFixed(1)} MB`,
    );
    expect(rows).toBe(ROWS);
    expect(reader.skips.total).toBe(0);
    expect(checksum).toBeGreaterThan(0);
    expect(peakGrowthMb).toBeLessThan(50);
    expect(retainedMb).toBeLessThan(50);
  });
});
