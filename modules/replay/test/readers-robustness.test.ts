import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatasetRow, type DatasetType, openDataset, readLines } from '@meterstream/replay';

const dir = mkdtempSync(join(tmpdir(), 'replay-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNumber = 0;
function file(content: string): string {
  const path = join(dir, `f${++fileNumber}.txt`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, type: DatasetType) {
  const reader = openDataset(path, { type });
  const rows: DatasetRow[] = [];
  for await (const row of reader) rows.push(row);
  return { rows, reader };
}

const UCI_HEADER =
  'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3';

describe('readLines', () => {
  it('numbers lines, strips \\r\\n, and flags an unterminated last line', async () => {
    const lines = [];
    for await (const line of readLines(file('a\r\nb\n\nc'), 2)) lines.push(line);
    expect(lines).toEqual([
      { text: 'a', number: 1, terminated: true },
      { text: 'b', number: 2, terminated: true },
      { text: '', number: 3, terminated: true },
      { text: 'c', number: 4, terminated: false },
    ]);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const lines = [];
    for await (const line of readLines(file('héllo wörld\n€€€\n'), 3)) lines.push(line.text);
    expect(lines).toEqual(['héllo wörld', '€€€']);
  });
});

describe('bad input is counted per reason, never a crash', () => {
  it('UCI: "?" rows, garbage, wrong field counts, impossible dates, blank lines, cut last line', async () => {
    const path = file(
      [
        UCI_HEADER,
        '16/12/2006;17:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000',
        '16/12/2006;17:25:00;?;?;?;?;?;?;',
        '16/12/2006;17:26:00;abc;0.418;234.840;18.400;0.000;1.000;17.000',
        '16/12/2006;17:27:00;4.216;0.418',
        '31/11/2006;17:28:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000',
        '',
        '16/12/2006;17:29:00;;0.418;234.840;18.400;0.000;1.000;17.000',
        '16/12/2006;17:30:00;5.000;0.500;230.000;20.000;0.000;1.000;17.000',
        '16/12/2006;17:31:00;5.1',
      ].join('\n'),
    );
    const { rows, reader } = await readAll(path, 'electricity');
    expect(rows.map((r) => r.line)).toEqual([2, 9]);
    expect(reader.skips.nonZero()).toEqual({
      'missing-values': 1,
      unparsable: 4,
      'empty-line': 1,
      'truncated-last-line': 1,
    });
    expect(reader.skips.examples.find((e) => e.reason === 'truncated-last-line')!.location).toBe(
      `${path}:10`,
    );
  });

  it('accepts a complete last line that merely lacks its newline', async () => {
    const { rows, reader } = await readAll(
      file(
        'unix_ts,counter,avg_rate,inst_rate\n1333263600,45287.526,0.0,0.0\n1333263660,45291.311,3.785,0.0',
      ),
      'water',
    );
    expect(rows).toHaveLength(2);
    expect(reader.skips.total).toBe(0);
  });

  it('AMPds2 electricity columns are found by name: a reordered file still maps P and Q right', async () => {
    const { rows } = await readAll(
      file(
        'unix_ts,V,I,f,DPF,APF,Q,Qt,P,Pt,S,St\n1393263000,120.0,2.5,60.0,1.0,0.9,150,2078,300,20016,335,187872\n',
      ),
      'electricity',
    );
    expect(rows[0]!.readings).toEqual([
      { attribute: 'ACTIVE_POWER', value: 0.3 },
      { attribute: 'REACTIVE_POWER', value: 0.15 },
      { attribute: 'VOLTAGE', value: 120 },
      { attribute: 'INTENSITY', value: 2.5 },
    ]);
  });

  it('an empty file is a format error, not a crash', async () => {
    await expect(readAll(file(''), 'gas')).rejects.toThrow(/empty file/);
  });
});
